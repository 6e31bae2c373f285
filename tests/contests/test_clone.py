"""Next year's contest from this year's: contests.services.clone_contest, its rule and its API."""

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile

from applications import services as application_services
from applications.models import Application
from contests import events, services
from contests.models import Contest, ContestRole, Criterion, FormField, Nomination
from core.fsm import history
from notifications.models import Message, TemplateOverride
from tests.factories import (
    ClassifierFactory,
    CriterionFactory,
    FormFieldFactory,
    NominationFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db

KYIV = ZoneInfo("Europe/Kyiv")


def kyiv(*args) -> datetime:
    return datetime(*args, tzinfo=KYIV)


@pytest.fixture
def source(organiser) -> Contest:
    """A draft of `organiser` with everything a clone copies, ready to publish."""
    contest = services.create_contest(
        by=organiser,
        title="Бібліотека — е-послуги 2026",
        summary="Щорічний конкурс.",
        regulations="Положення конкурсу.",
        conditions="Умови участі.",
        time_zone="Europe/Kyiv",
        opens_at=kyiv(2026, 3, 2, 9, 0),
        closes_at=kyiv(2026, 4, 30, 18, 0),
        review_ends_at=kyiv(2026, 5, 31, 18, 0),
        announce_at=kyiv(2026, 6, 15, 12, 0),
        max_winners=7,
        max_upload_mb=80,
        grant_budget=Decimal("250000.50"),
        currency="EUR",
        classifiers=[ClassifierFactory(), ClassifierFactory()],
    )
    contest.regulations_document.save("regulations.pdf", ContentFile(b"%PDF-1.4 the rules"))
    rural = NominationFactory(contest=contest, title="Сільські бібліотеки", max_winners=3, order=1)
    city = NominationFactory(contest=contest, title="Міські бібліотеки", order=2, description="Опис")
    CriterionFactory(contest=contest, title="Для всіх", weight=Decimal("2.50"), scale_max=5)
    CriterionFactory(contest=contest, title="Лише сільські", nomination=rural, order=3, scale_min=1)
    FormFieldFactory(contest=contest, key="summary", label="Опишіть проєкт", max_length=2000)
    FormFieldFactory(
        contest=contest,
        key="kind",
        field_type=FormField.Type.MULTIPLE_CHOICE,
        choices=["Е-черга", "Е-каталог"],
        nomination=city,
        required=False,
        order=4,
        identifying=True,
    )
    FormFieldFactory(
        contest=contest,
        key="plan",
        field_type=FormField.Type.FILE,
        file_types=["pdf", "xlsx"],
        max_file_mb=25,
        nomination=rural,
        help_text="Кошторис",
    )
    TemplateOverride.objects.create(
        scope=services.scope_of(contest),
        event=events.PUBLISHED.key,
        language="uk",
        subject="Оголошено {{ contest }}",
        body_text="Наш текст",
        body_html="<p>Наш текст</p>",
    )
    return contest


def snapshot(contest: Contest) -> dict:
    contest = Contest.objects.get(pk=contest.pk)
    return {
        "row": {f.attname: getattr(contest, f.attname) for f in Contest._meta.concrete_fields},
        "nominations": list(contest.nominations.values()),
        "criteria": list(contest.criteria.values()),
        "form_fields": list(contest.form_fields.values()),
        "roles": list(contest.roles.values()),
        "classifiers": list(contest.classifiers.values_list("pk", flat=True)),
        "overrides": list(TemplateOverride.objects.filter(scope=services.scope_of(contest)).values()),
        "document": contest.regulations_document.read(),
    }


def parts(contest: Contest, model, *fields: str) -> list[tuple]:
    return list(model.objects.filter(contest=contest).order_by("order", "pk").values_list(*fields))


# --- the service --------------------------------------------------------------------------------


def test_clone_copies_texts_settings_and_shifts_every_date_by_a_year(source, organiser):
    clone = services.clone_contest(source, by=organiser)
    clone.refresh_from_db()
    assert clone.pk != source.pk
    assert clone.title == "Бібліотека — е-послуги 2027"
    for name in services.CLONED_FIELDS:
        assert getattr(clone, name) == getattr(source, name), name
    assert clone.local(clone.opens_at) == kyiv(2027, 3, 2, 9, 0)
    assert clone.local(clone.closes_at) == kyiv(2027, 4, 30, 18, 0)
    assert clone.local(clone.review_ends_at) == kyiv(2027, 5, 31, 18, 0)
    assert clone.local(clone.announce_at) == kyiv(2027, 6, 15, 12, 0)
    assert set(clone.classifiers.all()) == set(source.classifiers.all())
    assert clone.created_by == organiser


def test_clone_is_a_draft_that_passes_the_publish_guards(source, organiser):
    services.publish_contest(source, by=organiser)
    assert source.publish_problems() == []
    clone = services.clone_contest(source, by=organiser)
    clone = Contest.objects.get(pk=clone.pk)
    assert clone.state == Contest.State.DRAFT
    assert clone.published_at is None
    assert clone.publish_problems() == []
    assert not history(clone).exists()


def test_nominations_criteria_and_form_fields_are_copied_onto_the_new_nominations(source, organiser):
    clone = services.clone_contest(source, by=organiser)
    nomination_fields = ("title", "description", "max_winners", "order")
    assert parts(clone, Nomination, *nomination_fields) == parts(source, Nomination, *nomination_fields)
    assert not set(clone.nominations.all()) & set(source.nominations.all())

    criterion_fields = (
        "title",
        "description",
        "weight",
        "scale_min",
        "scale_max",
        "order",
        "nomination__title",
    )
    assert parts(clone, Criterion, *criterion_fields) == parts(source, Criterion, *criterion_fields)
    field_fields = (
        "key",
        "label",
        "help_text",
        "field_type",
        "required",
        "max_length",
        "choices",
        "identifying",
        "file_types",
        "max_file_mb",
        "order",
        "nomination__title",
    )
    assert parts(clone, FormField, *field_fields) == parts(source, FormField, *field_fields)
    # Every part limited to a nomination points at the clone's nomination, never the source's.
    for model in (Criterion, FormField):
        limited = model.objects.filter(contest=clone, nomination__isnull=False)
        assert limited.count() == model.objects.filter(contest=source, nomination__isnull=False).count() > 0
        assert all(part.nomination.contest_id == clone.pk for part in limited)


def test_regulations_document_is_a_new_file_with_the_same_bytes(source, organiser):
    clone = services.clone_contest(source, by=organiser)
    clone.refresh_from_db()
    assert clone.regulations_document.name != source.regulations_document.name
    assert clone.regulations_document.name.startswith("contests/regulations/")
    assert clone.regulations_document.name.endswith(".pdf")
    assert clone.regulations_document.read() == b"%PDF-1.4 the rules"
    # Removing one contest's file leaves the other's.
    clone.regulations_document.delete(save=True)
    assert source.regulations_document.storage.exists(source.regulations_document.name)


def test_message_wording_is_copied_to_the_new_scope_only(source, organiser):
    TemplateOverride.objects.create(
        scope="contest:999999", event=events.PUBLISHED.key, language="en", subject="x", body_text="y"
    )
    clone = services.clone_contest(source, by=organiser)
    copied = TemplateOverride.objects.get(scope=services.scope_of(clone))
    assert (copied.event, copied.language, copied.subject, copied.body_text, copied.body_html) == (
        events.PUBLISHED.key,
        "uk",
        "Оголошено {{ contest }}",
        "Наш текст",
        "<p>Наш текст</p>",
    )
    assert TemplateOverride.objects.filter(scope=services.scope_of(source)).count() == 1


def test_no_applications_messages_or_people_come_along(source, organiser, applicant, time_machine):
    juror, officer, co_organiser = UserFactory(), UserFactory(), UserFactory()
    grant(source, juror, ContestRole.Role.JUROR)
    grant(source, officer, ContestRole.Role.GRANT_OFFICER)
    grant(source, co_organiser)
    time_machine.move_to(kyiv(2026, 3, 10, 12, 0), tick=False)
    services.publish_contest(source, by=organiser)
    application_services.start_application(
        organisation=applicant.organisations.get(),
        contest=source,
        nomination=source.nominations.first(),
        title="Е-черга",
        by=applicant,
    )
    assert Message.objects.filter(scope=services.scope_of(source)).exists()

    clone = services.clone_contest(source, by=co_organiser)
    assert not Application.objects.filter(contest=clone).exists()
    assert not Message.objects.filter(scope=services.scope_of(clone)).exists()
    assert list(clone.roles.values_list("user", "role", "granted_by")) == [
        (co_organiser.pk, ContestRole.Role.ORGANISER, co_organiser.pk)
    ]
    assert Application.objects.filter(contest=source).count() == 1


def test_include_jury_copies_jurors_and_grant_officers_but_not_organisers(source, organiser):
    juror, officer, co_organiser, gone = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    grant(source, juror, ContestRole.Role.JUROR)
    grant(source, officer, ContestRole.Role.GRANT_OFFICER)
    grant(source, co_organiser)
    grant(source, gone, ContestRole.Role.JUROR)
    gone.is_active = False
    gone.save()
    clone = services.clone_contest(source, by=organiser, include_jury=True)
    assert set(clone.roles.values_list("user", "role")) == {
        (organiser.pk, ContestRole.Role.ORGANISER),
        (juror.pk, ContestRole.Role.JUROR),
        (officer.pk, ContestRole.Role.GRANT_OFFICER),
    }
    assert set(clone.roles.values_list("granted_by", flat=True)) == {organiser.pk}


def test_the_source_is_unchanged(source, organiser):
    grant(source, UserFactory(), ContestRole.Role.JUROR)
    before = snapshot(source)
    services.clone_contest(source, by=organiser, include_jury=True, shift_years=2, title="Інша назва")
    assert snapshot(source) == before


def test_29_february_becomes_28_february(organiser):
    source = services.create_contest(
        by=organiser,
        title="Весняний конкурс",
        opens_at=kyiv(2028, 2, 1, 9, 0),
        closes_at=kyiv(2028, 2, 29, 23, 59),
    )
    clone = services.clone_contest(source, by=organiser)
    assert clone.local(clone.closes_at) == kyiv(2029, 2, 28, 23, 59)
    assert clone.title == "Весняний конкурс (copy)"


def test_dates_keep_their_wall_clock_time_across_daylight_saving(organiser):
    # 28 March 2026 is still winter time in Kyiv (UTC+2); 28 March 2027 is already summer time (UTC+3).
    source = services.create_contest(
        by=organiser,
        title="Конкурс 2026",
        opens_at=kyiv(2026, 3, 1, 10, 0),
        closes_at=kyiv(2026, 3, 28, 10, 0),
    )
    clone = services.clone_contest(source, by=organiser)
    assert clone.local(clone.closes_at) == kyiv(2027, 3, 28, 10, 0)
    assert clone.closes_at.astimezone(UTC).hour == 7


def test_dates_without_a_value_stay_empty(organiser):
    source = services.create_contest(by=organiser, title="Без дат")
    clone = services.clone_contest(source, by=organiser, shift_years=3)
    assert (clone.opens_at, clone.closes_at, clone.review_ends_at, clone.announce_at) == (None,) * 4


@pytest.mark.parametrize(
    ("title", "shift", "expected"),
    [
        ("Конкурс 2026", 1, "Конкурс 2027"),
        ("Конкурс 2025–2026 років", 2, "Конкурс 2027–2028 років"),
        ("Конкурс 2026", 0, "Конкурс 2026 (copy)"),
        ("Конкурс", 1, "Конкурс (copy)"),
        ("Конкурс №12026", 1, "Конкурс №12026 (copy)"),
        ("Я" * 300, 1, "Я" * 293 + " (copy)"),
    ],
)
def test_suggested_title(title, shift, expected):
    assert services.suggested_title(Contest(title=title), shift) == expected


def test_an_explicit_title_wins(source, organiser):
    clone = services.clone_contest(source, by=organiser, title="Е-послуги наступного року")
    assert clone.title == "Е-послуги наступного року"


# --- the rule -----------------------------------------------------------------------------------


def test_only_organisers_of_the_source_may_clone(source, organiser, other_organiser, staff):
    juror = UserFactory()
    grant(source, juror, ContestRole.Role.JUROR)
    assert organiser.has_perm("contests.clone_contest", source)
    for user in (juror, other_organiser, staff):
        assert not user.has_perm("contests.clone_contest", source)


# --- the API ------------------------------------------------------------------------------------


def clone_url(contest: Contest) -> str:
    return f"/api/v1/contests/{contest.pk}/clone/"


def test_api_clone_answers_201_with_the_new_contest(api, source, organiser):
    r = api(organiser).post(clone_url(source), {"shift_years": 2, "include_jury": True}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    clone = Contest.objects.get(pk=body["id"])
    assert body["title"] == clone.title == "Бібліотека — е-послуги 2028"
    assert body["state"] == "draft"
    assert len(body["nominations"]) == 2 and len(body["criteria"]) == 2 and len(body["form_fields"]) == 3
    assert "publish" in body["allowed_transitions"]
    assert clone.local(clone.opens_at) == kyiv(2028, 3, 2, 9, 0)


def test_api_clone_with_defaults_and_a_title(api, source, organiser):
    r = api(organiser).post(clone_url(source), {"title": "Нова назва"}, format="json")
    assert r.status_code == 201, r.content
    clone = Contest.objects.get(pk=r.json()["id"])
    assert clone.title == "Нова назва"
    assert clone.local(clone.closes_at) == kyiv(2027, 4, 30, 18, 0)


@pytest.mark.parametrize("shift", [-1, 6, "many"])
def test_api_refuses_bad_shift_and_creates_nothing(api, source, organiser, shift):
    before = Contest.objects.count()
    r = api(organiser).post(clone_url(source), {"shift_years": shift}, format="json")
    assert r.status_code == 400
    assert "shift_years" in r.json()["errors"]
    assert Contest.objects.count() == before


def test_api_clone_refuses_others(api, organiser, other_organiser, contest_in):
    published = contest_in(Contest.State.PUBLISHED)
    juror = UserFactory()
    grant(published, juror, ContestRole.Role.JUROR)
    before = Contest.objects.count()
    assert api(juror).post(clone_url(published)).status_code == 403
    assert api(other_organiser).post(clone_url(published)).status_code == 403
    assert api().post(clone_url(published)).status_code in (401, 403)
    draft = contest_in(Contest.State.DRAFT)
    assert api(other_organiser).post(clone_url(draft)).status_code == 404
    assert Contest.objects.count() == before + 1  # only `draft`, made here
