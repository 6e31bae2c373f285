"""The ranking's maths in plain Python, written for clarity rather than speed.

`ranking.py` computes the same in one SQL statement; the tests hold the two equal on PostgreSQL
and SQLite, and the benchmark times both. Inputs are plain data (`RoundData`), so the maths can be
read and checked without a database; `load()` reads a round into that shape.
"""

import bisect
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from review.models import Review, Round, Score
from review.ranking import (
    CONTESTED_MIN_RANGE,
    CONTESTED_TOP_SHARE,
    METHODS,
    NOISE,
    TIE_DECIMALS,
    RankedRow,
    Ranking,
    display_scale,
)
from review.selectors import round_applications, round_criteria


@dataclass(frozen=True)
class Criterion:
    id: int
    weight: float
    scale_min: int
    scale_max: int


@dataclass(frozen=True)
class Application:
    id: int
    nomination_id: int
    submitted_at: datetime | None
    number: str


@dataclass(frozen=True)
class ReviewData:
    id: int
    juror_id: int
    application_id: int
    scores: dict[int, int]  # criterion id → raw score; criteria outside the round may appear


@dataclass(frozen=True)
class RoundData:
    round_id: int
    method: str
    trim_share: Decimal
    tie_break_criterion_id: int | None
    criteria: list[Criterion]
    applications: list[Application]
    reviews: list[ReviewData]  # the submitted reviews of the round's applications


def load(round_: Round) -> RoundData:
    """The round's criteria, applications and submitted reviews, read plainly through the ORM."""
    criteria = [Criterion(c.pk, float(c.weight), c.scale_min, c.scale_max) for c in round_criteria(round_)]
    applications = [
        Application(*values)
        for values in round_applications(round_).values_list("id", "nomination_id", "submitted_at", "number")
    ]
    reviews = Review.objects.filter(
        round=round_, state=Review.State.SUBMITTED, application__in=[a.id for a in applications]
    ).values_list("id", "juror_id", "application_id")
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    for review_id, criterion_id, value in Score.objects.filter(
        review__round=round_, review__state=Review.State.SUBMITTED
    ).values_list("review_id", "criterion_id", "value"):
        scores[review_id][criterion_id] = value
    return RoundData(
        round_id=round_.pk,
        method=round_.method,
        trim_share=Decimal(round_.trim_share),
        tie_break_criterion_id=round_.contest.tie_break_criterion_id,
        criteria=criteria,
        applications=applications,
        reviews=[ReviewData(pk, juror, application, scores[pk]) for pk, juror, application in reviews],
    )


def review_total(
    scores: dict[int, int], criteria: dict[int, Criterion], scale: tuple[float, float]
) -> float | None:
    weighted = [
        (criteria[c].weight, (v - criteria[c].scale_min) / (criteria[c].scale_max - criteria[c].scale_min))
        for c, v in scores.items()
        if c in criteria
    ]
    if not weighted:
        return None
    fraction = sum(w * x for w, x in weighted) / sum(w for w, _ in weighted)
    return scale[0] + (scale[1] - scale[0]) * fraction


def trimmed_mean(values: list[float], trim_share: Decimal) -> float:
    ordered = sorted(values)
    cut = math.floor(len(ordered) * trim_share)
    return statistics.fmean(ordered[cut : len(ordered) - cut])


def krippendorff_alpha(units: list[list[float]], width: float) -> float | None:
    """Interval alpha = 1 − D_o/D_e; D_o from the pairs within each unit, D_e from all pairs of
    pairable values (their sum of squared differences is 2·n²·variance)."""
    units = [u for u in units if len(u) >= 2]
    values = [x for u in units for x in u]
    n = len(values)
    if n < 2:
        return None
    variance = statistics.pvariance(values)
    if variance <= (NOISE * width) ** 2:
        return None
    observed = sum(sum((x - y) ** 2 for x in u for y in u) / (len(u) - 1) for u in units) / n
    expected = 2 * n * n * variance / (n * (n - 1))
    return 1 - observed / expected


