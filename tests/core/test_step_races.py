"""Many identical step requests at once on one object (PostgreSQL, real threads, each its own
connection): one wins with 200, every other gets 409 with the state that won, none gets 500.

The sweep covers every step of every catalogue the API offers (core.steps.CATALOGUES through the
router), so a new step must get a scenario here. The steps the issue named (announcing, approving a
tranche, approving a decision) race 64 requests; the sweep races 16.
"""

import contextlib
from collections.abc import Callable
from datetime import date
from unittest import mock

import pytest
from rest_framework.test import APIClient

from config.api_urls import router
from contests.models import Contest
from core.steps import CATALOGUES
from grants import services as grant_services
from tests.core.step_race_scenarios_programme import PROGRAMME_SCENARIOS
from tests.factories import ContestFactory, OrganisationFactory, UserFactory, contest_in_state, grant
from tests.races import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


S = Contest.State

# (model, step) -> the API prefix and lookup of its view set, for every step the API offers.
ENDPOINTS = {
    (viewset.catalogue.model, step.name): (prefix, viewset.lookup_field)
    for prefix, viewset, _ in router.registry
    if getattr(viewset, "catalogue", None) is not None
    for step in viewset.catalogue
}


# --- one object in the step's source state, the person who may take it, the input ----------------


def _contest(state: str, data: dict | None = None) -> Callable:
    def build():
        organiser = UserFactory()
        return contest_in_state(state, organiser), organiser, data or {}

    return build


def _decision():
    from awards import services
    from tests.awards.conftest import Finished

    finished = Finished(UserFactory(full_name="Організаторка"))
    decision = services.propose(finished.ranked(finished.a)[0], by=finished.organiser, reason="Журі")
    return finished, decision


def _decision_approve():
    finished, decision = _decision()
    return decision, finished.second, {}


def _decision_withdraw():
    finished, decision = _decision()
    return decision, finished.organiser, {}


def _active_grant():
    from tests.grants.conftest import World

    world = World()
    return world, world.active("1000.00")


def _tranche(approved: bool = False):
    world, grant = _active_grant()
    tranche = grant_services.schedule_tranche(
        grant, by=world.officer, planned_on=date(2025, 5, 1), amount="600.00"
    )
    if approved:
        tranche = grant_services.approve_tranche(tranche, by=world.officer)
    return world, tranche


def _tranche_step(approved: bool, data: dict | None = None) -> Callable:
    def build():
        world, tranche = _tranche(approved)
        return tranche, world.officer, data or {}

    return build


def _grant_step(name: str, data: dict | None = None) -> Callable:
    def build():
        from tests.grants.conftest import World

        world = World()
        grant = world.active("1000.00") if name in ("complete", "terminate") else None
        if name == "activate":
            grant = world.offer("1000.00")
            grant = grant_services.update_bank_details(
                grant, by=world.member, payee_name="ПБ Вигадана", payee_bank="Тестбанк", payee_iban=_iban()
            )
            from tests.grants.conftest import pdf

            grant = grant_services.sign_agreement(
                grant, by=world.officer, signed_copy=pdf(), signed_on=date(2025, 1, 10)
            )
        return grant, world.officer, data or {}

    return build


def _iban() -> str:
    from tests.grants.conftest import IBAN

    return IBAN


# --- applications: a published contest (open now) with one required question ---------------------


def _draft():
    from applications import services as application_services
    from applications.models import Application

    organiser, applicant = UserFactory(), UserFactory()
    contest = contest_in_state(S.PUBLISHED, organiser)
    organisation = OrganisationFactory()
    organisation.memberships.create(user=applicant)
    application = application_services.start_application(
        organisation=organisation,
        contest=contest,
        nomination=contest.nominations.get(),
        title="Е-черга до читальної зали",
        by=applicant,
    )
    answers = {field.key: "Запис через сайт бібліотеки." for field in contest.form_fields.all()}
    Application.objects.filter(pk=application.pk).update(answers=answers)
    application.refresh_from_db()
    return application, applicant, organiser


