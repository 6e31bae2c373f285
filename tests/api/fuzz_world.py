"""The world the API fuzzer (test_fuzz_schemathesis.py) works on, and how it talks to the app.

An organiser with contests in three states, an applicant with a draft, another organisation's
submitted application, and a contest under review whose open round gives a juror two
applications to review, so lists, details and transitions have something to act on. Requests go
through Django's test client (in-process, inside the test's transaction); schemathesis builds them
and judges the answers."""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass
from datetime import timedelta

import requests
from django.test import Client
from django.utils import timezone
from schemathesis import Case
from schemathesis.core.transport import Response
from schemathesis.transport.wsgi import WSGI_TRANSPORT
from werkzeug.test import EnvironBuilder

from accounts import tokens
from accounts.models import User
from applications import services as applications
from contests.models import Contest
from review import services as review_services
from review.models import Round
from tests.api.persona_parts import parts
from tests.factories import OrganisationFactory, UserFactory, contest_in_state
from tests.review.factories import ApplicationFactory

S = Contest.State
# What the WSGI environ carries that the test client sets itself (its host, its cookies).
CLIENT_OWNED = {"HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "HTTP_COOKIE"}


@dataclass
class World:
    organiser: User
    applicant: User
    juror: User


def build_world() -> World:
    organiser = UserFactory(full_name="Організатор Фазер")
    applicant = UserFactory(full_name="Заявниця Фазер")
    OrganisationFactory().memberships.create(user=applicant, is_admin=True)
    published = contest_in_state(S.PUBLISHED, organiser)
    contest_in_state(S.DRAFT, organiser)
    contest_in_state(S.IN_REVIEW, organiser)
    nomination = published.nominations.get()
    applications.start_application(
        organisation=applicant.memberships.get().organisation,
        contest=published,
        nomination=nomination,
        title="Чернетка заявниці",
        by=applicant,
    )
    # Another organisation's application, submitted: the organiser screens it, the applicant
    # must not see it.
    other = UserFactory()
    OrganisationFactory().memberships.create(user=other, is_admin=True)
    submitted = applications.start_application(
        organisation=other.memberships.get().organisation,
        contest=published,
        nomination=nomination,
        title="Подана заявка",
        by=other,
    )
    answers = {field.key: "Відповідь" for field in published.form_fields.all()}
    applications.save_answers(submitted, answers=answers, by=other)
    applications.submit_application(submitted, by=other)
    world = World(organiser=organiser, applicant=applicant, juror=_juror_with_assignments(organiser))
    for part in parts():  # the apps' own objects (tests/api/persona_parts)
        if hasattr(part, "build_fuzz"):
            part.build_fuzz(world)
    return world


def _juror_with_assignments(organiser: User) -> User:
    """A juror of a contest under review with both of its applications assigned in the open round."""
    contest = contest_in_state(S.CLOSED, organiser)
    nomination = contest.nominations.get()
    entries = [
        ApplicationFactory(contest=contest, nomination=nomination, organisation=OrganisationFactory())
        for _ in range(2)
    ]
    user = UserFactory(full_name="Суддя Фазер")
    juror = review_services.add_juror(contest, user=user, by=organiser)
    review_services.start_contest_review(contest, by=organiser)
    round_ = contest.review_rounds.get()
    Round.objects.filter(pk=round_.pk).update(
        reviewers_per_application=1, due_at=timezone.now() + timedelta(days=5)
    )
    round_ = review_services.open_round(Round.objects.get(pk=round_.pk), by=organiser)
    review_services.assign(round_, [(juror, entry) for entry in entries], by=organiser)
    return user


def bearer(user: User) -> str:
    """An Authorization header for `user`: a full, second-factor-verified API token."""
    _token, key = tokens.issue(user, name="fuzz", verified=True)
    return f"Bearer {key}"


def send(client: Client, case: Case, authorization: str) -> Response:
    """Send a generated case through the test client; the answer in schemathesis' form.

    schemathesis serialises the case for WSGI (body, query, headers), werkzeug turns that into a
    WSGI environ, and the test client runs it (its handler keeps the test's database connection)."""
    data = WSGI_TRANSPORT.serialize_case(case)
    data["headers"]["Authorization"] = authorization
    environ = EnvironBuilder(**data).get_environ()
    for key in CLIENT_OWNED:
        environ.pop(key, None)
    started = time.perf_counter()
    # The path goes in as the environ's PATH_INFO (already WSGI-decoded), not to be parsed again.
    answer = client.generic(environ["REQUEST_METHOD"], "/", **_extra(environ))
    elapsed = time.perf_counter() - started
    request = requests.Request(
        method=case.method,
        url=f"http://testserver{environ['PATH_INFO']}?{environ.get('QUERY_STRING', '')}",
        headers=data["headers"],
    ).prepare()
    headers: dict[str, list[str]] = {}
    for name, value in answer.items():
        headers.setdefault(name.lower(), []).append(value)
    return Response(
        status_code=answer.status_code,
        headers=headers,
        # A streamed export is read whole: an error while streaming is a server error too.
        content=b"".join(answer.streaming_content) if answer.streaming else answer.content,
        request=request,
        elapsed=elapsed,
        verify=False,
        message=http.client.responses.get(answer.status_code, "Unknown"),
    )


def _extra(environ: dict) -> dict:
    """The environ as Client.generic's arguments: the body as data, the rest as extra keys."""
    body = environ.pop("wsgi.input").read()
    extra = {k: v for k, v in environ.items() if k.isupper() and k != "REQUEST_METHOD"}
    content_type = extra.pop("CONTENT_TYPE", "application/octet-stream") or "application/octet-stream"
    extra.pop("CONTENT_LENGTH", None)
    return {"data": body, "content_type": content_type, **extra}
