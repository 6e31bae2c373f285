"""What the grants dashboards show, counted in the database.

Every figure is a GROUP BY over the contest's grants, so the officer's dashboard costs the same
queries for one grant or a thousand: Python loops only over what the sums are grouped by (grants,
indicators, regions, payment days), never over tranches, reports or actuals.

Money: a grant's *committed* amount is its full amount while it is live or completed; a terminated
grant commits only what was paid before it ended. *Paid* counts paid tranches; *remaining* is the
difference, what the programme still owes. Indicator actuals count from accepted reports only:
what the officer has checked.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.regions import Region
from contests.models import Contest
from core import clock, formats
from grants.charts import Chart, Row
from grants.models import Disbursement, Grant, GrantReport, Indicator, IndicatorActual, IndicatorTarget
from grants.selectors import counted_targets

ZERO = Decimal("0.00")
NEXT_TRANCHES = 10
MONEY = DecimalField(max_digits=14, decimal_places=2)


def today_in(contest: Contest) -> date:
    return clock.local(clock.now(), contest.time_zone).date()


def with_money(grants: QuerySet[Grant], today: date) -> QuerySet[Grant]:
    """Grants annotated with `paid` (paid tranches) and `overdue` (open reports past due).

    Subqueries, not joins: summing tranches over a join with reports would count each tranche
    once per report.
    """
    paid = (
        Disbursement.objects.filter(grant=OuterRef("pk"), state=Disbursement.State.PAID)
        .values("grant")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    overdue = (
        GrantReport.objects.filter(grant=OuterRef("pk"), state__in=GrantReport.OPEN_STATES, due_on__lt=today)
        .values("grant")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return grants.annotate(
        paid=Coalesce(Subquery(paid, output_field=MONEY), Value(ZERO), output_field=MONEY),
        overdue=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
    )


def committed_of(grant: Grant) -> Decimal:
    """A live or completed grant commits its amount; a terminated one what it had paid."""
    return grant.paid if grant.state == Grant.State.TERMINATED else grant.amount


# --- indicators ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    target: Decimal | None
    actual: Decimal | None

    @property
    def percent(self) -> int | None:
        if not self.target or self.actual is None:
            return None
        return round(self.actual * 100 / self.target)


@dataclass
class IndicatorTable:
    """Targets (all periods) and accepted actuals, by indicator for each grant, region and overall."""

    indicators: list[Indicator]
    by_grant: dict[int, dict[int, Figure]] = field(default_factory=dict)
    by_region: dict[str, dict[int, Figure]] = field(default_factory=dict)
    overall: dict[int, Figure] = field(default_factory=dict)

    def region_rows(self) -> list[tuple[str, list[Figure]]]:
        labels = dict(Region.choices)
        return [
            (
                str(labels.get(region, region)),
                [figures.get(i.pk, Figure(None, None)) for i in self.indicators],
            )
            for region, figures in sorted(self.by_region.items(), key=lambda item: str(labels.get(item[0])))
        ]


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return b if a is None else a if b is None else a + b


def indicator_table(contest: Contest, grants: list[Grant]) -> IndicatorTable:
    """Three queries whatever the number of grants: indicators, targets and actuals, grouped."""
    table = IndicatorTable(list(Indicator.objects.filter(contest=contest).order_by("order", "pk")))
    targets = counted_targets(IndicatorTarget.objects.filter(grant__contest=contest)).values_list(
        "grant_id", "indicator_id"
    )
    actuals = IndicatorActual.objects.filter(
        report__grant__contest=contest, report__state=GrantReport.State.ACCEPTED
    ).values_list("report__grant_id", "indicator_id")
    target_sums = {(g, i): v for g, i, v in targets.annotate(v=Sum("value")).order_by()}
    actual_sums = {(g, i): v for g, i, v in actuals.annotate(v=Sum("value")).order_by()}
    regions = {grant.pk: grant.application.organisation.region for grant in grants}
    region_sums: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(lambda: [None, None]))
    overall: dict[int, list] = defaultdict(lambda: [None, None])
    for grant in grants:
        per_indicator = {}
        for indicator in table.indicators:
            target = target_sums.get((grant.pk, indicator.pk))
            actual = actual_sums.get((grant.pk, indicator.pk))
            per_indicator[indicator.pk] = Figure(target, actual)
            for bucket in (region_sums[regions[grant.pk]][indicator.pk], overall[indicator.pk]):
                bucket[0], bucket[1] = _add(bucket[0], target), _add(bucket[1], actual)
        table.by_grant[grant.pk] = per_indicator
    table.by_region = {
        region: {pk: Figure(*values) for pk, values in figures.items()}
        for region, figures in region_sums.items()
    }
    table.overall = {i.pk: Figure(*overall[i.pk]) for i in table.indicators}
    return table


def indicator_chart(indicator: Indicator, table: IndicatorTable) -> Chart:
    """Target and accepted actual of one indicator in each region with grants, and overall."""
    position = table.indicators.index(indicator)
    rows = [
        Row(label, label, (figures[position].target, figures[position].actual))
        for label, figures in table.region_rows()
    ]
    overall = table.overall.get(indicator.pk, Figure(None, None))
    rows.append(Row("overall", _("All regions"), (overall.target, overall.actual)))
    return Chart(
        name=f"indicator-{indicator.pk}",
        title=_("%(indicator)s (%(unit)s): target and result by region")
        % {"indicator": indicator.name, "unit": indicator.unit},
        kind="pairs",
        label_header=_("Region"),
        series=(_("Target"), _("Achieved (accepted reports)")),
        rows=rows,
        description=_("Targets of all periods and results from accepted reports, summed over the grants."),
    )


def grant_indicator_charts(grant: Grant) -> list[Chart]:
    """A grant's own targets and accepted results, per indicator and period (two queries)."""
    indicators = list(Indicator.objects.filter(contest_id=grant.contest_id).order_by("order", "pk"))
    targets = defaultdict(dict)
    yearly = defaultdict(dict)
    for indicator_id, period_end, year, value in IndicatorTarget.objects.filter(grant=grant).values_list(
        "indicator_id", "period_end", "year", "value"
    ):
        if year is not None:
            yearly[indicator_id][year] = value
        else:
            targets[indicator_id][period_end] = value
    actuals: dict[int, dict[date, Decimal]] = defaultdict(dict)
    for indicator_id, period_end, value in IndicatorActual.objects.filter(
        report__grant=grant, report__state=GrantReport.State.ACCEPTED
    ).values_list("indicator_id", "report__period_end", "value"):
        actuals[indicator_id][period_end] = actuals[indicator_id].get(period_end, ZERO) + value
    charts = []
    for indicator in indicators:
        periods = sorted(set(targets[indicator.pk]) | set(actuals[indicator.pk]))
        if not periods and not yearly[indicator.pk]:
            continue
        rows = [
            Row(
                period,
                _("until %(date)s") % {"date": formats.day(period)},
                (targets[indicator.pk].get(period), actuals[indicator.pk].get(period)),
            )
            for period in periods
        ]
        # Yearly targets against the sum of the accepted reports whose period ends in that year.
        for year, target in sorted(yearly[indicator.pk].items()):
            achieved = [value for end, value in actuals[indicator.pk].items() if end.year == year]
            rows.append(
                Row(
                    f"year-{year}",
                    _("year %(year)s") % {"year": year},
                    (target, sum(achieved, ZERO) if achieved else None),
                )
            )
        charts.append(
            Chart(
                name=f"indicator-{indicator.pk}",
                title=f"{indicator.name} ({indicator.unit})",
                kind="pairs",
                label_header=_("Period"),
                series=(_("Target"), _("Achieved (accepted reports)")),
                rows=rows,
            )
        )
    return charts


