"""Invariants that hold in the database even when Python's checks are bypassed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from contests import services
from contests.models import Category, Contest, ContestRole, Criterion, FormField, Nomination
from tests.factories import (
    CategoryFactory,
    ClassifierFactory,
    ContestFactory,
    FormFieldFactory,
    NominationFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db


def refused_by_database(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_criterion_weight_positive_in_database():
    contest = ContestFactory()
    refused_by_database(lambda: Criterion.objects.create(contest=contest, title="Нуль", weight=0))
    refused_by_database(
        lambda: Criterion.objects.create(contest=contest, title="Мінус", weight=Decimal("-1"))
    )
    assert not Criterion.objects.exists()


def test_criterion_scale_ordered_in_database():
    contest = ContestFactory()
    refused_by_database(
        lambda: Criterion.objects.create(contest=contest, title="Шкала", scale_min=5, scale_max=5)
    )


def test_contest_dates_ordered_in_database():
    now = timezone.now()
    refused_by_database(lambda: Contest.objects.create(title="Навпаки", opens_at=now, closes_at=now))
    refused_by_database(
        lambda: Contest.objects.create(title="Навпаки", opens_at=now, closes_at=now - timedelta(days=1))
    )
    refused_by_database(
        lambda: Contest.objects.create(
            title="Огляд", opens_at=now, closes_at=now + timedelta(days=2), review_ends_at=now
        )
    )
    refused_by_database(
        lambda: Contest.objects.create(
            title="Оголошення", opens_at=now, closes_at=now + timedelta(days=2), announce_at=now
        )
    )
    assert not Contest.objects.exists()


def test_contest_money_and_winners_in_database():
    refused_by_database(lambda: Contest.objects.create(title="Мінус", grant_budget=Decimal("-0.01")))
    refused_by_database(lambda: Contest.objects.create(title="Нуль", max_winners=0))


def test_nomination_winners_positive_in_database():
    contest = ContestFactory()
    refused_by_database(lambda: Nomination.objects.create(contest=contest, title="Н", max_winners=0))


def test_form_field_key_unique_per_contest_in_database():
    field = FormFieldFactory()
    refused_by_database(
        lambda: FormField.objects.create(
            contest=field.contest, key=field.key, label="Дубль", field_type=FormField.Type.SHORT_TEXT
        )
    )
    FormField.objects.create(
        contest=ContestFactory(), key=field.key, label="Інший конкурс", field_type=FormField.Type.SHORT_TEXT
    )


def test_form_field_max_length_positive_in_database():
    contest = ContestFactory()
    refused_by_database(
        lambda: FormField.objects.create(
            contest=contest, key="k", label="L", field_type=FormField.Type.SHORT_TEXT, max_length=0
        )
    )


def test_contest_role_unique_in_database():
    contest, user = ContestFactory(), UserFactory()
    grant(contest, user)
    refused_by_database(lambda: grant(contest, user))
    grant(contest, user, ContestRole.Role.JUROR)


def test_category_code_unique_per_classifier_in_database():
    category = CategoryFactory()
    refused_by_database(
        lambda: Category.objects.create(classifier=category.classifier, code=category.code, title="Дубль")
    )


def test_protected_state_cannot_be_assigned():
    contest = ContestFactory()
    with pytest.raises(AttributeError):
        contest.state = Contest.State.PUBLISHED
    assert Contest.objects.get(pk=contest.pk).state == Contest.State.DRAFT


# --- services refuse bad input with messages, saving nothing -------------------------------------


def test_create_contest_makes_author_organiser():
    user = UserFactory()
    classifier = ClassifierFactory()
    contest = services.create_contest(by=user, title="Конкурс", classifiers=[classifier])
    assert contest.state == Contest.State.DRAFT
    assert list(contest.classifiers.all()) == [classifier]
    assert contest.roles.get().user == user


def test_create_contest_with_reversed_dates_saves_nothing():
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.create_contest(
            by=UserFactory(), title="Навпаки", opens_at=now, closes_at=now - timedelta(hours=1)
        )
    assert "closes_at" in error.value.message_dict
    assert not Contest.objects.exists()
    assert not ContestRole.objects.exists()


def test_save_part_refuses_foreign_nomination():
    contest = ContestFactory()
    foreign = NominationFactory()
    with pytest.raises(ValidationError) as error:
        services.save_part(Criterion(contest=contest), title="К", nomination=foreign)
    assert "nomination" in error.value.message_dict
    assert not Criterion.objects.exists()


def test_category_parent_from_another_classifier():
    parent = CategoryFactory()
    child = Category(classifier=ClassifierFactory(), parent=parent, code="9", title="Дитина")
    with pytest.raises(ValidationError) as error:
        child.full_clean()
    assert "parent" in error.value.message_dict


def test_revoke_last_organiser_is_refused():
    contest, user = ContestFactory(), UserFactory()
    grant(contest, user)
    with pytest.raises(ValidationError):
        services.revoke_role(contest, user=user, role=ContestRole.Role.ORGANISER)
    assert contest.roles.filter(user=user).exists()


def test_delete_contest_only_as_draft(contest_in):
    published = contest_in(Contest.State.PUBLISHED)
    with pytest.raises(ValidationError):
        services.delete_contest(published)
    assert Contest.objects.filter(pk=published.pk).exists()