def _application_step(name: str, data: dict | None = None) -> Callable:
    def build():
        from applications import services as application_services

        application, applicant, organiser = _draft()
        if name == "submit":
            return application, applicant, {}
        application = application_services.submit_application(application, by=applicant)
        return application, applicant if name == "withdraw" else organiser, data or {}

    return build


# --- the jury: a contest in review with an open round, one juror's review --------------------------


def _review_step(name: str, state: str, data: dict | None = None) -> Callable:
    def build():
        from review.models import Review, Round
        from tests.review.factories import ReviewFactory, RoundFactory

        organiser = UserFactory()
        contest = ContestFactory(state=S.IN_REVIEW)
        grant(contest, organiser)
        round_ = RoundFactory(contest=contest, state=Round.State.OPEN)
        review = ReviewFactory(round=round_, state=Review.State.ASSIGNED)
        if state != Review.State.ASSIGNED:  # the path there is the review app's own tests' business
            Review.objects.filter(pk=review.pk).update(state=state)
            review.refresh_from_db()
        person = review.juror.user if name in ("submit", "decline") else organiser
        return review, person, data or {}

    return build


def _round_step(state: str) -> Callable:
    def build():
        from tests.review.factories import RoundFactory

        organiser = UserFactory()
        contest = ContestFactory(state=S.IN_REVIEW)
        grant(contest, organiser)
        return RoundFactory(contest=contest, state=state), organiser, {}

    return build


# --- grants: the agreement, completion and the reports ---------------------------------------------


def _sign_agreement():
    from tests.grants.conftest import World, pdf

    world = World()
    grant_ = world.offer("1000.00")

    def data():  # each request uploads its own copy of the signed agreement
        return {"signed_copy": pdf(), "signed_on": "2025-01-10"}

    return grant_, world.officer, data


def _complete():
    from grants.models import GrantReport

    world, grant_ = _active_grant()
    GrantReport.objects.filter(grant=grant_).update(state=GrantReport.State.ACCEPTED)
    return grant_, world.officer, {}


def _report_step(name: str, data: dict | None = None) -> Callable:
    def build():
        from grants.models import GrantReport

        world, grant_ = _active_grant()
        report = grant_.reports.order_by("due_on").first()
        state = GrantReport.State.DUE if name == "submit" else GrantReport.State.SUBMITTED
        GrantReport.objects.filter(pk=report.pk).update(state=state, narrative="Навчили 40 відвідувачів.")
        report.refresh_from_db()
        return report, world.member if name == "submit" else world.officer, data or {}

    return build


# --- issue 15's steps: a declared conflict, a depository case, an import ---------------------------


def _declaration_step(data: dict | None = None) -> Callable:
    def build():
        from review import services as review_services
        from tests.review.conftest import Jury

        organiser = UserFactory()
        jury = Jury(organiser)
        juror = jury.jurors[0]
        declaration = review_services.declare_organisation_conflict(
            juror,
            organisation=jury.applications[1].organisation,
            note="Я консультувала цю бібліотеку.",
            by=juror.user,
        )
        return declaration, organiser, data or {}

    return build


def _case_step(name: str) -> Callable:
    def build():
        from applications.models import Application
        from depository import services as depository_services
        from tests.depository.conftest import Cases

        cases = Cases(UserFactory())
        winner = cases.application(Application.State.AWARDED, title="Вигаданий переможець")
        if name == "withdraw":
            return cases.published(winner), cases.organiser, {}
        return depository_services.select_case(winner, by=cases.organiser), cases.organiser, {}

    return build


def _import_confirm():
    from accounts.models import ImportJob
    from tests.imports.conftest import csv_bytes, org_row, upload

    staff = UserFactory(is_staff=True)
    client = APIClient()
    client.force_authenticate(staff)
    answer = client.post(
        "/api/v1/imports/organisations/", {"file": upload(csv_bytes([org_row(1)]))}, format="multipart"
    )
    assert answer.status_code == 201, answer.content
    return ImportJob.objects.get(pk=answer.json()["id"]), staff, {}


