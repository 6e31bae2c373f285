"""Read side of the project card and the work plan: who sees which activities, which are late,
the plan as a table of activities × months, and the yearly indicator targets against actuals."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from contests.models import Contest
from core import clock
from grants.models import (
    FundingSource,
    Grant,
    GrantReport,
    IndicatorActual,
    PlanActivity,
    ProjectCard,
)
from grants.selectors import _grantee, _officer, target_progress


def activities_visible_to(user) -> QuerySet[PlanActivity]:
    """Activities of the grants the user sees (grant officers of the contest, the grantee's
    members), annotated so the rules ask no query per row."""
    if not user.is_authenticated:
        return PlanActivity.objects.none()
    return (
        PlanActivity.objects.annotate(
            caller_pk=Value(user.pk),
            caller_is_officer=_officer(user, "grant__contest"),
            caller_is_grantee=_grantee(user, "grant__application__organisation"),
        )
        .filter(Q(caller_is_officer=True) | Q(caller_is_grantee=True))
        .select_related("grant__contest", "grant__application__organisation")
    )


def _today_by_zone() -> dict[str, date]:
    now = clock.now()
    zones = Contest.objects.filter(grants__activities__isnull=False).values_list("time_zone", flat=True)
    return {zone: clock.local(now, zone).date() for zone in set(zones)}


def with_late(activities: QuerySet[PlanActivity]) -> QuerySet[PlanActivity]:
    """Annotate `is_late`: the deadline passed (in the contest's time zone) and the activity is
    neither done nor cancelled. One query reads the time zones in use; the rest is SQL."""
    late = Q(pk__in=[])
    for zone, today in _today_by_zone().items():
        late |= Q(grant__contest__time_zone=zone, deadline__lt=today)
    return activities.annotate(
        is_late=Case(
            When(late & Q(state__in=PlanActivity.OPEN_STATES), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def late_activities(*, contest: Contest | None = None, officer=None) -> QuerySet[PlanActivity]:
    """Late activities of running grants: of one contest, or of every contest `officer` is a
    grant officer of."""
    found = PlanActivity.objects.filter(grant__state__in=Grant.LIVE_STATES)
    if contest is not None:
        found = found.filter(grant__contest=contest)
    if officer is not None:
        found = found.filter(_officer(officer, "grant__contest"))
    return (
        with_late(found)
        .filter(is_late=True)
        .select_related("grant__contest", "grant__application__organisation")
        .order_by("deadline", "pk")
    )


def card_of(grant: Grant) -> ProjectCard:
    """The grant's card, or an empty unsaved one (saved by the first change)."""
    try:
        return grant.card
    except ProjectCard.DoesNotExist:
        return ProjectCard(grant=grant)


@dataclass(frozen=True)
class Source:
    name: str
    amount: Decimal
    currency: str
    is_grant: bool = False


def funding_of(grant: Grant, sources: list[FundingSource] | None = None) -> list[Source]:
    """The project's money: the grant first, then the other sources."""
    if sources is None:
        sources = list(grant.funding_sources.order_by("order", "pk"))
    return [
        Source(str(grant.contest.title), grant.amount, grant.currency, is_grant=True),
        *(Source(s.name, s.amount, s.currency) for s in sources),
    ]


# --- the plan as a table ---------------------------------------------------------------------------


def month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def grant_months(grant: Grant, activities: list[PlanActivity]) -> list[date]:
    """Every month from the grant's (or an earlier activity's) first to its last."""
    first = min([grant.starts_on.replace(day=1), *(a.start_month for a in activities)])
    last = max([grant.ends_on.replace(day=1), *(a.end_month for a in activities)])
    months, month = [], first
    while month <= last:
        months.append(month)
        month = month_after(month)
    return months


@dataclass(frozen=True)
class PlanRow:
    activity: PlanActivity
    cells: list[bool]  # one per month of the table: does the activity run then


@dataclass(frozen=True)
class PlanTable:
    months: list[date]
    rows: list[PlanRow]


def plan_table(grant: Grant) -> PlanTable:
    """The calendar plan as the source documents print it: activities × months. Two queries."""
    activities = list(with_late(grant.activities.all()).order_by("order", "start_month", "pk"))
    months = grant_months(grant, activities)
    rows = [PlanRow(a, [a.start_month <= m <= a.end_month for m in months]) for a in activities]
    return PlanTable(months, rows)


# --- the yearly indicator report ----------------------------------------------------------------------


@dataclass(frozen=True)
class YearFigure:
    year: int
    target: Decimal | None
    actual: Decimal  # from accepted reports whose period ends in the year
    entered: Decimal  # from the year's reports not accepted yet (drafts, submitted)

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return int((self.actual / self.target * 100).quantize(Decimal("1")))


@dataclass(frozen=True)
class AnnualRow:
    indicator_id: int
    name: str
    unit: str
    years: list[YearFigure]


def annual_indicator_report(grant: Grant) -> tuple[list[int], list[AnnualRow]]:
    """Each indicator with a yearly target: per year of the grant, the target, what accepted
    reports achieved and what reports still open say (the grantee enters the year's actuals in
    the reports whose period ends in it). Three queries."""
    years = list(range(grant.starts_on.year, grant.ends_on.year + 1))
    progress = [p for p in target_progress(grant) if p.target.year is not None]
    entered: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for indicator_id, period_end, value in (
        IndicatorActual.objects.filter(report__grant=grant)
        .exclude(report__state=GrantReport.State.ACCEPTED)
        .values_list("indicator_id", "report__period_end", "value")
    ):
        entered[indicator_id, period_end.year] += value
    by_indicator: dict[int, dict[int, tuple[Decimal, Decimal]]] = defaultdict(dict)
    names = {}
    for p in progress:
        by_indicator[p.target.indicator_id][p.target.year] = (p.target.value, p.actual)
        names[p.target.indicator_id] = p.target.indicator
    rows = []
    for indicator_id, per_year in by_indicator.items():
        indicator = names[indicator_id]
        rows.append(
            AnnualRow(
                indicator_id,
                indicator.name,
                indicator.unit,
                [
                    YearFigure(
                        year,
                        per_year.get(year, (None, Decimal(0)))[0],
                        per_year.get(year, (None, Decimal(0)))[1],
                        entered[indicator_id, year],
                    )
                    for year in years
                ],
            )
        )
    return years, rows
