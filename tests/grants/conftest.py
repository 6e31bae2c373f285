"""A contest with an awarded application, ready for a grant (people invented, never real).

people  officer (grant officer), organiser (organiser only), member (of the winning library),
        outsider (member of another library), juror
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from applications.models import Application
from contests.models import Contest, ContestRole
from grants import services
from grants.iban import make_ua_iban
from grants.models import Grant
from tests.factories import ContestFactory, NominationFactory, OrganisationFactory, UserFactory, grant

START, END = date(2025, 1, 1), date(2025, 12, 31)
IBAN = make_ua_iban("322001", "26007233566001")
PDF = b"%PDF-1.4\n% invented agreement\n"


def pdf(name: str = "agreement.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


class World:
    def __init__(self) -> None:
        self.contest = ContestFactory(grant_budget=Decimal("100000.00"), state=Contest.State.ANNOUNCED)
        self.nomination = NominationFactory(contest=self.contest)
        self.officer = UserFactory(full_name="Грантова Офіцерка")
        grant(self.contest, self.officer, ContestRole.Role.GRANT_OFFICER)
        self.organiser = UserFactory(full_name="Лише Організатор")
        grant(self.contest, self.organiser, ContestRole.Role.ORGANISER)
        self.juror = UserFactory(full_name="Член Журі")
        grant(self.contest, self.juror, ContestRole.Role.JUROR)
        self.member = UserFactory(full_name="Бібліотекарка Переможниця")
        self.outsider = UserFactory(full_name="Бібліотекар Сусідній")
        OrganisationFactory().memberships.create(user=self.outsider)
        self.application = self.awarded()
        self.application.organisation.memberships.create(user=self.member)

    def awarded(self) -> Application:
        application = Application.objects.create(
            organisation=OrganisationFactory(),
            contest=self.contest,
            nomination=self.nomination,
            title="Бібліотека як простір цифрових навичок",
        )
        Application.objects.filter(pk=application.pk).update(state=Application.State.AWARDED)
        application.refresh_from_db()
        return application

    def offer(self, amount: str = "40000.00", application: Application | None = None, **kwargs) -> Grant:
        return services.offer_grant(
            application or self.application,
            by=self.officer,
            amount=Decimal(amount),
            purpose="Закупівля ноутбуків і навчання відвідувачів",
            starts_on=kwargs.pop("starts_on", START),
            ends_on=kwargs.pop("ends_on", END),
            **kwargs,
        )

    def active(self, amount: str = "40000.00") -> Grant:
        g = self.offer(amount)
        g = services.update_bank_details(
            g, by=self.member, payee_name="ПБ Вигадана", payee_bank="Тестбанк", payee_iban=IBAN
        )
        g = services.sign_agreement(g, by=self.officer, signed_copy=pdf(), signed_on=date(2025, 1, 10))
        return services.activate_grant(g, by=self.officer)


@pytest.fixture
def world(db) -> World:
    return World()


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: run it with DATABASE_URL set (CI's PostgreSQL pass).")