SCENARIOS: dict[tuple[str, str], Callable] = {
    ("contest", "publish"): _contest(S.DRAFT),
    ("contest", "close"): _contest(S.PUBLISHED, {"force": True, "note": "Достроково"}),
    ("contest", "cancel"): _contest(S.PUBLISHED, {"note": "Скасовано"}),
    ("contest", "start_review"): _contest(S.CLOSED),
    ("contest", "decide"): _contest(S.IN_REVIEW),
    ("contest", "announce"): _contest(S.DECIDED),
    ("contest", "archive"): _contest(S.ANNOUNCED),
    ("decision", "approve"): _decision_approve,
    ("decision", "withdraw"): _decision_withdraw,
    ("disbursement", "approve"): _tranche_step(approved=False),
    ("disbursement", "cancel"): _tranche_step(approved=False),
    (
        "disbursement",
        "pay",
    ): _tranche_step(approved=True, data={"payment_reference": "PP-1", "paid_on": "2025-06-01"}),
    ("grant", "activate"): _grant_step("activate"),
    ("grant", "terminate"): _grant_step("terminate", {"note": "Порушено умови"}),
    ("grant", "sign_agreement"): _sign_agreement,
    ("grant", "complete"): _complete,
    ("application", "submit"): _application_step("submit"),
    ("application", "mark_eligible"): _application_step("mark_eligible"),
    ("application", "return_for_correction"): _application_step(
        "return_for_correction", {"note": "Додайте кошторис."}
    ),
    ("application", "mark_ineligible"): _application_step("mark_ineligible", {"reason": "late"}),
    ("application", "withdraw"): _application_step("withdraw"),
    ("review", "submit"): _review_step("submit", "in_progress"),
    ("review", "reopen"): _review_step("reopen", "submitted", {"note": "Перегляньте оцінки."}),
    ("review", "decline"): _review_step("decline", "assigned", {"note": "Не встигаю."}),
    ("review", "recuse"): _review_step("recuse", "assigned", {"note": "Конфлікт інтересів."}),
    ("round", "open"): _round_step("planned"),
    ("round", "close"): _round_step("open"),
    ("grantreport", "submit"): _report_step("submit"),
    ("grantreport", "accept"): _report_step("accept"),
    ("grantreport", "request_changes"): _report_step("request_changes", {"note": "Додайте фото."}),
    ("organisationconflict", "accept"): _declaration_step(),
    ("organisationconflict", "reject"): _declaration_step({"note": "Зв'язок давній, конфлікту немає."}),
    ("practice", "publish"): _case_step("publish"),
    ("practice", "withdraw"): _case_step("withdraw"),
    ("importjob", "confirm"): _import_confirm,
}
SCENARIOS.update(PROGRAMME_SCENARIOS)

# Steps the API offers with no race scenario yet: named here so a new step fails the coverage test.
NOT_YET: set[tuple[str, str]] = set()
# Steps that keep the object's state (so the sweep's "the state moved" cannot judge them): each has
# its own race test below.
RACED_BELOW = {("grant", "confirm_bank_details")}


def _key(model, name: str) -> tuple[str, str]:
    return model._meta.model_name, name


def test_every_step_the_api_offers_has_a_race_scenario():
    offered = {_key(model, name) for model, name in ENDPOINTS}
    every = {_key(c.model, s.name) for c in CATALOGUES.values() for s in c}
    assert offered <= every
    assert offered - set(SCENARIOS) - NOT_YET - RACED_BELOW == set(), "add a scenario for the new step"


