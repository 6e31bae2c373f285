"""Read side of the grants: who sees what, the budget, overdue reports, indicator results."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import Membership
from contests.models import Contest, ContestRole
from core import clock
from grants.models import Disbursement, Grant, GrantReport, Indicator, IndicatorActual, IndicatorTarget

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


# --- scoping ----------------------------------------------------------------------------------


def _officer(user, contest_ref: str) -> Exists:
    return Exists(
        ContestRole.objects.filter(
            contest=OuterRef(contest_ref), user=user, role=ContestRole.Role.GRANT_OFFICER
        )
    )


def _grantee(user, organisation_ref: str) -> Exists:
    return Exists(Membership.objects.filter(organisation=OuterRef(organisation_ref), user=user))


def grants_visible_to(user) -> QuerySet[Grant]:
    """Grants of contests where the user is a grant officer, and of the user's organisations.
    Organisers, jurors and other applicants see none (the API answers 404)."""
    if not user.is_authenticated:
        return Grant.objects.none()
    return (
        Grant.objects.annotate(
            caller_pk=Value(user.pk),
            caller_is_officer=_officer(user, "contest"),
            caller_is_grantee=_grantee(user, "application__organisation"),
        )
        .filter(Q(caller_is_officer=True) | Q(caller_is_grantee=True))
        .select_related("contest", "application__organisation")
    )


def tranches_visible_to(user) -> QuerySet[Disbursement]:
    if not user.is_authenticated:
        return Disbursement.objects.none()
    return (
        Disbursement.objects.annotate(
            caller_pk=Value(user.pk),
            caller_is_officer=_officer(user, "grant__contest"),
            caller_is_grantee=_grantee(user, "grant__application__organisation"),
        )
        .filter(Q(caller_is_officer=True) | Q(caller_is_grantee=True))
        .select_related("grant__contest", "grant__application__organisation", "after_report")
    )


def reports_visible_to(user) -> QuerySet[GrantReport]:
    if not user.is_authenticated:
        return GrantReport.objects.none()
    return (
        GrantReport.objects.annotate(
            caller_pk=Value(user.pk),
            caller_is_officer=_officer(user, "grant__contest"),
            caller_is_grantee=_grantee(user, "grant__application__organisation"),
        )
        .filter(Q(caller_is_officer=True) | Q(caller_is_grantee=True))
        .select_related("grant__contest", "grant__application__organisation")
    )


def contests_with_grants_for(user) -> QuerySet[Contest]:
    """Contests whose budget and indicators the user manages as a grant officer."""
    if not user.is_authenticated:
        return Contest.objects.none()
    return Contest.objects.filter(
        Exists(
            ContestRole.objects.filter(contest=OuterRef("pk"), user=user, role=ContestRole.Role.GRANT_OFFICER)
        )
    )


# --- budget -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    """A contest's grant money. Committed: every grant not terminated, plus what terminated
    grants had already paid (that money is gone). Remaining = total − committed."""

    currency: str
    total: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.total - self.committed


def budget_of(contest: Contest) -> Budget:
    """Total, committed, paid and remaining, in two aggregate queries."""
    grants = Grant.objects.filter(contest=contest)
    live = grants.exclude(state=Grant.State.TERMINATED).aggregate(s=Coalesce(Sum("amount"), ZERO))["s"]
    paid = Disbursement.objects.filter(grant__contest=contest, state=Disbursement.State.PAID).aggregate(
        all=Coalesce(Sum("amount"), ZERO),
        terminated=Coalesce(Sum("amount", filter=Q(grant__state=Grant.State.TERMINATED)), ZERO),
    )
    return Budget(
        currency=contest.currency,
        total=contest.grant_budget,
        committed=live + paid["terminated"],
        paid=paid["all"],
    )


def budgets_of(contests: Iterable[Contest]) -> dict[int, Budget]:
    """The budgets of many contests in two queries (list endpoints stay flat)."""
    contests = list(contests)
    ids = [c.pk for c in contests]
    live = dict(
        Grant.objects.filter(contest__in=ids)
        .exclude(state=Grant.State.TERMINATED)
        .values("contest")
        .annotate(s=Sum("amount"))
        .values_list("contest", "s")
    )
    paid: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in (
        Disbursement.objects.filter(grant__contest__in=ids, state=Disbursement.State.PAID)
        .values("grant__contest")
        .annotate(
            all=Sum("amount"),
            terminated=Coalesce(Sum("amount", filter=Q(grant__state=Grant.State.TERMINATED)), ZERO),
        )
    ):
        paid[row["grant__contest"]] = row
    return {
        c.pk: Budget(
            currency=c.currency,
            total=c.grant_budget,
            committed=(live.get(c.pk) or Decimal(0)) + paid[c.pk].get("terminated", Decimal(0)),
            paid=paid[c.pk].get("all", Decimal(0)),
        )
        for c in contests
    }


def grant_totals(grant: Grant) -> dict[str, Decimal]:
    """Planned (live tranches), paid and not yet planned, for one grant."""
    sums = grant.tranches.aggregate(
        planned=Coalesce(Sum("amount", filter=~Q(state=Disbursement.State.CANCELLED)), ZERO),
        paid=Coalesce(Sum("amount", filter=Q(state=Disbursement.State.PAID)), ZERO),
    )
    return {**sums, "unplanned": grant.amount - sums["planned"]}


# --- overdue reports --------------------------------------------------------------------------


def _today_by_zone() -> dict[str, date]:
    now = clock.now()
    zones = Contest.objects.filter(grants__isnull=False).values_list("time_zone", flat=True).distinct()
    return {zone: clock.local(now, zone).date() for zone in zones}


def with_overdue(reports: QuerySet[GrantReport]) -> QuerySet[GrantReport]:
    """Annotate `is_overdue`: due date past in the contest's time zone and not submitted (due,
    or sent back for changes). One query reads the time zones in use; the rest is SQL."""
    overdue = Q(pk__in=[])
    for zone, today in _today_by_zone().items():
        overdue |= Q(grant__contest__time_zone=zone, due_on__lt=today)
    return reports.annotate(
        is_overdue=Case(
            When(overdue & Q(state__in=GrantReport.OPEN_STATES), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def overdue_reports() -> QuerySet[GrantReport]:
    return with_overdue(GrantReport.objects.filter(grant__state__in=Grant.LIVE_STATES)).filter(
        is_overdue=True
    )


# --- indicators -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorResult:
    """Target against actual for one indicator; actuals count from accepted reports only."""

    indicator_id: int
    name: str
    unit: str
    direction: str
    target: Decimal
    actual: Decimal

    @property
    def achieved(self) -> bool:
        if self.direction == Indicator.Direction.LOWER:
            return self.actual <= self.target
        return self.actual >= self.target

    @property
    def ratio(self) -> Decimal | None:
        """Actual as a share of the target (1 = met), for charts."""
        return (self.actual / self.target).quantize(Decimal("0.001")) if self.target else None


def counted_targets(targets: QuerySet[IndicatorTarget]) -> QuerySet[IndicatorTarget]:
    """The targets a total adds up: a grant's targets per reporting period, or, for an indicator
    the grant has no period targets for, its yearly ones (never both: they count the same work)."""
    has_period_target = IndicatorTarget.objects.filter(
        grant=OuterRef("grant"), indicator=OuterRef("indicator"), year__isnull=True
    )
    return targets.filter(Q(year__isnull=True) | ~Exists(has_period_target))


@dataclass(frozen=True)
class TargetProgress:
    """One target of a grant against the actuals of accepted reports over its period or year."""

    target: IndicatorTarget
    actual: Decimal


def target_progress(grant: Grant) -> list[TargetProgress]:
    """Every target of the grant with what accepted reports achieved: a period target against the
    report of that period, a yearly target against the sum of the accepted reports whose period
    ends in that year. Two queries."""
    by_period: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    by_year: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for indicator_id, period_end, value in IndicatorActual.objects.filter(
        report__grant=grant, report__state=GrantReport.State.ACCEPTED
    ).values_list("indicator_id", "report__period_end", "value"):
        by_period[indicator_id, period_end] += value
        by_year[indicator_id, period_end.year] += value
    return [
        TargetProgress(
            target,
            by_year[target.indicator_id, target.year]
            if target.year is not None
            else by_period[target.indicator_id, target.period_end],
        )
        for target in grant.targets.select_related("indicator").order_by(
            "indicator__order", "year", "period_end"
        )
    ]


def _results(
    targets: Iterable[dict], actuals: Iterable[dict], indicators: dict[int, Indicator]
) -> dict[object, list[IndicatorResult]]:
    sums: dict[object, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(lambda: [Decimal(0)] * 2))
    for row in targets:
        sums[row["key"]][row["indicator"]][0] += row["s"] or 0
    for row in actuals:
        sums[row["key"]][row["indicator"]][1] += row["s"] or 0
    return {
        group: [
            IndicatorResult(
                indicator_id=i.pk,
                name=i.name,
                unit=i.unit,
                direction=i.direction,
                target=per_indicator[i.pk][0],
                actual=per_indicator[i.pk][1],
            )
            for i in indicators.values()
            if i.pk in per_indicator
        ]
        for group, per_indicator in sums.items()
    }


def _indicator_results(grants: QuerySet[Grant], key_path: str | None) -> dict[object, list[IndicatorResult]]:
    """Targets and accepted actuals summed per (group, indicator): three queries whatever the
    number of grants. `key_path` is a grant field to group by (None: everything together)."""
    target_key = F(f"grant__{key_path}") if key_path else Value(0)
    actual_key = F(f"report__grant__{key_path}") if key_path else Value(0)
    targets = list(
        counted_targets(IndicatorTarget.objects.filter(grant__in=grants))
        .values("indicator")
        .annotate(key=target_key, s=Sum("value"))
        .values("key", "indicator", "s")
        .order_by()
    )
    actuals = list(
        IndicatorActual.objects.filter(report__grant__in=grants, report__state=GrantReport.State.ACCEPTED)
        .values("indicator")
        .annotate(key=actual_key, s=Sum("value"))
        .values("key", "indicator", "s")
        .order_by()
    )
    ids = {r["indicator"] for r in (*targets, *actuals)}
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in=ids).order_by("contest", "order", "pk")}
    return _results(targets, actuals, indicators)


def indicator_results_by_grant(grants: QuerySet[Grant]) -> dict[int, list[IndicatorResult]]:
    return _indicator_results(grants, "id")  # type: ignore[return-value]


def indicator_results_by_region(grants: QuerySet[Grant]) -> dict[str, list[IndicatorResult]]:
    """Per region (oblast code) of the grantee organisation."""
    return _indicator_results(grants, "application__organisation__region")  # type: ignore[return-value]


def indicator_results_overall(grants: QuerySet[Grant]) -> list[IndicatorResult]:
    return _indicator_results(grants, None).get(0, [])


def accepted_indicator_results(application_ids: Iterable[int]) -> dict[int, list[IndicatorResult]]:
    """For the depository: per application, its grant's targets against the actuals of its
    accepted reports. Applications without a grant or indicators are absent. Three queries."""
    grants = Grant.objects.filter(application__in=list(application_ids))
    return _indicator_results(grants, "application_id")  # type: ignore[return-value]
