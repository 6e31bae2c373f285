"""Issue 15, "Done when": one national contest end to end through the API only.

From an empty database: staff is the only account made directly (as `createsuperuser` would).
After that every step is an HTTP call through the API, as the person who would take it, with
tokens obtained through the API (sign-up and e-mail confirmation, invitations). Tokens and links
are read from the e-mails sent; time moves with time-machine (the project's clock). Every step's
status code and the state that follows are asserted. Staff, organisers and grant officers set up
their authenticator app on the web page (the one step outside the API); their tokens are then
asked for with the app's code, as the second factor requires.
"""

import re
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from accounts.models import User
from tests.two_step import code_now, confirmed_device

pytestmark = pytest.mark.django_db

PASSWORD = "Kalyna-vesna-2031"
START = "2031-02-02 09:00Z"
LIBRARIES = 28  # 26 submit in time (one of them then withdraws), one stays a draft, one comes late


def pdf(name: str = "plan.pdf", body: bytes = b"demo") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + body, content_type="application/pdf")


class Api:
    """One person's API client: every call runs the on-commit work (e-mails, outbox) like a request would."""

    def __init__(self, capture, name: str, address: str = "127.0.0.1"):
        self.client = APIClient(REMOTE_ADDR=address)
        self.capture = capture
        self.name = name
        self.user_id = None

    def login(self, token: str) -> "Api":
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        me = self.get("/api/v1/me/")
        self.user_id = me["id"]
        return self

    def call(self, method: str, path: str, data=None, *, expect: int = 200, fmt: str = "json", **extra):
        with self.capture(execute=True):
            kwargs = {"format": fmt} if method in {"post", "patch", "put"} else {}
            response = getattr(self.client, method)(path, data, **kwargs, **extra)
        assert response.status_code == expect, (
            self.name,
            method,
            path,
            response.status_code,
            response.content[:2000],
        )
        if response.status_code == 204 or not response.get("Content-Type", "").startswith("application/"):
            return response
        if "json" in response["Content-Type"]:
            return response.json()
        return response

    def get(self, path, params=None, **kw):
        return self.call("get", path, params, **kw)

    def post(self, path, data=None, **kw):
        return self.call("post", path, data or {}, **kw)

    def patch(self, path, data=None, **kw):
        return self.call("patch", path, data or {}, **kw)

    def put(self, path, data=None, **kw):
        return self.call("put", path, data or {}, **kw)

    def delete(self, path, **kw):
        return self.call("delete", path, None, expect=kw.pop("expect", 204), **kw)


def link_token(address: str, kind: str) -> str:
    """The token in the last e-mail to `address` linking to /accounts/<kind>/<token>/."""
    for message in reversed(mail.outbox):
        if address.lower() in [to.lower() for to in message.to]:
            found = re.search(rf"/accounts/{kind}/([^/\s]+)/", message.body)
            if found:
                return found.group(1)
    raise AssertionError(f"no {kind} link mailed to {address}")


def results(page) -> list:
    return page["results"] if isinstance(page, dict) and "results" in page else page


def every(client: Api, path: str, params: dict | None = None) -> list:
    """All rows of a paginated list, page by page."""
    rows, number = [], 1
    while True:
        page = client.get(path, {**(params or {}), "page": number})
        if not isinstance(page, dict) or "results" not in page:
            return page
        rows += page["results"]
        if not page.get("next"):
            return rows
        number += 1


