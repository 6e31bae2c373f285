"""An announced contest with three grants in two regions, accepted and unaccepted reports with
indicator actuals over two years, published and draft cases, and an analytic report draft.

Hand-computed results (accepted reports only, year = the year the period ends):
    readers  poltava 2025: 10 (target 20), poltava 2026: 5, lviv 2025: 7 + 3 = 10
    events   lviv 2025: 2
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from applications.models import Application
from contests.models import Contest
from depository.models import Practice
from grants.models import GrantReport, Indicator, IndicatorActual, IndicatorTarget
from reports import services
from tests.campaigns.conftest import opened, world  # noqa: F401 (the campaign tests' fixtures)
from tests.factories import OrganisationFactory, UserFactory, contest_in_state
from tests.grants.conftest import World


class Analytic(World):
    def __init__(self) -> None:
        super().__init__()
        self.readers = Indicator.objects.create(contest=self.contest, name="Читачі", unit="осіб", order=1)
        self.events = Indicator.objects.create(contest=self.contest, name="Заходи", unit="шт.", order=2)
        poltava = self.application  # the World's winner: OrganisationFactory's region is poltava
        lviv_b = self._winner("lviv")
        lviv_c = self._winner("lviv")
        grant_a = self.offer("10000.00")
        grant_b = self.offer("10000.00", application=lviv_b)
        grant_c = self.offer("10000.00", application=lviv_c)
        IndicatorTarget.objects.create(grant=grant_a, indicator=self.readers, year=2025, value=Decimal(20))
        self._report(grant_a, date(2025, 6, 30), {self.readers: 10})
        self._report(grant_a, date(2026, 6, 30), {self.readers: 5})
        self._report(grant_a, date(2025, 12, 31), {self.readers: 100}, accepted=False)
        self._report(grant_b, date(2025, 6, 30), {self.readers: 7, self.events: 2})
        self._report(grant_c, date(2025, 9, 30), {self.readers: 3})
        self.cases = [self._case(app, published=True) for app in (poltava, lviv_b)]
        self.draft_case = self._case(lviv_c, published=False)
        self.other_organiser = UserFactory(full_name="Організатор Чужий")
        self.other_contest = contest_in_state(Contest.State.PUBLISHED, self.other_organiser)
        self.report = services.create_report(
            self.contest,
            by=self.organiser,
            title="Аналітичний звіт про е-послуги",
            summary="Перший абзац.\n\nДругий абзац.",
            findings="Висновки.",
            cases=[self.cases[1], self.cases[0]],
        )

    def _winner(self, region: str) -> Application:
        application = Application.objects.create(
            organisation=OrganisationFactory(region=region),
            contest=self.contest,
            nomination=self.nomination,
            title="Цифрова бібліотека",
        )
        Application.objects.filter(pk=application.pk).update(state=Application.State.AWARDED)
        return Application.objects.get(pk=application.pk)

    def _report(self, grant, period_end: date, values: dict, accepted: bool = True) -> GrantReport:
        report = GrantReport.objects.create(
            grant=grant,
            period_start=period_end - timedelta(days=90),
            period_end=period_end,
            due_on=period_end + timedelta(days=17),
        )
        if accepted:
            GrantReport.objects.filter(pk=report.pk).update(state=GrantReport.State.ACCEPTED)
        for indicator, value in values.items():
            IndicatorActual.objects.create(report=report, indicator=indicator, value=Decimal(value))
        return report

    def _case(self, application: Application, *, published: bool) -> Practice:
        practice = Practice.objects.create(
            application=application,
            contest=self.contest,
            nomination=self.nomination,
            title=f"Кейс {application.organisation.name}",
            organisation_name=application.organisation.name,
            region=application.organisation.region,
            year=2025,
            selected_by=self.organiser,
        )
        if published:
            Practice.objects.filter(pk=practice.pk).update(state=Practice.State.PUBLISHED)
        return Practice.objects.get(pk=practice.pk)


@pytest.fixture
def analytic(db) -> Analytic:
    return Analytic()