def rank(data: RoundData, *, method: str | None = None, nomination_id: int | None = None) -> Ranking:
    method = method or data.method
    if method not in METHODS:
        raise ValueError(method)
    criteria = {c.id: c for c in data.criteria}
    scale = display_scale(data.criteria)
    width = scale[1] - scale[0]
    counted = []  # (review, total)
    for review in data.reviews:
        total = review_total(review.scores, criteria, scale)
        if total is not None:
            counted.append((review, total))

    by_juror: dict[int, list[float]] = defaultdict(list)
    for review, total in counted:
        by_juror[review.juror_id].append(total)
    everyone = [total for _, total in counted]
    pooled_mean = statistics.fmean(everyone) if everyone else None
    pooled_sd = statistics.pstdev(everyone) if everyone else None

    # Each juror's mean and spread; None when the juror carries no information about the order.
    juror_stats: dict[int, tuple[float, float] | None] = {}
    for juror_id, own in by_juror.items():
        sd = statistics.pstdev(own)
        juror_stats[juror_id] = (statistics.fmean(own), sd) if len(own) >= 2 and sd > NOISE * width else None

    def calibrated(juror_id: int, total: float) -> float | None:
        if juror_stats[juror_id] is None:
            return None
        mean, sd = juror_stats[juror_id]
        return pooled_mean + pooled_sd * (total - mean) / sd

    totals: dict[int, list[float]] = defaultdict(list)
    calibrations: dict[int, list[float]] = defaultdict(list)
    for review, total in counted:
        totals[review.application_id].append(total)
        value = calibrated(review.juror_id, total)
        if value is not None:
            calibrations[review.application_id].append(value)

    tie_values: dict[int, list[int]] = defaultdict(list)
    for review in data.reviews:
        if data.tie_break_criterion_id in review.scores:
            tie_values[review.application_id].append(review.scores[data.tie_break_criterion_id])

    stats = {}
    for application in data.applications:
        own = totals.get(application.id, [])
        cal = calibrations.get(application.id, [])
        values = {
            "reviews": len(own),
            "mean": statistics.fmean(own) if own else None,
            "median": statistics.median(own) if own else None,
            "trimmed": trimmed_mean(own, data.trim_share) if own else None,
            "calibrated": statistics.fmean(cal) if cal else None,
            "spread": statistics.pstdev(own) if own else None,
            "low": min(own, default=None),
            "high": max(own, default=None),
        }
        values["score"] = values[method]
        stats[application.id] = values

    def key(application: Application) -> tuple:
        score = stats[application.id]["score"]
        ties = tie_values.get(application.id)
        tie = statistics.fmean(ties) if ties else None
        return (
            score is None,
            -round(score, TIE_DECIMALS) if score is not None else 0,
            tie is None,
            -tie if tie is not None else 0,
            application.submitted_at is None,
            application.submitted_at or datetime.min,
            application.number,
            application.id,
        )

    ordered = sorted(data.applications, key=key)
    within: dict[int, int] = defaultdict(int)
    spreads = sorted(round(s["spread"], TIE_DECIMALS) for s in stats.values() if s["reviews"] >= 2)
    rows = []
    for position, application in enumerate(ordered, start=1):
        within[application.nomination_id] += 1
        s = stats[application.id]
        contested = False
        if s["reviews"] >= 2:
            wider = len(spreads) - bisect.bisect_right(spreads, round(s["spread"], TIE_DECIMALS))
            contested = (
                wider < CONTESTED_TOP_SHARE * len(spreads)
                and s["high"] - s["low"] >= (CONTESTED_MIN_RANGE - NOISE) * width
            )
        if nomination_id is not None and application.nomination_id != nomination_id:
            continue
        rows.append(
            RankedRow(
                application_id=application.id,
                nomination_id=application.nomination_id,
                position=position,
                position_in_nomination=within[application.nomination_id],
                reviews=s["reviews"],
                mean=s["mean"],
                median=s["median"],
                trimmed=s["trimmed"],
                calibrated=s["calibrated"],
                score=s["score"],
                spread=s["spread"],
                low=s["low"],
                high=s["high"],
                contested=contested,
            )
        )
    return Ranking(
        round_id=data.round_id,
        method=method,
        parameters={},
        scale=scale,
        rows=rows,
        agreement=krippendorff_alpha(list(totals.values()), width),
        reviews=len(counted),
    )
