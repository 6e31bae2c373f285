"""Factories for the jury. Applications are made directly in a given state (the applications
app's own tests cover how they get there); every person and library is invented."""

from decimal import Decimal

import factory
from django.utils import timezone

from applications.models import Application
from review.models import Juror, Review, Round, Score
from tests.factories import ContestFactory, NominationFactory, OrganisationFactory, UserFactory


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    contest = factory.SubFactory(ContestFactory)
    nomination = factory.LazyAttribute(lambda a: NominationFactory(contest=a.contest))
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Проєкт е-послуги {n}")
    state = Application.State.ELIGIBLE
    number = factory.Sequence(lambda n: f"K-{n:05d}")
    submitted_at = factory.LazyFunction(timezone.now)
    answers = factory.LazyFunction(dict)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    contest = factory.SubFactory(ContestFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda r: f"Тур {r.number}")
    state = Round.State.OPEN
    reviewers_per_application = 3
    trim_share = Decimal("0.20")


class JurorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Juror

    contest = factory.SubFactory(ContestFactory)
    user = factory.SubFactory(UserFactory)
    region = "lviv"


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    round = factory.SubFactory(RoundFactory)
    juror = factory.LazyAttribute(lambda r: JurorFactory(contest=r.round.contest))
    application = factory.LazyAttribute(lambda r: ApplicationFactory(contest=r.round.contest))
    state = Review.State.ASSIGNED


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    review = factory.SubFactory(ReviewFactory)
    value = 5
