"""A contest whose results are announced, with applications ready to become cases.

Every library, person and text here is invented.
"""

import hashlib
from itertools import count

import pytest
from django.core.files.base import ContentFile

from accounts.models import User
from applications.models import Application, Attachment
from contests.models import Category, Contest
from depository import services
from depository.models import Practice
from tests.factories import (
    CategoryFactory,
    ClassifierFactory,
    OrganisationFactory,
    UserFactory,
    grant,
    ready_contest,
)

NUMBERS = count(1)
PDF = b"%PDF-1.4\n% invented test file\n"


def answers(solution: str = "Бібліотека відкрила центр електронних послуг для пенсіонерів.") -> dict:
    return {
        "case_problem": "Мешканці села не вміли звертатися до органів влади онлайн.",
        "case_target_group": "Пенсіонери та внутрішньо переміщені особи.",
        "case_people_served": "1607",
        "case_solution": solution,
        "case_e_services": ["Pension services", "Electronic signature"],
        "case_results": "Надано 1607 е-послуг, 124 звернення до міської ради.",
        "case_resources": "Два бібліотекарі, три комп'ютери, громадська організація.",
        "case_sustainability": "Послуга триває після проєкту.",
        "case_contact_email": "practice@example.org",
        "private_budget_note": "Внутрішня нотатка, не для публікації.",
    }


class Cases:
    def __init__(self, organiser: User):
        self.organiser = organiser
        self.contest = ready_contest(title="Кращі бібліотечні е-послуги")
        grant(self.contest, organiser)
        self.nomination = self.contest.nominations.get()
        classifier = ClassifierFactory(title="Е-врядування на рівні регіону")
        self.contest.classifiers.add(classifier)
        self.category = CategoryFactory(classifier=classifier, code="1", title="Е-послуги")
        self.subcategory = CategoryFactory(
            classifier=classifier, code="1.1", title="Пенсії", parent=self.category
        )
        self.other_category = CategoryFactory(classifier=classifier, code="2", title="Навчання")
        self.set_contest_state(Contest.State.ANNOUNCED)
        self.member = UserFactory(full_name="Бібліотекарка Вигадана")

    def set_contest_state(self, state: str) -> None:
        # The contest's own path to announced runs the awards app; the depository only reads it.
        Contest.objects.filter(pk=self.contest.pk).update(state=state)
        self.contest.refresh_from_db()

    def application(
        self,
        state: str = Application.State.NOT_AWARDED,
        *,
        title: str = "Е-послуги для пенсіонерів",
        region: str = "poltava",
        solution: str | None = None,
        categories: tuple[Category, ...] = (),
        member: User | None = None,
        contest: Contest | None = None,
    ) -> Application:
        contest = contest or self.contest
        organisation = OrganisationFactory(region=region, settlement="Вигадане")
        organisation.memberships.create(user=member or self.member)
        application = Application.objects.create(
            organisation=organisation,
            contest=contest,
            nomination=contest.nominations.first(),
            title=title,
            answers=answers(solution) if solution else answers(),
            number=f"T-{next(NUMBERS):04d}",
        )
        Application.objects.filter(pk=application.pk).update(state=state)
        application.refresh_from_db()
        application.categories.set(categories)
        return application

    def attach(
        self, application: Application, key: str, *, public: bool, name: str = "slides.pdf"
    ) -> Attachment:
        attachment = Attachment(
            application=application,
            field_key=key,
            original_name=name,
            kind="pdf",
            size=len(PDF),
            sha256=hashlib.sha256(PDF).hexdigest(),
            public=public,
        )
        attachment.file.save(name, ContentFile(PDF), save=False)
        attachment.save()
        return attachment

    def published(self, application: Application | None = None, **kwargs) -> Practice:
        """A published case: a winner by default (no consent needed)."""
        application = application or self.application(Application.State.AWARDED, **kwargs)
        practice = services.select_case(application, by=self.organiser)
        return services.publish(practice, by=self.organiser)

    def consent(self, application: Application, granted: bool = True) -> None:
        services.set_consent(application, by=self.member, granted=granted)


@pytest.fixture
def cases(organiser) -> Cases:
    return Cases(organiser)


@pytest.fixture
def outsider(db) -> User:
    return UserFactory(full_name="Стороння Особа")
