"""Extension point: what a grant achieved, shown on a case.

When the grants app lands (DESIGN.md: the depository may read grants' indicator results), this
reads the accepted grantee reports of the practices' applications, in one query for all of them,
and returns their indicator results. Until then there are none: nothing is invented here.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from depository.models import Practice


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator of a grant: the target and what the accepted report says was reached."""

    title: str
    unit: str
    target: Decimal | None
    achieved: Decimal | None
    period: str


def indicator_results(practices: Iterable[Practice]) -> dict[int, list[IndicatorResult]]:
    """Results by practice pk; a practice without a grant (or without reports) is absent."""
    return {}
