"""What a grant achieved, shown on a case (DESIGN.md: the depository may read grants' indicator results).

The results come from grants.selectors.accepted_indicator_results — targets of every period against
the actuals of accepted reports — for all the practices at once, plus one query for the grants'
periods. A grant shows nothing until one of its reports is accepted: before that the "achieved"
figures would be zeros nobody has checked.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from depository.models import Practice
from grants.models import Grant, GrantReport
from grants.selectors import accepted_indicator_results


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator of a grant: the target and what the accepted reports say was reached."""

    title: str
    unit: str
    target: Decimal | None
    achieved: Decimal | None
    period: str


def indicator_results(practices: Iterable[Practice]) -> dict[int, list[IndicatorResult]]:
    """Results by practice pk; a practice without a grant (or without accepted reports) is absent."""
    practices = list(practices)
    application_ids = [practice.application_id for practice in practices]
    if not application_ids:
        return {}
    periods = {
        application_id: f"{starts:%d.%m.%Y} – {ends:%d.%m.%Y}"
        for application_id, starts, ends in Grant.objects.filter(application__in=application_ids)
        .annotate(accepted=Count("reports", filter=Q(reports__state=GrantReport.State.ACCEPTED)))
        .filter(accepted__gt=0)
        .values_list("application_id", "starts_on", "ends_on")
    }
    if not periods:
        return {}
    results = accepted_indicator_results(periods)
    return {
        practice.pk: [
            IndicatorResult(
                title=result.name,
                unit=result.unit,
                target=result.target,
                achieved=result.actual,
                period=periods[practice.application_id],
            )
            for result in results[practice.application_id]
        ]
        for practice in practices
        if practice.application_id in periods and results.get(practice.application_id)
    }
