"""factory-boy factories. Every person and library here is invented."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from accounts.regions import Region
from contests.models import (
    Category,
    Classifier,
    Contest,
    ContestRole,
    Criterion,
    FormField,
    Nomination,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Тестова Особа {n}")
    language = "en"  # logging in applies the profile's language; tests read the English interface
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Публічна бібліотека №{n}")
    kind = Organisation.Kind.PUBLIC_LIBRARY
    region = Region.POLTAVA
    settlement = "Вигадане"
    email = factory.Sequence(lambda n: f"library{n}@example.org")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    is_admin = False


class ContestFactory(factory.django.DjangoModelFactory):
    """A draft contest with a valid timeline (opens yesterday, closes in 30 days)."""

    class Meta:
        model = Contest

    title = factory.Sequence(lambda n: f"Конкурс бібліотечних е-послуг {n}")
    summary = "Вигаданий конкурс для тестів."
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    max_winners = 5
    grant_budget = Decimal("100000.00")


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    contest = factory.SubFactory(ContestFactory)
    title = factory.Sequence(lambda n: f"Номінація {n}")
    max_winners = 2


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    contest = factory.SubFactory(ContestFactory)
    title = factory.Sequence(lambda n: f"Критерій {n}")
    weight = Decimal("1.00")
    scale_min = 0
    scale_max = 10


class FormFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormField

    contest = factory.SubFactory(ContestFactory)
    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"Питання {n}")
    field_type = FormField.Type.LONG_TEXT
    required = True


class ClassifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classifier

    title = factory.Sequence(lambda n: f"Класифікатор {n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    classifier = factory.SubFactory(ClassifierFactory)
    code = factory.Sequence(lambda n: f"{n}")
    title = factory.Sequence(lambda n: f"Категорія {n}")


def ready_contest(**kwargs) -> Contest:
    """A draft that passes every publish guard."""
    contest = ContestFactory(**kwargs)
    NominationFactory(contest=contest)
    CriterionFactory(contest=contest)
    FormFieldFactory(contest=contest)
    return contest


def grant(contest: Contest, user: User, role: str = ContestRole.Role.ORGANISER) -> ContestRole:
    return ContestRole.objects.create(contest=contest, user=user, role=role)


# The happy path from draft to each later state, as (transition, service kwargs).
PATH_TO_STATE: dict[str, list[tuple[str, dict]]] = {
    Contest.State.DRAFT: [],
    Contest.State.PUBLISHED: [("publish", {})],
    Contest.State.CLOSED: [("publish", {}), ("close", {"force": True, "note": "Закрито достроково"})],
}
PATH_TO_STATE[Contest.State.IN_REVIEW] = [*PATH_TO_STATE[Contest.State.CLOSED], ("start_review", {})]
PATH_TO_STATE[Contest.State.DECIDED] = [*PATH_TO_STATE[Contest.State.IN_REVIEW], ("decide", {})]
PATH_TO_STATE[Contest.State.ANNOUNCED] = [*PATH_TO_STATE[Contest.State.DECIDED], ("announce", {})]
PATH_TO_STATE[Contest.State.ARCHIVED] = [*PATH_TO_STATE[Contest.State.ANNOUNCED], ("archive", {})]


def contest_in_state(state: str, organiser: User, **kwargs) -> Contest:
    """A ready contest organised by `organiser`, moved to `state` through the services."""
    from contests.steps import CONTEST

    contest = ready_contest(**kwargs)
    grant(contest, organiser)
    if state == Contest.State.CANCELLED:
        return CONTEST["cancel"].service(contest, by=organiser, note="Скасовано")
    for name, extra in PATH_TO_STATE[state]:
        CONTEST[name].service(contest, by=organiser, **extra)
    return contest
