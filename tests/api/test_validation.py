"""Bad input answers 400 with field errors and saves nothing; published structure is protected."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from contests.models import Contest, Criterion, FormField, Nomination
from tests.factories import CriterionFactory, FormFieldFactory, NominationFactory

pytestmark = pytest.mark.django_db

S = Contest.State


def snapshot(obj) -> dict:
    return model_to_dict(type(obj).objects.get(pk=obj.pk))


# --- contests -------------------------------------------------------------------------------------


def test_create_with_reversed_dates(api, other_organiser):
    now = timezone.now()
    before = Contest.objects.count()
    r = api(other_organiser).post(
        "/api/v1/contests/",
        {
            "title": "Навпаки",
            "opens_at": (now + timedelta(days=10)).isoformat(),
            "closes_at": (now + timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    assert r.status_code == 400
    assert "closes_at" in r.json()["errors"]
    assert Contest.objects.count() == before


def test_create_with_equal_dates(api, other_organiser):
    moment = (timezone.now() + timedelta(days=3)).isoformat()
    before = Contest.objects.count()
    r = api(other_organiser).post(
        "/api/v1/contests/", {"title": "Мить", "opens_at": moment, "closes_at": moment}, format="json"
    )
    assert r.status_code == 400
    assert "closes_at" in r.json()["errors"]
    assert Contest.objects.count() == before


def test_patch_with_reversed_dates(api, organiser, contest_in):
    contest = contest_in(S.DRAFT)
    before = snapshot(contest)
    r = api(organiser).patch(
        f"/api/v1/contests/{contest.pk}/",
        {"opens_at": (contest.closes_at + timedelta(days=1)).isoformat()},
        format="json",
    )
    assert r.status_code == 400
    assert "closes_at" in r.json()["errors"]
    assert snapshot(contest) == before


def test_patch_review_end_before_deadline(api, organiser, contest_in):
    contest = contest_in(S.DRAFT)
    before = snapshot(contest)
    r = api(organiser).patch(
        f"/api/v1/contests/{contest.pk}/",
        {"review_ends_at": (contest.closes_at - timedelta(days=1)).isoformat()},
        format="json",
    )
    assert r.status_code == 400
    assert "review_ends_at" in r.json()["errors"]
    assert snapshot(contest) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("max_winners", 0), ("grant_budget", "-1.00"), ("time_zone", "Mars/Olympus"), ("currency", "XXX")],
)
def test_patch_invalid_contest_fields(field, value, api, organiser, contest_in):
    contest = contest_in(S.DRAFT)
    before = snapshot(contest)
    r = api(organiser).patch(f"/api/v1/contests/{contest.pk}/", {field: value}, format="json")
    assert r.status_code == 400
    assert field in r.json()["errors"]
    assert snapshot(contest) == before


def test_patch_cannot_set_state(api, organiser, contest_in):
    contest = contest_in(S.DRAFT)
    r = api(organiser).patch(f"/api/v1/contests/{contest.pk}/", {"state": S.ARCHIVED}, format="json")
    # Refused, never 200 with the field ignored (issue 15, point 9): states move by steps only.
    assert r.status_code == 400
    assert "state" in r.json()["errors"]
    assert Contest.objects.get(pk=contest.pk).state == S.DRAFT


@pytest.mark.parametrize("state", [S.ANNOUNCED, S.ARCHIVED, S.CANCELLED])
def test_finished_contest_cannot_be_changed(state, api, organiser, contest_in):
    contest = contest_in(state)
    client = api(organiser)
    before = snapshot(contest)
    r = client.patch(f"/api/v1/contests/{contest.pk}/", {"title": "Інша назва"}, format="json")
    assert r.status_code == 400
    assert "finished" in str(r.json())
    assert snapshot(contest) == before

    nomination = contest.nominations.first()
    r = client.patch(f"/api/v1/nominations/{nomination.pk}/", {"title": "Інша"}, format="json")
    assert r.status_code == 400
    assert "finished" in str(r.json())
    assert Nomination.objects.get(pk=nomination.pk).title == nomination.title

    r = client.post("/api/v1/nominations/", {"contest": contest.pk, "title": "Нова"}, format="json")
    assert r.status_code == 400
    r = client.post(
        "/api/v1/form-fields/",
        {"contest": contest.pk, "key": "late", "label": "Пізно", "field_type": "short_text"},
        format="json",
    )
    assert r.status_code == 400
    assert client.delete(f"/api/v1/nominations/{nomination.pk}/").status_code == 400
    assert contest.nominations.count() == 1
    assert contest.form_fields.count() == 1


# --- criteria ------------------------------------------------------------------------------------


@pytest.mark.parametrize("weight", ["0", "0.00", "-1.5"])
def test_criterion_weight_must_be_positive(weight, api, organiser, contest_in):
    contest = contest_in(S.DRAFT)
    r = api(organiser).post(
        "/api/v1/criteria/", {"contest": contest.pk, "title": "Вага", "weight": weight}, format="json"
    )
    assert r.status_code == 400
    assert "weight" in r.json()["errors"]
    assert contest.criteria.count() == 1


@pytest.mark.parametrize(("low", "high"), [(5, 5), (10, 1)])
def test_criterion_scale_must_be_ordered(low, high, api, organiser, contest_in):
    contest = contest_in(S.DRAFT)
    r = api(organiser).post(
        "/api/v1/criteria/",
        {"contest": contest.pk, "title": "Шкала", "scale_min": low, "scale_max": high},
        format="json",
    )
    assert r.status_code == 400
    assert "scale_max" in r.json()["errors"]
    assert contest.criteria.count() == 1


def test_criterion_scale_patch_must_stay_ordered(api, organiser, contest_in):
    contest = contest_in(S.DRAFT)
    criterion = contest.criteria.first()
    before = snapshot(criterion)
    r = api(organiser).patch(f"/api/v1/criteria/{criterion.pk}/", {"scale_min": 10}, format="json")
    assert r.status_code == 400
    assert "scale_max" in r.json()["errors"]
    assert snapshot(criterion) == before


def test_criterion_nomination_from_another_contest(api, organiser, contest_in):
    contest = contest_in(S.DRAFT)
    foreign = contest_in(S.DRAFT).nominations.first()
    r = api(organiser).post(
        "/api/v1/criteria/",
        {"contest": contest.pk, "nomination": foreign.pk, "title": "Чужа номінація"},
        format="json",
    )
    assert r.status_code == 400
    assert "nomination" in r.json()["errors"]
    assert contest.criteria.count() == 1


def test_form_field_nomination_from_another_contest(api, organiser, contest_in):
    contest = contest_in(S.DRAFT)
    foreign = contest_in(S.DRAFT).nominations.first()
    r = api(organiser).post(
        "/api/v1/form-fields/",
        {
            "contest": contest.pk,
            "nomination": foreign.pk,
            "key": "x",
            "label": "X",
            "field_type": "short_text",
        },
        format="json",
    )
    assert r.status_code == 400
    assert "nomination" in r.json()["errors"]
    assert contest.form_fields.count() == 1


# --- form fields ------------------------------------------------------------------------------


def post_field(client, contest, **data):
    payload = {"contest": contest.pk, "key": "q", "label": "Питання", "field_type": "short_text", **data}
    return client.post("/api/v1/form-fields/", payload, format="json")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"field_type": "hologram"}, "field_type"),
        ({"field_type": "single_choice", "choices": ["Лише одна"]}, "choices"),
        ({"field_type": "multiple_choice", "choices": []}, "choices"),
        ({"field_type": "single_choice", "choices": ["Так", "Так"]}, "choices"),
        ({"field_type": "number", "choices": ["1", "2"]}, "choices"),
        ({"field_type": "number", "max_length": 10}, "max_length"),
        ({"key": "не латиниця"}, "key"),
        ({"max_length": 0}, "max_length"),
    ],
)
def test_bad_form_field(data, field, api, organiser, contest_in):
    contest = contest_in(S.DRAFT)
    r = post_field(api(organiser), contest, **data)
    assert r.status_code == 400, r.content
    assert field in r.json()["errors"]
    assert contest.form_fields.count() == 1


def test_duplicate_form_field_key(api, organiser, contest_in):
    contest = contest_in(S.DRAFT)
    existing = contest.form_fields.first()
    r = post_field(api(organiser), contest, key=existing.key)
    assert r.status_code == 400
    assert contest.form_fields.count() == 1


def test_same_key_in_another_contest_is_fine(api, organiser, contest_in):
    contest = contest_in(S.DRAFT)
    other = contest_in(S.DRAFT)
    r = post_field(api(organiser), contest, key=other.form_fields.first().key)
    assert r.status_code == 201, r.content


def test_choice_field_with_two_choices_is_fine(api, organiser, contest_in):
    contest = contest_in(S.DRAFT)
    r = post_field(api(organiser), contest, field_type="single_choice", choices=["Так", "Ні"])
    assert r.status_code == 201, r.content
    assert FormField.objects.get(pk=r.json()["id"]).choices == ["Так", "Ні"]


# --- after publication --------------------------------------------------------------------------


@pytest.fixture
def published_with_choice(contest_in):
    contest = contest_in(S.DRAFT)
    FormFieldFactory(
        contest=contest,
        key="format",
        field_type=FormField.Type.SINGLE_CHOICE,
        required=False,
        choices=["Онлайн", "Офлайн"],
    )
    FormFieldFactory(
        contest=contest, key="optional_note", field_type=FormField.Type.SHORT_TEXT, required=False
    )
    from contests.services import publish_contest

    return publish_contest(contest, by=contest.roles.first().user)


def test_delete_form_field_after_publication(api, organiser, published_with_choice):
    field = published_with_choice.form_fields.first()
    r = api(organiser).delete(f"/api/v1/form-fields/{field.pk}/")
    assert r.status_code == 400
    assert "after publication" in str(r.json())
    assert FormField.objects.filter(pk=field.pk).exists()


@pytest.mark.parametrize(
    ("key", "change", "error_field"),
    [
        ("format", {"field_type": "multiple_choice"}, "field_type"),
        ("format", {"key": "format_new"}, "key"),
        ("optional_note", {"required": True}, "required"),
        ("format", {"choices": ["Онлайн"]}, "choices"),
        ("format", {"choices": ["Онлайн", "Гібрид"]}, "choices"),
        ("optional_note", {"max_length": 5}, "max_length"),
    ],
)
def test_locked_form_field_changes(key, change, error_field, api, organiser, published_with_choice):
    field = published_with_choice.form_fields.get(key=key)
    before = snapshot(field)
    r = api(organiser).patch(f"/api/v1/form-fields/{field.pk}/", change, format="json")
    assert r.status_code == 400, r.content
    assert error_field in r.json()["errors"]
    assert r.json()["errors"][error_field]  # a message the user can read
    assert snapshot(field) == before


def test_allowed_form_field_changes_after_publication(api, organiser, published_with_choice):
    field = published_with_choice.form_fields.get(key="format")
    r = api(organiser).patch(
        f"/api/v1/form-fields/{field.pk}/",
        {"label": "Формат заходу", "choices": ["Онлайн", "Офлайн", "Гібрид"]},
        format="json",
    )
    assert r.status_code == 200, r.content
    field.refresh_from_db()
    assert field.label == "Формат заходу"
    assert field.choices == ["Онлайн", "Офлайн", "Гібрид"]


def test_add_optional_field_after_publication(api, organiser, published_with_choice):
    contest = published_with_choice
    client = api(organiser)
    count = contest.form_fields.count()
    r = post_field(client, contest, key="extra", required=False)
    assert r.status_code == 201, r.content
    r = post_field(client, contest, key="extra_required", required=True)
    assert r.status_code == 400
    assert "required" in r.json()["errors"]
    assert contest.form_fields.count() == count + 1


@pytest.mark.parametrize("change", [{"scale_min": 1}, {"scale_max": 100}])
def test_criterion_scale_locked_after_publication(change, api, organiser, published_contest):
    criterion = published_contest.criteria.first()
    before = snapshot(criterion)
    r = api(organiser).patch(f"/api/v1/criteria/{criterion.pk}/", change, format="json")
    assert r.status_code == 400
    assert next(iter(change)) in r.json()["errors"]
    assert snapshot(criterion) == before


def test_criterion_weight_may_change_during_review_but_no_criterion_is_added(api, organiser, contest_in):
    published = contest_in(S.PUBLISHED)
    criterion = published.criteria.first()
    r = api(organiser).patch(f"/api/v1/criteria/{criterion.pk}/", {"weight": "3.00"}, format="json")
    assert r.status_code == 200, r.content

    # Rankings are computed on read, so a new weight during the review rewrites one row.
    in_review = contest_in(S.IN_REVIEW)
    criterion = in_review.criteria.first()
    r = api(organiser).patch(f"/api/v1/criteria/{criterion.pk}/", {"weight": "3.00"}, format="json")
    assert r.status_code == 200, r.content
    criterion.refresh_from_db()
    assert criterion.weight == Decimal("3.00")
    r = api(organiser).post("/api/v1/criteria/", {"contest": in_review.pk, "title": "Пізній"}, format="json")
    assert r.status_code == 400
    assert in_review.criteria.count() == 1


def test_criterion_cannot_move_to_another_nomination_after_publication(api, organiser, contest_in):
    contest = contest_in(S.DRAFT)
    second = NominationFactory(contest=contest)
    criterion = CriterionFactory(contest=contest, nomination=contest.nominations.first())
    from contests.services import publish_contest

    publish_contest(contest, by=organiser)
    r = api(organiser).patch(f"/api/v1/criteria/{criterion.pk}/", {"nomination": second.pk}, format="json")
    assert r.status_code == 400
    assert "nomination" in r.json()["errors"]
    assert Criterion.objects.get(pk=criterion.pk).nomination_id != second.pk


def test_delete_nomination_after_publication(api, organiser, published_contest):
    nomination = published_contest.nominations.first()
    r = api(organiser).delete(f"/api/v1/nominations/{nomination.pk}/")
    assert r.status_code == 400
    assert "after publication" in str(r.json())
    assert Nomination.objects.filter(pk=nomination.pk).exists()


def test_delete_criterion_after_publication(api, organiser, published_contest):
    criterion = published_contest.criteria.first()
    assert api(organiser).delete(f"/api/v1/criteria/{criterion.pk}/").status_code == 400
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_delete_parts_of_a_draft(api, organiser, contest_in):
    contest = contest_in(S.DRAFT)
    client = api(organiser)
    for resource, part in [
        ("form-fields", contest.form_fields.first()),
        ("criteria", contest.criteria.first()),
        ("nominations", contest.nominations.first()),
    ]:
        assert client.delete(f"/api/v1/{resource}/{part.pk}/").status_code == 204, resource
    assert not contest.form_fields.exists()
    assert not contest.criteria.exists()
    assert not contest.nominations.exists()


def test_part_never_moves_to_another_contest(api, organiser, contest_in):
    contest = contest_in(S.DRAFT)
    other = contest_in(S.DRAFT)
    nomination = contest.nominations.first()
    r = api(organiser).patch(f"/api/v1/nominations/{nomination.pk}/", {"contest": other.pk}, format="json")
    assert r.status_code == 400  # refused, never 200 with the field ignored (issue 15, point 9)
    assert "contest" in r.json()["errors"]
    assert Nomination.objects.get(pk=nomination.pk).contest_id == contest.pk
    r = api(organiser).patch(f"/api/v1/nominations/{nomination.pk}/", {"contest": contest.pk}, format="json")
    assert r.status_code == 200