def _race(model, name: str, threads: int) -> None:
    prefix, lookup = ENDPOINTS[(model, name)]
    obj, user, data = SCENARIOS[_key(model, name)]()
    if name == "pay":
        data = {**data, "idempotency_key": "one-payment"}  # the same click, repeated
    url = f"/api/v1/{prefix}/{getattr(obj, lookup)}/{name.replace('_', '-')}/"
    before = getattr(obj, CATALOGUES[model].state_field)

    def request():
        client = APIClient()
        client.force_authenticate(user)
        if callable(data):  # an upload: each request its own file, as a form
            return client.post(url, data(), format="multipart")
        return client.post(url, data, format="json")

    # Tests run Celery and after-commit work eagerly: the import would finish (done), the mailing
    # be found delivered (sent), while losers still answer with the step's own state (queued,
    # sending). Judge the step, not the work after it.
    quiet = contextlib.nullcontext()
    if model._meta.model_name == "importjob":
        from accounts.tasks import run_import_job

        quiet = mock.patch.object(run_import_job, "delay_on_commit")
    elif model._meta.model_name == "mailing":
        quiet = mock.patch("mailings.services.refresh_state")
    with quiet:
        responses = run_together(*(request for _ in range(threads)))

    statuses = [getattr(r, "status_code", r) for r in responses]
    assert all(s in (200, 409) for s in statuses), [
        (getattr(r, "status_code", None), getattr(r, "content", r)[:300] if hasattr(r, "content") else r)
        for r in responses
        if getattr(r, "status_code", None) not in (200, 409)
    ]
    stored = getattr(type(obj)._base_manager.get(pk=obj.pk), CATALOGUES[model].state_field)
    assert stored != before, statuses
    won = [r for r in responses if r.status_code == 200]
    lost = [r for r in responses if r.status_code == 409]
    assert len(won) >= 1 and len(won) + len(lost) == threads
    assert all(r.json()["state"] == stored for r in won)
    assert all(r.json()["state"] == stored for r in lost), {r.json()["state"] for r in lost}
    if name != "pay":  # paying again with the same key answers the payment made (idempotent)
        assert len(won) == 1, statuses


@pytest.mark.parametrize(
    ("model", "name"),
    [(m, n) for m, n in ENDPOINTS if _key(m, n) in SCENARIOS],
    ids=lambda v: v if isinstance(v, str) else v._meta.model_name,
)
def test_16_racing_requests_one_wins_the_rest_409(model, name):
    _race(model, name, 16)


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (m, n)
        for m, n in ENDPOINTS
        if _key(m, n) in {("contest", "announce"), ("disbursement", "approve"), ("decision", "approve")}
    ],
    ids=lambda v: v if isinstance(v, str) else v._meta.model_name,
)
def test_64_racing_requests_on_the_steps_the_issue_named(model, name):
    _race(model, name, 64)


def test_16_racing_confirmations_of_changed_bank_details_one_wins_the_rest_409():
    """Confirming changed bank details keeps the grant's state; the race is judged by the flag it
    clears and the audit: one confirmation, 15 × 409 saying it is no longer allowed, no 500."""
    from contests.models import ContestRole
    from grants.iban import make_ua_iban
    from grants.models import AuditEntry, Grant

    world, active = _active_grant()
    second = UserFactory()
    grant(world.contest, second, ContestRole.Role.GRANT_OFFICER)
    active = grant_services.update_bank_details(
        active,
        by=world.member,
        payee_name="ПБ Нова",
        payee_bank="Інший банк",
        payee_iban=make_ua_iban("305299", "26001234567890"),
    )
    assert active.bank_details_unconfirmed
    url = f"/api/v1/grants/{active.pk}/confirm-bank-details/"

    def request():
        client = APIClient()
        client.force_authenticate(second)
        return client.post(url, {}, format="json")

    responses = run_together(*(request for _ in range(16)))
    statuses = sorted(getattr(r, "status_code", repr(r)) for r in responses)
    assert statuses == [200] + [409] * 15, statuses
    assert not Grant.objects.get(pk=active.pk).bank_details_unconfirmed
    assert AuditEntry.objects.filter(grant=active, action="grant.bank_details_confirmed").count() == 1
