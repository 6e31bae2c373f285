"""Who sees and changes what through the API: anonymous, applicant, another organiser, ours, staff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contests.models import Contest, ContestRole, Criterion, FormField, Nomination
from tests.factories import NominationFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Contest.State
TRANSITIONS = ["publish", "close", "start-review", "decide", "announce", "archive", "cancel"]


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def new_contest_payload(**overrides) -> dict:
    now = timezone.now()
    return {
        "title": "Новий конкурс",
        "summary": "Опис",
        "opens_at": (now + timedelta(days=1)).isoformat(),
        "closes_at": (now + timedelta(days=20)).isoformat(),
        **overrides,
    }


# --- anonymous --------------------------------------------------------------------------------


def test_anonymous_sees_only_public_contests(api, contest_in, organiser):
    draft = contest_in(S.DRAFT)
    published = contest_in(S.PUBLISHED)
    archived = contest_in(S.ARCHIVED)
    cancelled_draft = contest_in(S.CANCELLED)
    cancelled_public = contest_in(S.PUBLISHED)
    from contests.services import cancel_contest

    cancel_contest(cancelled_public, by=organiser, note="Скасовано")

    client = api()
    assert ids(client.get("/api/v1/contests/")) == {published.pk, archived.pk, cancelled_public.pk}
    assert client.get(f"/api/v1/contests/{draft.pk}/").status_code == 404
    assert client.get(f"/api/v1/contests/{cancelled_draft.pk}/").status_code == 404
    r = client.get(f"/api/v1/contests/{cancelled_public.pk}/")
    assert r.status_code == 200
    assert r.json()["state"] == S.CANCELLED
    assert r.json()["allowed_transitions"] == []


def test_anonymous_sees_parts_of_public_contests_only(api, contest_in):
    draft = contest_in(S.DRAFT)
    published = contest_in(S.PUBLISHED)
    for resource in ("nominations", "criteria", "form-fields"):
        r = api().get(f"/api/v1/{resource}/")
        assert {row["contest"] for row in r.json()["results"]} == {published.pk}, resource
    hidden = draft.nominations.first()
    assert api().get(f"/api/v1/nominations/{hidden.pk}/").status_code == 404


@pytest.mark.parametrize("action", TRANSITIONS)
def test_anonymous_cannot_run_transitions(action, api, contest_in):
    contest = contest_in(S.PUBLISHED)
    r = api().post(f"/api/v1/contests/{contest.pk}/{action}/", {"note": "x"}, format="json")
    assert r.status_code in (401, 403)
    assert Contest.objects.get(pk=contest.pk).state == S.PUBLISHED


def test_anonymous_cannot_write(api, contest_in):
    contest = contest_in(S.PUBLISHED)
    client = api()
    assert client.post("/api/v1/contests/", new_contest_payload(), format="json").status_code in (401, 403)
    assert client.patch(f"/api/v1/contests/{contest.pk}/", {"title": "X"}, format="json").status_code in (
        401,
        403,
    )
    r = client.post("/api/v1/nominations/", {"contest": contest.pk, "title": "N"}, format="json")
    assert r.status_code in (401, 403)
    assert Contest.objects.get(pk=contest.pk).title != "X"
    assert Contest.objects.count() == 1
    assert contest.nominations.count() == 1


# --- applicant (no role) -------------------------------------------------------------------------


def test_applicant_cannot_create_contests(api, applicant):
    r = api(applicant).post("/api/v1/contests/", new_contest_payload(), format="json")
    assert r.status_code == 403
    assert not Contest.objects.exists()


@pytest.mark.parametrize("action", TRANSITIONS)
def test_applicant_cannot_transition_visible_contest(action, api, applicant, contest_in):
    contest = contest_in(S.PUBLISHED)
    r = api(applicant).post(f"/api/v1/contests/{contest.pk}/{action}/", {"note": "x"}, format="json")
    assert r.status_code == 403
    assert Contest.objects.get(pk=contest.pk).state == S.PUBLISHED


def test_applicant_cannot_change_visible_contest(api, applicant, contest_in):
    contest = contest_in(S.PUBLISHED)
    client = api(applicant)
    assert client.patch(f"/api/v1/contests/{contest.pk}/", {"title": "X"}, format="json").status_code == 403
    assert client.delete(f"/api/v1/contests/{contest.pk}/").status_code == 403
    nomination = contest.nominations.first()
    assert (
        client.patch(f"/api/v1/nominations/{nomination.pk}/", {"title": "X"}, format="json").status_code
        == 403
    )
    assert Contest.objects.get(pk=contest.pk).title != "X"
    assert Nomination.objects.get(pk=nomination.pk).title != "X"


def test_applicant_gets_404_for_a_draft(api, applicant, contest_in):
    contest = contest_in(S.DRAFT)
    client = api(applicant)
    assert client.get(f"/api/v1/contests/{contest.pk}/").status_code == 404
    assert client.patch(f"/api/v1/contests/{contest.pk}/", {"title": "X"}, format="json").status_code == 404
    assert client.post(f"/api/v1/contests/{contest.pk}/publish/", {}, format="json").status_code == 404
    assert client.delete(f"/api/v1/contests/{contest.pk}/").status_code == 404
    assert Contest.objects.get(pk=contest.pk).state == S.DRAFT


def test_applicant_does_not_see_drafts_in_list(api, applicant, contest_in):
    contest_in(S.DRAFT)
    published = contest_in(S.PUBLISHED)
    assert ids(api(applicant).get("/api/v1/contests/")) == {published.pk}


# --- another contest's organiser ----------------------------------------------------------------


def test_other_organiser_can_change_nothing_of_a_published_contest(api, other_organiser, contest_in):
    contest = contest_in(S.PUBLISHED)
    client = api(other_organiser)
    assert client.patch(f"/api/v1/contests/{contest.pk}/", {"title": "X"}, format="json").status_code == 403
    for action in TRANSITIONS:
        r = client.post(f"/api/v1/contests/{contest.pk}/{action}/", {"note": "x"}, format="json")
        assert r.status_code == 403, action
    r = client.post(
        "/api/v1/criteria/", {"contest": contest.pk, "title": "Чужий критерій", "weight": "1"}, format="json"
    )
    assert r.status_code == 403
    r = client.post("/api/v1/nominations/", {"contest": contest.pk, "title": "Чужа номінація"}, format="json")
    assert r.status_code == 403
    criterion = contest.criteria.first()
    r = client.patch(f"/api/v1/criteria/{criterion.pk}/", {"title": "X"}, format="json")
    assert r.status_code == 403
    field = contest.form_fields.first()
    assert client.delete(f"/api/v1/form-fields/{field.pk}/").status_code == 403

    stored = Contest.objects.get(pk=contest.pk)
    assert (stored.title, stored.state) == (contest.title, S.PUBLISHED)
    assert contest.criteria.count() == 1
    assert contest.nominations.count() == 1
    assert FormField.objects.filter(pk=field.pk).exists()
    assert Criterion.objects.get(pk=criterion.pk).title != "X"


def test_other_organiser_gets_404_for_our_draft(api, other_organiser, contest_in):
    contest = contest_in(S.DRAFT)
    client = api(other_organiser)
    assert client.get(f"/api/v1/contests/{contest.pk}/").status_code == 404
    assert client.patch(f"/api/v1/contests/{contest.pk}/", {"title": "X"}, format="json").status_code == 404
    assert client.post(f"/api/v1/contests/{contest.pk}/publish/", {}, format="json").status_code == 404
    nomination = contest.nominations.first()
    assert (
        client.patch(f"/api/v1/nominations/{nomination.pk}/", {"title": "X"}, format="json").status_code
        == 404
    )
    # Our draft is outside their scope, so it is not even a valid choice for a new part.
    r = client.post("/api/v1/criteria/", {"contest": contest.pk, "title": "Чужий"}, format="json")
    assert r.status_code == 400
    assert "contest" in r.json()["errors"]
    assert contest.criteria.count() == 1
    assert Contest.objects.get(pk=contest.pk).state == S.DRAFT


def test_other_organiser_may_create_contests(api, other_organiser):
    r = api(other_organiser).post("/api/v1/contests/", new_contest_payload(), format="json")
    assert r.status_code == 201, r.content


# --- our organiser ---------------------------------------------------------------------------------


def test_organiser_can_do_everything(api, organiser, contest_in):
    contest = contest_in(S.DRAFT)
    client = api(organiser)
    assert client.get(f"/api/v1/contests/{contest.pk}/").status_code == 200
    r = client.patch(f"/api/v1/contests/{contest.pk}/", {"title": "Оновлений конкурс"}, format="json")
    assert r.status_code == 200, r.content
    r = client.post("/api/v1/nominations/", {"contest": contest.pk, "title": "Друга"}, format="json")
    assert r.status_code == 201, r.content
    r = client.post(
        "/api/v1/criteria/",
        {"contest": contest.pk, "title": "Новизна", "weight": "2.5", "scale_min": 1, "scale_max": 5},
        format="json",
    )
    assert r.status_code == 201, r.content
    r = client.post(
        "/api/v1/form-fields/",
        {"contest": contest.pk, "key": "budget", "label": "Бюджет", "field_type": "number"},
        format="json",
    )
    assert r.status_code == 201, r.content
    r = client.post(f"/api/v1/contests/{contest.pk}/publish/", {}, format="json")
    assert r.status_code == 200, r.content
    stored = Contest.objects.get(pk=contest.pk)
    assert stored.title == "Оновлений конкурс"
    assert stored.state == S.PUBLISHED
    assert (stored.nominations.count(), stored.criteria.count(), stored.form_fields.count()) == (2, 2, 2)


def test_organiser_creates_contest_and_becomes_its_organiser(api, other_organiser):
    r = api(other_organiser).post("/api/v1/contests/", new_contest_payload(), format="json")
    assert r.status_code == 201, r.content
    contest = Contest.objects.get(pk=r.json()["id"])
    assert contest.state == S.DRAFT
    assert contest.created_by == other_organiser
    assert contest.roles.filter(user=other_organiser, role=ContestRole.Role.ORGANISER).exists()
    # Not yet publishable (no nominations, criteria or form): only cancelling is offered.
    assert set(r.json()["allowed_transitions"]) == {"cancel"}


def test_organiser_sees_own_draft_in_list(api, organiser, contest_in):
    draft = contest_in(S.DRAFT)
    assert draft.pk in ids(api(organiser).get("/api/v1/contests/"))


def test_organiser_deletes_a_draft_but_not_a_published_contest(api, organiser, contest_in):
    draft = contest_in(S.DRAFT)
    published = contest_in(S.PUBLISHED)
    client = api(organiser)
    assert client.delete(f"/api/v1/contests/{draft.pk}/").status_code == 204
    r = client.delete(f"/api/v1/contests/{published.pk}/")
    assert r.status_code == 400
    assert not Contest.objects.filter(pk=draft.pk).exists()
    assert Contest.objects.filter(pk=published.pk).exists()


def test_juror_sees_draft_but_cannot_change_it(api, contest_in):
    contest = contest_in(S.DRAFT)
    juror = UserFactory()
    contest.roles.create(user=juror, role=ContestRole.Role.JUROR)
    client = api(juror)
    r = client.get(f"/api/v1/contests/{contest.pk}/")
    assert r.status_code == 200
    assert r.json()["allowed_transitions"] == []
    assert client.post(f"/api/v1/contests/{contest.pk}/publish/", {}, format="json").status_code == 403
    assert client.patch(f"/api/v1/contests/{contest.pk}/", {"title": "X"}, format="json").status_code == 403


# --- staff -------------------------------------------------------------------------------------------


def test_staff_see_everything(api, staff, contest_in):
    draft = contest_in(S.DRAFT)
    published = contest_in(S.PUBLISHED)
    cancelled_draft = contest_in(S.CANCELLED)
    client = api(staff)
    assert ids(client.get("/api/v1/contests/")) == {draft.pk, published.pk, cancelled_draft.pk}
    assert client.get(f"/api/v1/contests/{draft.pk}/").status_code == 200


def test_staff_may_create_contests(api, staff):
    r = api(staff).post("/api/v1/contests/", new_contest_payload(), format="json")
    assert r.status_code == 201, r.content


def test_nomination_of_hidden_contest_cannot_be_added_by_outsider(api, applicant, contest_in):
    contest = contest_in(S.PUBLISHED)
    NominationFactory(contest=contest)
    r = api(applicant).post("/api/v1/nominations/", {"contest": contest.pk, "title": "Моя"}, format="json")
    assert r.status_code == 403
    assert contest.nominations.count() == 2