# --- the officer's dashboard ----------------------------------------------------------------------


@dataclass
class OfficerDashboard:
    contest: Contest
    today: date
    grants: list[Grant]
    budget: Decimal
    committed: Decimal
    paid: Decimal
    overdue_reports: list[GrantReport]
    next_tranches: list[Disbursement]
    burndown: Chart
    indicators: IndicatorTable
    indicator_charts: list[Chart]

    @property
    def remaining(self) -> Decimal:
        return self.committed - self.paid

    @property
    def uncommitted(self) -> Decimal:
        return self.budget - self.committed

    @property
    def by_state(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = defaultdict(int)
        for grant in self.grants:
            counts[grant.state] += 1
        return [(str(label), counts[value]) for value, label in Grant.State.choices]

    @property
    def charts(self) -> dict[str, Chart]:
        return {chart.name: chart for chart in [self.burndown, *self.indicator_charts]}


def contest_grants(contest: Contest, today: date) -> list[Grant]:
    return list(
        with_money(Grant.objects.filter(contest=contest), today)
        .select_related("application__organisation", "application__nomination")
        .order_by("application__number", "pk")
    )


def officer_dashboard(contest: Contest) -> OfficerDashboard:
    today = today_in(contest)
    grants = contest_grants(contest, today)
    committed = sum((committed_of(grant) for grant in grants), ZERO)
    paid = sum((grant.paid for grant in grants), ZERO)
    indicators = indicator_table(contest, grants)
    return OfficerDashboard(
        contest=contest,
        today=today,
        grants=grants,
        budget=contest.grant_budget,
        committed=committed,
        paid=paid,
        overdue_reports=list(
            GrantReport.objects.filter(
                grant__contest=contest, state__in=GrantReport.OPEN_STATES, due_on__lt=today
            )
            .select_related("grant__application__organisation")
            .order_by("due_on", "pk")
        ),
        next_tranches=list(
            Disbursement.objects.filter(
                grant__contest=contest, grant__state__in=Grant.LIVE_STATES, state__in=Disbursement.OPEN_STATES
            )
            .select_related("grant__application__organisation", "after_report")
            .order_by("planned_on", "pk")[:NEXT_TRANCHES]
        ),
        burndown=burndown_chart(contest, grants, committed, today),
        indicators=indicators,
        indicator_charts=[indicator_chart(i, indicators) for i in indicators.indicators],
    )


def burndown_chart(contest: Contest, grants: list[Grant], committed: Decimal, today: date) -> Chart:
    """What remains to pay after each day with payments, from the committed total down."""
    per_day = list(
        Disbursement.objects.filter(grant__contest=contest, state=Disbursement.State.PAID)
        .values_list("paid_on")
        .annotate(total=Sum("amount"))
        .order_by("paid_on")
    )
    rows, running = [], ZERO
    for day, total in per_day:
        running += total
        rows.append(Row(day, formats.day(day), (total, committed - running)))
    starts = [grant.starts_on for grant in grants] + [row.key for row in rows]
    ends = [grant.ends_on for grant in grants if grant.state in Grant.LIVE_STATES] + [today]
    start = min(starts, default=None)
    return Chart(
        name="burndown",
        title=_("Money still to pay"),
        kind="burndown",
        label_header=_("Payment day"),
        series=(_("Paid that day"), _("Remaining after it")),
        rows=rows,
        description=_("Starts at the committed total %(total)s and falls with each paid tranche.")
        % {"total": formats.money(committed, contest.currency)},
        extra={
            "start": start,
            "end": max([*ends, *(starts or [])], default=None),
            "committed": committed,
            "currency": contest.currency,  # the picture's axis and the table show money
        },
    )