@pytest.fixture
def world(django_capture_on_commit_callbacks, time_machine, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    time_machine.move_to(START, tick=True)
    return SimpleNamespace(capture=django_capture_on_commit_callbacks, clock=time_machine)


def person(world, name: str, address: str = "127.0.0.1") -> Api:
    return Api(world.capture, name, address)


def sign_up(world, email: str, full_name: str, address: str) -> Api:
    """Sign up by API, confirm the address from the e-mailed link: an API token."""
    anon = person(world, email, address)
    body = anon.post(
        "/api/v1/auth/sign-up/",
        {"email": email, "full_name": full_name, "password": PASSWORD, "language": "uk"},
        expect=201,
    )
    assert body["email"] == email
    token = anon.post("/api/v1/auth/confirm-email/", {"token": link_token(email, "confirm")})["token"]
    return person(world, email, address).login(token)


def with_second_factor(world, api: Api, email: str) -> Api:
    """The person has set up an authenticator app (on the web page); a new token asked for with
    its code is verified, so the person may change things again."""
    device = confirmed_device(User.objects.get(email=email))
    body = api.post(
        "/api/v1/auth/token/", {"email": email, "password": PASSWORD, "otp_code": code_now(device)}
    )
    return api.login(body["token"])


def renew_token(api: Api) -> Api:
    """API tokens expire (90 days by default): the person asks for a new one with the password."""
    api.client.credentials()
    return api.login(api.post("/api/v1/auth/token/", {"email": api.name, "password": PASSWORD})["token"])


def accept_invitation(world, email: str, full_name: str) -> Api:
    anon = person(world, email)
    body = anon.post(
        "/api/v1/invitations/accept/",
        {"token": link_token(email, "invitations"), "password": PASSWORD, "full_name": full_name},
    )
    return person(world, email).login(body["token"])


# --- the journey, step by step -------------------------------------------------------------------


def staff_makes_an_organiser(world, j):
    staff_user = User.objects.create_user(
        email="staff@konkurs.example.org",
        password=PASSWORD,
        full_name="Адміністратор Вигаданий",
        is_staff=True,
    )
    assert User.objects.count() == 1
    staff = person(world, "staff")
    token = staff.post("/api/v1/auth/token/", {"email": staff_user.email, "password": PASSWORD})["token"]
    staff.login(token)
    # Staff's token without the second factor reads but changes nothing.
    staff.post("/api/v1/organisers/", {"email": "nobody@konkurs.example.org"}, expect=403)
    staff = with_second_factor(world, staff, staff_user.email)
    # The organiser signs up and confirms the address; staff make them an organiser.
    j.organiser = sign_up(world, "orhanizatorka@konkurs.example.org", "Олена Вигадана", "10.0.0.1")
    j.organiser.post("/api/v1/contests/", {"title": "Ще ні"}, expect=403)
    body = staff.post("/api/v1/organisers/", {"email": "orhanizatorka@konkurs.example.org"}, expect=201)
    assert body["email"] == "orhanizatorka@konkurs.example.org"
    assert [row["email"] for row in results(staff.get("/api/v1/organisers/"))] == [body["email"]]
    # Now an organiser, she needs the second factor before she changes anything.
    j.organiser.post("/api/v1/contests/", {"title": "Ще ні"}, expect=403)
    j.organiser = with_second_factor(world, j.organiser, "orhanizatorka@konkurs.example.org")
    # A second organiser (approves the winners) is invited by staff and accepts by API.
    staff.post(
        "/api/v1/invitations/",
        {"email": "druhyi@konkurs.example.org", "role": "organiser", "full_name": "Петро Вигаданий"},
        expect=201,
    )
    j.second_organiser = accept_invitation(world, "druhyi@konkurs.example.org", "Петро Вигаданий")
    j.second_organiser = with_second_factor(world, j.second_organiser, "druhyi@konkurs.example.org")
    j.staff = staff


def organiser_sets_up_the_call(world, j):
    o = j.organiser
    opens = parse_datetime("2031-02-02T10:00:00+00:00")
    closes = opens + timedelta(days=30)
    contest = o.post(
        "/api/v1/contests/",
        {
            "title": "Бібліотека — простір громади 2031",
            "summary": "Національний конкурс практик публічних бібліотек.",
            "opens_at": opens.isoformat(),
            "closes_at": closes.isoformat(),
            "max_winners": 5,
            "grant_budget": "500000.00",
            "time_zone": "Europe/Kyiv",
        },
        expect=201,
    )
    assert contest["state"] == "draft"
    assert contest["allowed_transitions"] == ["cancel"]  # nothing to publish yet
    cid = j.contest = contest["id"]
    # Not yet: nothing to apply to.
    refused = o.post(f"/api/v1/contests/{cid}/publish/", expect=409)
    assert refused["reasons"]
    j.nominations = [
        o.post(
            "/api/v1/nominations/",
            {"contest": cid, "title": title, "max_winners": 3, "order": order},
            expect=201,
        )["id"]
        for order, title in enumerate(["Цифрові сервіси", "Громадський простір"])
    ]
    j.criteria = [
        o.post(
            "/api/v1/criteria/",
            {"contest": cid, "title": title, "weight": weight, "scale_min": 0, "scale_max": 10, "order": n},
            expect=201,
        )["id"]
        for n, (title, weight) in enumerate([("Новизна", "2.00"), ("Вплив", "3.00"), ("Сталість", "1.00")])
    ]
    fields = [
        {
            "key": "problem",
            "label": "Проблема",
            "field_type": "long_text",
            "required": True,
            "case_section": "problem",
        },
        {
            "key": "solution",
            "label": "Рішення",
            "field_type": "long_text",
            "required": True,
            "case_section": "solution",
        },
        {
            "key": "costs",
            "label": "Кошторис",
            "field_type": "long_text",
            "required": False,
            "case_section": "costs",
        },
        {
            "key": "plan",
            "label": "План у PDF",
            "field_type": "file",
            "required": True,
            "file_types": ["pdf"],
            "max_file_mb": 1,
        },
    ]
    for order, field in enumerate(fields):
        body = o.post("/api/v1/form-fields/", {"contest": cid, "order": order, **field}, expect=201)
        assert body["key"] == field["key"]
    assert "publish" in o.get(f"/api/v1/contests/{cid}/")["allowed_transitions"]
    contest = o.post(f"/api/v1/contests/{cid}/publish/", {"note": "Оголошуємо"})
    assert contest["state"] == "published"
    assert "close" in contest["allowed_transitions"] and "publish" not in contest["allowed_transitions"]
    j.closes_at = closes


REGIONS = ["lviv", "poltava", "kharkiv", "odesa", "volyn", "sumy", "rivne", "cherkasy", "zhytomyr"]


def libraries_apply(world, j):
    """28 libraries sign up, register, apply, answer, upload the plan and submit in time; one stays
    a draft, one withdraws; each library's admin is its applicant (one invites a colleague)."""
    world.clock.move_to("2031-02-03 09:00Z")  # the call is open
    j.libraries = []
    for n in range(LIBRARIES):
        email = f"biblioteka{n:02d}@hromada.example.org"
        admin = sign_up(world, email, f"Бібліотекарка Вигадана {n:02d}", f"10.1.{n}.1")
        org = admin.post(
            "/api/v1/organisations/",
            {
                "name": f"Публічна бібліотека громади № {n + 1}",
                "kind": "public_library",
                "region": REGIONS[n % len(REGIONS)],
                "settlement": f"Село Вигадане-{n + 1}",
                "email": email,
            },
            expect=201,
        )
        nomination = j.nominations[n % 2]
        app = admin.post(
            "/api/v1/applications/",
            {
                "organisation": org["id"],
                "contest": j.contest,
                "nomination": nomination,
                "title": f"Практика № {n + 1}",
            },
            expect=201,
        )
        assert app["state"] == "draft" and set(app["allowed_transitions"]) == {"submit", "withdraw"}
        j.libraries.append(
            SimpleNamespace(
                n=n, admin=admin, org=org["id"], app=app["id"], nomination=nomination, people=[admin]
            )
        )
    # One library's admin invites a colleague, who accepts by API and works on the entry.
    first = j.libraries[0]
    first.admin.post(
        "/api/v1/invitations/",
        {"email": "kolega@hromada.example.org", "role": "staff", "organisation": first.org},
        expect=201,
    )
    colleague = accept_invitation(world, "kolega@hromada.example.org", "Марта Вигадана")
    first.people.append(colleague)
    memberships = colleague.get("/api/v1/me/")["memberships"]
    assert [
        m["organisation"]["id"] if isinstance(m["organisation"], dict) else m["organisation"]
        for m in memberships
    ] == [first.org]
    # Nobody sees another library's entry.
    j.libraries[1].admin.get(f"/api/v1/applications/{first.app}/", expect=404)

    for lib in j.libraries:
        writer = lib.people[-1]
        path = f"/api/v1/applications/{lib.app}/"
        if lib.n == LIBRARIES - 1:
            # The late one: answers but does not submit in time.
            writer.patch(path, {"answers": {"problem": "Черги", "solution": "Запис онлайн"}})
            continue
        # Not ready yet: the required answers and the plan are missing.
        refused = writer.post(path + "submit/", expect=409)
        assert len(refused["reasons"]) == 3 and refused["allowed"] == ["withdraw"]  # never the refused step
        body = writer.patch(
            path,
            {
                "answers": {
                    "problem": f"Мешканці громади № {lib.n + 1} не мають де зустрітися.",
                    "solution": "Відкриваємо простір з цифровими сервісами.",
                    "costs": f"Обладнання: {10000 + lib.n * 100} грн",
                }
            },
        )
        assert body["answers"]["problem"].startswith("Мешканці")
        upload = writer.post(
            path + "attachments/",
            {"field_key": "plan", "file": pdf(f"plan{lib.n}.pdf")},
            expect=201,
            fmt="multipart",
        )
        assert upload["kind"] == "pdf"
        if lib.n == LIBRARIES - 2:
            continue  # stays a draft
        body = writer.post(path + "submit/", {"note": "Подаємо"})
        assert body["state"] == "submitted" and body["number"]
        lib.number = body["number"]
    withdrawn = j.libraries[LIBRARIES - 3]
    body = withdrawn.admin.post(f"/api/v1/applications/{withdrawn.app}/withdraw/", {"note": "Передумали"})
    assert body["state"] == "withdrawn" and body["allowed_transitions"] == []
    j.withdrawn, j.draft, j.late = withdrawn, j.libraries[LIBRARIES - 2], j.libraries[LIBRARIES - 1]


def kyiv_wall_clock(moment) -> str:
    """A moment as an organiser types it: wall-clock time in the contest's zone, no offset."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/Kyiv")).strftime("%Y-%m-%dT%H:%M")


def deadline_passes_and_screening(world, j):
    o, cid = j.organiser, j.contest
    world.clock.move_to(j.closes_at + timedelta(hours=2))
    late = j.late.admin.post(f"/api/v1/applications/{j.late.app}/submit/", expect=409)
    assert late["state"] == "draft" and "submit" not in late["allowed"]
    contest = o.get(f"/api/v1/contests/{cid}/")
    if contest["state"] == "published":
        contest = o.post(f"/api/v1/contests/{cid}/close/", {"note": "Прийом завершено"})
    assert contest["state"] == "closed"
    rows = every(o, "/api/v1/applications/", {"contest": cid, "state": "submitted"})
    assert (
        len(rows) == 25
        and o.get("/api/v1/applications/", {"contest": cid, "state": "submitted"})["count"] == 25
    )

    # Returned after the deadline, with a correction deadline of its own: needs one, in the future.
    fixed, silent = j.libraries[3], j.libraries[5]
    path = f"/api/v1/applications/{fixed.app}/"
    refused = o.post(path + "return-for-correction/", {"note": "Додайте кошторис"}, expect=400)
    assert "correct_by" in refused["errors"]
    correct_by = kyiv_wall_clock(parse_datetime("2031-03-14T10:00:00+00:00"))
    body = o.post(path + "return-for-correction/", {"note": "Додайте кошторис", "correct_by": correct_by})
    assert body["state"] == "returned" and body["correct_by"] and body["allowed_transitions"] == []
    mine = fixed.admin.get(path)
    assert mine["allowed_transitions"] == ["submit"] and mine["screening_note"] == "Додайте кошторис"
    # Another entry is returned too and never corrected: its deadline passes.
    body = o.post(
        f"/api/v1/applications/{silent.app}/return-for-correction/",
        {"note": "Додайте план у PDF із підписом", "correct_by": correct_by},
    )
    assert body["state"] == "returned"
    # Only the returned entry may change: another library's is frozen.
    frozen = j.libraries[6].admin.patch(
        f"/api/v1/applications/{j.libraries[6].app}/", {"answers": {"costs": "Пізно"}}, expect=400
    )
    assert "can no longer be changed" in str(frozen)
    world.clock.move_to("2031-03-10 09:00Z")
    fixed.admin.patch(path, {"answers": {"costs": "Обладнання: 12000 грн; навчання: 3000 грн"}})
    body = fixed.admin.post(path + "submit/", {"note": "Виправлено"})
    assert body["state"] == "submitted"
    assert [r["number"] for r in o.get(path + "revisions/")] == [1, 2]
    diff = o.get(path + "diff/", {"from": 1, "to": 2})
    assert [c["key"] for c in diff["changes"]] == ["costs"]
    world.clock.move_to("2031-03-15 09:00Z")  # past the correction deadline
    too_late = silent.admin.post(f"/api/v1/applications/{silent.app}/submit/", expect=409)
    assert too_late["state"] == "returned" and "submit" not in too_late["allowed"]

    # Screening: one ineligible (with a reason), the rest eligible.
    ineligible = j.libraries[4]
    o.post(f"/api/v1/applications/{ineligible.app}/mark-ineligible/", {"note": "Не та тема"}, expect=400)
    body = o.post(
        f"/api/v1/applications/{ineligible.app}/mark-ineligible/", {"reason": "scope", "note": "Не та тема"}
    )
    assert body["state"] == "ineligible" and body["allowed_transitions"] == []
    j.eligible = [lib for lib in j.libraries[:25] if lib not in (ineligible, silent)]
    for lib in j.eligible:
        body = o.post(f"/api/v1/applications/{lib.app}/mark-eligible/", {"note": "Відповідає умовам"})
        assert body["state"] == "eligible"
    again = o.post(f"/api/v1/applications/{j.eligible[0].app}/mark-eligible/", expect=409)
    assert "mark_eligible" not in again["allowed"]
    j.ineligible, j.silent = ineligible, silent
    assert len(j.eligible) == 23


def jury_is_invited(world, j):
    """Seven jurors invited by API; one declares a conflict with a library before assignment."""
    o, cid = j.organiser, j.contest
    j.jurors = []
    for n in range(7):
        email = f"zhuri{n}@ekspert.example.org"
        o.post("/api/v1/invitations/", {"email": email, "role": "juror", "contest": cid}, expect=201)
        juror = accept_invitation(world, email, f"Експертка Вигадана {n}")
        j.jurors.append(juror)
    rows = every(o, "/api/v1/jurors/", {"contest": cid})
    assert len(rows) == 7
    by_email = {row["email"]: row["id"] for row in rows}
    for juror in j.jurors:
        juror.juror_id = by_email[juror.name]
    # The second organiser joins this contest (to approve the winners).
    o.post(f"/api/v1/contests/{cid}/roles/", {"email": "druhyi@konkurs.example.org", "role": "organiser"})

    # Juror 0 consulted library 7: a conflict with the whole organisation, with a note.
    j.conflicted, j.conflict_library = j.jurors[0], j.eligible[7]
    declared = j.conflicted.post(
        "/api/v1/organisation-conflicts/",
        {"contest": cid, "organisation": j.conflict_library.org, "note": "Я консультувала цю бібліотеку."},
        expect=201,
    )
    assert declared["state"] == "pending" and declared["allowed"] == []
    j.conflicted.post(
        "/api/v1/organisation-conflicts/",
        {"contest": cid, "organisation": j.conflict_library.org},
        expect=400,
    )  # no note
    listed = every(o, "/api/v1/organisation-conflicts/", {"contest": cid})
    assert [row["id"] for row in listed] == [declared["id"]]
    assert set(listed[0]["allowed"]) == {"accept", "reject"}
    body = o.post(f"/api/v1/organisation-conflicts/{declared['id']}/accept/", {"note": "Підтверджуємо."})
    assert body["state"] == "accepted" and body["allowed"] == []


def score_of(lib, criterion_index: int) -> int:
    """Scores fall with the library's number: a strict, known ranking (weights 2, 3, 1)."""
    return max(0, 10 - (lib.n + criterion_index) // 3)


def jurors_score(world, j, round_id: int, apps: set[int], *, read_files: bool) -> int:
    """Every juror reads (and downloads) the files of their assignments, scores and submits."""
    by_app = {lib.app: lib for lib in j.libraries}
    done = 0
    for juror in j.jurors:
        mine = every(juror, "/api/v1/reviews/", {"round": round_id})
        for review in mine:
            assert review["application"] in apps
            lib = by_app[review["application"]]
            if read_files:
                files = juror.get(f"/api/v1/applications/{lib.app}/attachments/")
                assert [f["field_key"] for f in results(files)] == ["plan"]
                download = juror.get(
                    f"/api/v1/applications/{lib.app}/attachments/{results(files)[0]['id']}/download/"
                )
                assert b"".join(download.streaming_content).startswith(b"%PDF-")
            body = juror.put(
                f"/api/v1/reviews/{review['id']}/scores/",
                {
                    "scores": [
                        {"criterion": criterion, "value": score_of(lib, k)}
                        for k, criterion in enumerate(j.criteria)
                    ],
                    "overall_comment": "Переконлива практика.",
                },
            )
            body = juror.post(f"/api/v1/reviews/{review['id']}/submit/")
            assert body["state"] == "submitted"
            done += 1
    return done


def first_round(world, j):
    o, cid = j.organiser, j.contest
    contest = o.post(f"/api/v1/contests/{cid}/start-review/", {"note": "Починаємо оцінювання"})
    assert contest["state"] == "in_review"
    rounds = every(o, "/api/v1/review-rounds/", {"contest": cid})
    assert len(rounds) == 1 and rounds[0]["state"] == "planned"
    rid = j.round1 = rounds[0]["id"]
    o.patch(
        f"/api/v1/review-rounds/{rid}/",
        {
            "criteria": j.criteria,
            "reviewers_per_application": 3,
            "min_load": 0,
            "max_load": 12,
            "method": "mean",
        },
    )
    o.post(f"/api/v1/review-rounds/{rid}/assign/")
    assignments = every(o, "/api/v1/review-assignments/", {"round": rid})
    eligible_apps = {lib.app for lib in j.eligible}
    assert {row["application"] for row in assignments} == eligible_apps
    assert len(assignments) == 3 * len(eligible_apps)
    # The juror with the declared conflict reviews nothing of that library, yet reviews others.
    theirs = every(o, "/api/v1/review-assignments/", {"round": rid, "juror": j.conflicted.juror_id})
    assert theirs and j.conflict_library.app not in {row["application"] for row in theirs}
    of_library = every(
        o, "/api/v1/review-assignments/", {"round": rid, "application": j.conflict_library.app}
    )
    assert len(of_library) == 3 and j.conflicted.juror_id not in {row["juror"] for row in of_library}
    # A juror reads only the files of their own assignments.
    stranger_app = next(a for a in eligible_apps - {row["application"] for row in theirs})
    j.conflicted.get(f"/api/v1/applications/{stranger_app}/attachments/", expect=404)
    body = o.post(f"/api/v1/review-rounds/{rid}/open/")
    assert body["state"] == "open"
    assert jurors_score(world, j, rid, eligible_apps, read_files=True) == 3 * len(eligible_apps)
    progress = o.get(f"/api/v1/review-rounds/{rid}/progress/")
    assert sum(row["done"] for row in progress["jurors"]) == 69
    assert all(row["counts"]["submitted"] == row["live"] for row in progress["jurors"])
    body = o.post(f"/api/v1/review-rounds/{rid}/close/")
    assert body["state"] == "closed"
    for nomination in j.nominations:
        ranking = o.get(f"/api/v1/review-rounds/{rid}/ranking/", {"nomination": nomination})
        expected = [lib.app for lib in j.eligible if lib.nomination == nomination]  # by number: by score
        assert [row["application_id"] for row in ranking["rows"]] == expected
        assert ranking["count"] == len(expected)


def second_round(world, j):
    """A shortlist of the top 4 per nomination; the second round reviews only the shortlist."""
    o, cid, r1 = j.organiser, j.contest, j.round1
    round2 = o.post(
        "/api/v1/review-rounds/",
        {
            "contest": cid,
            "title": "Другий тур",
            "criteria": j.criteria,
            "reviewers_per_application": 2,
            "min_load": 0,
            "max_load": 6,
            "method": "mean",
        },
        expect=201,
    )
    assert round2["state"] == "planned"
    rid = j.round2 = round2["id"]
    o.post(f"/api/v1/review-rounds/{rid}/shortlist/confirm/", expect=409)  # empty: nothing to confirm
    o.post(
        f"/api/v1/review-rounds/{rid}/shortlist/", {"source_round": r1, "top_per_nomination": 0}, expect=400
    )
    shortlist = o.post(
        f"/api/v1/review-rounds/{rid}/shortlist/", {"source_round": r1, "top_per_nomination": 4}
    )
    top = {
        nomination: [lib.app for lib in j.eligible if lib.nomination == nomination][:4]
        for nomination in j.nominations
    }
    j.shortlisted = set(top[j.nominations[0]] + top[j.nominations[1]])
    assert {row["application"] for row in shortlist["entries"]} == j.shortlisted
    assert shortlist["may_change"] is True and not shortlist["confirmed_at"]
    confirmed = o.post(f"/api/v1/review-rounds/{rid}/shortlist/confirm/")
    assert confirmed["told"] == len(j.eligible) - 8
    assert o.get(f"/api/v1/review-rounds/{rid}/shortlist/")["may_change"] is False
    o.post(
        f"/api/v1/review-rounds/{rid}/shortlist/", {"source_round": r1, "top_per_nomination": 5}, expect=409
    )
    o.post(f"/api/v1/review-rounds/{rid}/assign/")
    assignments = every(o, "/api/v1/review-assignments/", {"round": rid})
    assert {row["application"] for row in assignments} == j.shortlisted and len(assignments) == 16
    body = o.post(f"/api/v1/review-rounds/{rid}/open/")
    assert body["state"] == "open"
    assert jurors_score(world, j, rid, j.shortlisted, read_files=False) == 16
    body = o.post(f"/api/v1/review-rounds/{rid}/close/")
    assert body["state"] == "closed"
    j.top = {}
    for nomination in j.nominations:
        ranking = o.get(f"/api/v1/review-rounds/{rid}/ranking/", {"nomination": nomination})
        assert [row["application_id"] for row in ranking["rows"]] == top[nomination]
        j.top[nomination] = top[nomination]


def winners_are_chosen_and_announced(world, j):
    """Five winners within the limits (3 per nomination, 5 in all), approved by the second organiser."""
    o, o2, cid = j.organiser, j.second_organiser, j.contest
    first, second = j.nominations
    j.winners = j.top[first][:3] + j.top[second][:2]
    decisions = []
    for app in j.winners:
        decision = o.post(
            "/api/v1/award-decisions/", {"application": app, "reason": "Найвищий бал"}, expect=201
        )
        assert decision["state"] == "proposed"
        o.post(f"/api/v1/award-decisions/{decision['id']}/approve/", expect=409)  # not by the proposer
        decisions.append(decision)
    # Over the limits: a fourth in the first nomination, a sixth in all.
    o.post("/api/v1/award-decisions/", {"application": j.top[first][3]}, expect=400)
    o.post("/api/v1/award-decisions/", {"application": j.top[second][2]}, expect=400)
    # The second organiser hears there is work, and approves.
    inbox = every(o2, "/api/v1/notifications/", {"event": "awards.winner_proposed"})
    assert len(inbox) == 5
    for decision in decisions:
        body = o2.post(f"/api/v1/award-decisions/{decision['id']}/approve/")
        assert body["state"] == "approved"
    contest = o.post(f"/api/v1/contests/{cid}/decide/", {"note": "Переможців обрано"})
    assert contest["state"] == "decided"
    before = len(mail.outbox)
    contest = o.post(f"/api/v1/contests/{cid}/announce/", {"note": "Оголошуємо результати"})
    assert contest["state"] == "announced"
    # Every applicant hears the outcome, once, in the inbox and by e-mail, in the wording of
    # where their entry stopped (and in Ukrainian, the language they signed up with).
    mailed = Counter(to for message in mail.outbox[before:] for to in message.to)
    expected = {lib.app: "awards.not_awarded" for lib in j.libraries}
    expected.update(dict.fromkeys(j.winners, "awards.awarded"))
    expected.update(
        {
            j.ineligible.app: "awards.outcome_ineligible",
            j.silent.app: "awards.outcome_late",
            j.withdrawn.app: "awards.outcome_withdrawn",
            j.draft.app: "awards.outcome_draft",
            j.late.app: "awards.outcome_draft",
        }
    )
    told = 0
    for lib in j.libraries:
        for who in lib.people:
            inbox = every(who, "/api/v1/notifications/")
            outcomes = [row for row in inbox if row["event"].startswith("awards.")]
            assert [row["event"] for row in outcomes] == [expected[lib.app]], (lib.n, who.name)
            assert mailed[who.name] == 1, (lib.n, who.name)
            not_shortlisted = [row for row in inbox if row["event"] == "review.not_shortlisted"]
            assert len(not_shortlisted) == (lib.app in {x.app for x in j.eligible} - j.shortlisted)
            told += 1
    assert told == LIBRARIES + 1  # every applicant, the invited colleague too
    winner_text = every(j.libraries[0].admin, "/api/v1/notifications/", {"event": "awards.awarded"})[0][
        "text"
    ]
    assert "Вітаємо" in winner_text and "Практика № 1" in winner_text
    states = {row["id"]: row["state"] for row in every(o, "/api/v1/applications/", {"contest": cid})}
    assert {app for app, state in states.items() if state == "awarded"} == set(j.winners)
    assert Counter(states.values()) == {
        "awarded": 5,
        "not_awarded": 18,
        "ineligible": 1,
        "returned": 1,
        "withdrawn": 1,
        "draft": 2,
    }


def depository(world, j):
    """The winners' cases are selected; a library not awarded is selected only once it consents;
    the organiser publishes them all and the public catalogue shows them."""
    o, cid = j.organiser, j.contest
    runner_up = next(lib for lib in j.eligible if lib.app in j.shortlisted and lib.app not in j.winners)
    other = next(lib for lib in j.eligible if lib.app not in j.shortlisted)
    refused = o.post("/api/v1/depository-cases/", {"application": other.app}, expect=409)
    assert "consented" in refused["reasons"][0]
    o.put(f"/api/v1/depository-consents/{runner_up.app}/", {"granted": True}, expect=403)  # the library's say
    body = runner_up.admin.put(f"/api/v1/depository-consents/{runner_up.app}/", {"granted": True})
    assert body["granted"] is True
    assert o.post("/api/v1/depository-cases/select-winners/", {"contest": cid}) == {"added": 5}
    case = o.post("/api/v1/depository-cases/", {"application": runner_up.app}, expect=201)
    assert case["state"] == "draft" and case["winner"] is False and case["allowed"] == ["publish"]
    cases = every(o, "/api/v1/depository-cases/", {"contest": cid})
    assert {row["application"] for row in cases} == {*j.winners, runner_up.app}
    numbers = [row["number"] for row in cases]
    preview = o.get(f"/api/v1/depository-cases/{case['number']}/preview/")
    assert "Обладнання" in str(preview)  # the costs section mapped from the form
    for number in numbers:
        body = o.post(f"/api/v1/depository-cases/{number}/publish/", {"note": "Публікуємо"})
        assert body["state"] == "published" and body["allowed"] == ["withdraw"]
    visitor = person(world, "visitor")
    public = every(visitor, "/api/v1/practices/", {"contest": cid})
    assert len(public) == 6
    page = visitor.get(f"/api/v1/practices/{case['number']}/")
    assert "Обладнання" in str(page)
    visitor.get(f"/api/v1/practices/{max(numbers) + 1}/", expect=404)


def grants(world, j):
    """A grant officer (invited by API) offers grants to the winners; agreements, bank details,
    two tranches each (approved, paid), an interim and a final report (submitted, accepted)."""
    o, cid = j.organiser, j.contest
    o.post(
        "/api/v1/invitations/",
        {"email": "hranty@konkurs.example.org", "role": "grant_officer", "contest": cid},
        expect=201,
    )
    officer = accept_invitation(world, "hranty@konkurs.example.org", "Іван Вигаданий")
    officer = with_second_factor(world, officer, "hranty@konkurs.example.org")
    by_app = {lib.app: lib for lib in j.libraries}
    offer = {
        "amount": "100000.00",
        "purpose": "Простір громади",
        "starts_on": "2031-04-01",
        "ends_on": "2031-12-31",
    }
    officer.post("/api/v1/grants/", {"application": j.winners[0], **offer, "amount": "600000.00"}, expect=400)
    loser = next(lib.app for lib in j.eligible if lib.app not in j.winners)
    officer.post("/api/v1/grants/", {"application": loser, **offer}, expect=400)
    j.grants = []
    for app in j.winners:
        grant = officer.post("/api/v1/grants/", {"application": app, **offer}, expect=201)
        assert grant["state"] == "offered" and grant["currency"] == "UAH"
        j.grants.append((grant["id"], by_app[app]))
    budget = officer.get(f"/api/v1/grant-budgets/{cid}/")
    assert "500000" in str(budget)
    officer.post("/api/v1/grants/", {"application": j.winners[0], **offer}, expect=400)  # one grant each

    world.clock.move_to("2031-03-25 09:00Z")
    for gid, lib in j.grants:
        path = f"/api/v1/grants/{gid}/"
        lib.admin.post(path + "sign-agreement/", expect=403)
        body = officer.post(
            path + "sign-agreement/",
            {"signed_copy": pdf("dohovir.pdf"), "signed_on": "2031-03-25"},
            fmt="multipart",
        )
        assert body["state"] == "agreement_signed"
        refused = officer.post(path + "activate/", expect=409)
        assert refused["reasons"] and "activate" not in refused["allowed"]
        lib.admin.post(
            path + "bank-details/",
            {
                "payee_name": "Бібліотека",
                "payee_bank": "Банк Вигаданий",
                "payee_iban": "UA573220010000026007233566001",
            },
        )
        body = officer.post(path + "activate/")
        assert body["state"] == "active"
        tranches = []
        for planned_on, share in (("2031-04-10", "60"), ("2031-10-25", "40")):
            tranche = officer.post(
                "/api/v1/grant-tranches/",
                {"grant": gid, "planned_on": planned_on, "percentage": share},
                expect=201,
            )
            assert tranche["state"] == "scheduled"
            tranches.append(tranche["id"])
        for tid in tranches:
            lib.admin.post(f"/api/v1/grant-tranches/{tid}/approve/", expect=403)
            assert officer.post(f"/api/v1/grant-tranches/{tid}/approve/")["state"] == "approved"
        lib.tranches = tranches
        reports = every(lib.admin, "/api/v1/grant-reports/", {"grant": gid})
        assert [r["kind"] for r in reports] == ["interim", "final"] and {r["state"] for r in reports} == {
            "due"
        }
        lib.grant_reports = [r["id"] for r in reports]
        refused = officer.post(path + "complete/", expect=409)
        assert len(refused["reasons"]) == 2

    def pay(lib, n: int, paid_on: str) -> None:
        tid = lib.tranches[n]
        payment = {"idempotency_key": f"pay-{tid}", "payment_reference": f"ПД-{tid}", "paid_on": paid_on}
        assert officer.post(f"/api/v1/grant-tranches/{tid}/pay/", payment)["state"] == "paid"
        again = officer.post(f"/api/v1/grant-tranches/{tid}/pay/", payment)  # idempotent
        assert again["state"] == "paid"

    world.clock.move_to("2031-04-10 09:00Z")
    for _gid, lib in j.grants:
        pay(lib, 0, "2031-04-10")
    world.clock.move_to("2032-01-10 09:00Z")
    # Nine months on, the tokens asked for in spring have expired: each person asks for a new one.
    officer.get("/api/v1/me/", expect=401)
    with_second_factor(world, officer, officer.name)
    for _gid, lib in j.grants:
        renew_token(lib.admin)
    for gid, lib in j.grants:
        pay(lib, 1, "2032-01-10")
        for rid in lib.grant_reports:
            rpath = f"/api/v1/grant-reports/{rid}/"
            lib.admin.patch(rpath, {"narrative": "Простір відкрито, провели 40 заходів."})
            lib.admin.post(rpath + "attachments/", {"file": pdf("zvit.pdf")}, expect=201, fmt="multipart")
            assert lib.admin.post(rpath + "submit/")["state"] == "submitted"
            lib.admin.post(rpath + "accept/", expect=403)
            assert officer.post(rpath + "accept/", {"note": "Прийнято"})["state"] == "accepted"
        body = officer.post(f"/api/v1/grants/{gid}/complete/", {"note": "Виконано"})
        assert body["state"] == "completed"
        # The grant's JSON lists no allowed steps (unlike the other resources): a 409 does.
        done = officer.post(f"/api/v1/grants/{gid}/terminate/", {"note": "Запізно"}, expect=409)
        assert done["state"] == "completed" and done["allowed"] == []
    states = Counter(g["state"] for g in every(officer, "/api/v1/grants/", {"contest": cid}))
    assert states == {"completed": 5}
    # The officer was told there was work: every submitted report; each grantee of each step.
    officer_inbox = Counter(row["event"] for row in every(officer, "/api/v1/notifications/"))
    assert officer_inbox["grants.report_submitted"] == 10
    grantee_inbox = Counter(row["event"] for row in every(j.grants[0][1].admin, "/api/v1/notifications/"))
    assert grantee_inbox["grants.offered"] == 1 and grantee_inbox["grants.report_accepted"] == 2
    assert grantee_inbox["grants.tranche_paid"] == 2


def test_a_whole_contest_through_the_api_only(world):
    j = SimpleNamespace()
    staff_makes_an_organiser(world, j)
    organiser_sets_up_the_call(world, j)
    libraries_apply(world, j)
    deadline_passes_and_screening(world, j)
    jury_is_invited(world, j)
    first_round(world, j)
    second_round(world, j)
    winners_are_chosen_and_announced(world, j)
    depository(world, j)
    grants(world, j)
