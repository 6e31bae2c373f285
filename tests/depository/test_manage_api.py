"""The depository's work by API (issue 15, point 15): consent, selecting cases, publishing and
withdrawing (the Practice catalogue), removing a draft, the congress mark with its export, the
preview — with the pages' rules: 403 without the role, 404 outside the caller's contests, 400 for
bad input, 409 for a refused step listing only what is allowed now."""

import csv
import io

import pytest

from applications.models import Application
from contests.models import Contest, ContestRole
from depository.models import Consent, Practice
from tests.factories import UserFactory, grant, ready_contest

pytestmark = pytest.mark.django_db

CASES = "/api/v1/depository-cases/"
CONSENTS = "/api/v1/depository-consents/"


# --- consent ----------------------------------------------------------------------------------------


def test_a_member_gives_and_withdraws_consent(cases, api):
    application = cases.application()
    client = api(cases.member)
    r = client.get(f"{CONSENTS}{application.pk}/")
    assert r.status_code == 200 and r.json()["granted"] is False
    r = client.put(f"{CONSENTS}{application.pk}/", {"granted": True}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["granted"] is True
    assert Consent.objects.get(application=application).granted
    r = client.put(f"{CONSENTS}{application.pk}/", {"granted": False}, format="json")
    assert r.json()["granted"] is False


def test_withdrawing_consent_takes_a_published_case_off(cases, api):
    application = cases.application()
    cases.consent(application)
    practice = cases.published(application)
    r = api(cases.member).put(f"{CONSENTS}{application.pk}/", {"granted": False}, format="json")
    assert r.status_code == 200
    assert r.json()["case_state"] == Practice.State.WITHDRAWN
    practice.refresh_from_db()
    assert practice.state == Practice.State.WITHDRAWN


def test_consent_refusals(cases, api, outsider):
    application = cases.application()
    # The organiser sees the application but is no member: 403, nothing stored.
    r = api(cases.organiser).put(f"{CONSENTS}{application.pk}/", {"granted": True}, format="json")
    assert r.status_code == 403
    # Someone who cannot see it: 404; anonymous: 401/403.
    assert (
        api(outsider).put(f"{CONSENTS}{application.pk}/", {"granted": True}, format="json").status_code == 404
    )
    assert api().get(f"{CONSENTS}{application.pk}/").status_code in (401, 403)
    # Bad input: 400 with the field's error; an unknown field is refused, not ignored.
    client = api(cases.member)
    r = client.put(f"{CONSENTS}{application.pk}/", {"granted": "perhaps"}, format="json")
    assert r.status_code == 400 and "granted" in r.json()["errors"]
    r = client.put(f"{CONSENTS}{application.pk}/", {"granted": True, "colour": "red"}, format="json")
    assert r.status_code == 400 and "colour" in r.json()["errors"]
    assert not Consent.objects.exists()


# --- selecting, publishing, withdrawing ------------------------------------------------------------


def test_the_organiser_selects_publishes_and_withdraws_a_case(cases, api):
    winner = cases.application(Application.State.AWARDED, title="Вигаданий переможець")
    client = api(cases.organiser)
    r = client.post(CASES, {"application": winner.pk}, format="json")
    assert r.status_code == 201, r.content
    case = r.json()
    assert case["state"] == Practice.State.DRAFT and case["winner"] is True
    assert case["allowed"] == ["publish"] and case["page_url"] is None
    # Selecting again answers the same case (200), no second one.
    again = client.post(CASES, {"application": winner.pk}, format="json")
    assert again.status_code == 200 and again.json()["number"] == case["number"]
    r = client.post(f"{CASES}{case['number']}/publish/", {"note": "Готово"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == Practice.State.PUBLISHED and r.json()["allowed"] == ["withdraw"]
    assert api().get(f"/api/v1/practices/{case['number']}/").status_code == 200  # public now
    r = client.post(f"{CASES}{case['number']}/withdraw/", {}, format="json")
    assert r.status_code == 200 and r.json()["state"] == Practice.State.WITHDRAWN
    assert api().get(f"/api/v1/practices/{case['number']}/").status_code == 404
    history = client.get(f"{CASES}{case['number']}/history/").json()
    assert [h["transition"] for h in history] == ["publish", "withdraw"]


def test_selection_refusals(cases, api, outsider):
    no_consent = cases.application(Application.State.NOT_AWARDED)
    client = api(cases.organiser)
    r = client.post(CASES, {"application": no_consent.pk}, format="json")
    assert r.status_code == 409
    assert "consented" in r.json()["reasons"][0]
    assert r.json()["allowed"] == []
    assert api(cases.member).post(CASES, {"application": no_consent.pk}, format="json").status_code == 403
    assert api(outsider).post(CASES, {"application": no_consent.pk}, format="json").status_code in (403, 404)
    assert client.post(CASES, {"application": "x"}, format="json").status_code == 400
    assert client.post(CASES, {}, format="json").status_code == 400
    assert client.post(CASES, {"application": 999999}, format="json").status_code == 404
    assert not Practice.objects.exists()


def test_publishing_before_the_announcement_is_a_409_with_only_allowed_steps(cases, api):
    winner = cases.application(Application.State.AWARDED)
    client = api(cases.organiser)
    number = client.post(CASES, {"application": winner.pk}, format="json").json()["number"]
    cases.set_contest_state(Contest.State.DECIDED)
    r = client.post(f"{CASES}{number}/publish/", {}, format="json")
    assert r.status_code == 409
    body = r.json()
    assert "announced" in " ".join(body["reasons"])
    assert "publish" not in body["allowed"]
    assert Practice.objects.get(pk=number).state == Practice.State.DRAFT
    # Withdrawing a draft is not possible from its state: 409.
    assert client.post(f"{CASES}{number}/withdraw/", {}, format="json").status_code == 409


def test_other_people_may_not_run_the_steps(cases, api, outsider):
    practice = cases.published()
    assert api(outsider).post(f"{CASES}{practice.pk}/withdraw/").status_code == 404
    assert api(cases.member).post(f"{CASES}{practice.pk}/withdraw/").status_code == 404
    # An organiser of another contest: not their case (404).
    other = UserFactory(full_name="Інша Організаторка")
    grant(ready_contest(title="Інший вигаданий конкурс"), other)
    assert api(other).post(f"{CASES}{practice.pk}/withdraw/").status_code == 404
    # A juror of this contest sees the contest but organises nothing: 404 for the case too.
    juror = UserFactory(full_name="Вигаданий Суддя")
    grant(cases.contest, juror, ContestRole.Role.JUROR)
    assert api(juror).post(f"{CASES}{practice.pk}/withdraw/").status_code == 404
    practice.refresh_from_db()
    assert practice.state == Practice.State.PUBLISHED


def test_select_winners_and_remove_a_draft(cases, api):
    cases.application(Application.State.AWARDED, title="Перший")
    cases.application(Application.State.AWARDED, title="Другий")
    client = api(cases.organiser)
    r = client.post(f"{CASES}select-winners/", {"contest": cases.contest.pk}, format="json")
    assert r.status_code == 200 and r.json() == {"added": 2}
    assert client.post(f"{CASES}select-winners/", {"contest": cases.contest.pk}, format="json").json() == {
        "added": 0
    }
    assert api(cases.member).post(f"{CASES}select-winners/", {"contest": cases.contest.pk}).status_code == 403
    listed = client.get(CASES, {"contest": cases.contest.pk}).json()
    assert listed["count"] == 2
    first, second = (row["number"] for row in listed["results"])
    assert client.delete(f"{CASES}{first}/").status_code == 204
    client.post(f"{CASES}{second}/publish/")
    r = client.delete(f"{CASES}{second}/")
    assert r.status_code == 409 and "never published" in r.json()["reasons"][0]
    assert r.json()["allowed"] == ["withdraw"]
    assert Practice.objects.filter(pk=second).exists()


# --- the congress mark and its export, the preview ------------------------------------------------


def test_the_congress_mark_and_its_export(cases, api):
    practice = cases.published(title="Вигадана презентація")
    client = api(cases.organiser)
    r = client.patch(
        f"{CASES}{practice.pk}/presentation/", {"selected": True, "note": "Конгрес, 2 жовтня"}, format="json"
    )
    assert r.status_code == 200 and r.json()["presentation"] is True
    assert r.json()["presentation_note"] == "Конгрес, 2 жовтня"
    r = client.get(f"{CASES}presentations/", {"contest": cases.contest.pk, "file": "csv"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and "Вигадана презентація" in rows[1]
    r = client.get(f"{CASES}presentations/", {"contest": cases.contest.pk, "file": "xlsx"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(r.streaming_content)[:2] == b"PK"
    # Refusals: a bad format or contest is 400, a member is 403, an outsider's contest 404.
    assert (
        client.get(f"{CASES}presentations/", {"contest": cases.contest.pk, "file": "pdf"}).status_code == 400
    )
    assert client.get(f"{CASES}presentations/").status_code == 400
    assert api(cases.member).get(f"{CASES}presentations/", {"contest": cases.contest.pk}).status_code == 403
    assert client.get(f"{CASES}presentations/", {"contest": 999999}).status_code == 404
    r = client.patch(
        f"{CASES}{practice.pk}/presentation/", {"selected": True, "note": "x" * 301}, format="json"
    )
    assert r.status_code == 400 and "note" in r.json()["errors"]
    r = client.patch(f"{CASES}{practice.pk}/presentation/", {"selected": False}, format="json")
    assert r.json()["presentation"] is False and r.json()["presentation_note"] == ""


def test_the_preview_shows_what_publishing_would_show(cases, api):
    winner = cases.application(Application.State.AWARDED, title="Вигадане прев'ю")
    client = api(cases.organiser)
    number = client.post(CASES, {"application": winner.pk}, format="json").json()["number"]
    r = client.get(f"{CASES}{number}/preview/")
    assert r.status_code == 200
    body = r.json()
    assert body["title"] == "Вигадане прев'ю" and body["publish_problems"] == []
    assert any(s["key"] == "solution" for s in body["sections"])
    assert Practice.objects.get(pk=number).title == "Вигадане прев'ю"  # nothing else stored
    cases.set_contest_state(Contest.State.DECIDED)
    assert client.get(f"{CASES}{number}/preview/").json()["publish_problems"]
    assert api(cases.member).get(f"{CASES}{number}/preview/").status_code == 404


def test_the_schema_documents_the_depository_operations(api):
    schema = api().get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    publish = paths["/api/v1/depository-cases/{id}/publish/"]["post"]["responses"]
    assert {"200", "400", "403", "404", "409"} <= set(publish)
    export = paths["/api/v1/depository-cases/presentations/"]["get"]["responses"]
    assert {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} <= set(
        export["200"]["content"]
    )
    assert {"400", "403", "404"} <= set(export)
    assert {"200", "400", "403", "404"} <= set(paths["/api/v1/depository-consents/{id}/"]["put"]["responses"])
