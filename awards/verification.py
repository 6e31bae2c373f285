"""Recompute a published ranking from its score matrix alone, with `review.reference`'s maths.

No database is read: everything comes from the file, so anyone holding it can check the jury's
arithmetic (and the organisers cannot quietly change it afterwards without changing the file's
published checksum).
"""

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from awards.results import FORMAT
from review import reference, uncertainty


class MatrixError(ValueError):
    """The file is not a score matrix this version can read."""


@dataclass(frozen=True)
class Outcome:
    ok: bool
    applications: int
    scores: int
    method: str
    difference: str = ""
    chances: dict | None = None  # the reproduced bootstrap's seed and draws, when the file has them


def round_data(document: dict[str, Any]) -> reference.RoundData:
    """The file as the reference's input; refuses what it cannot read."""
    if document.get("format") != FORMAT:
        raise MatrixError(
            f"Not a Konkurs score matrix (format {document.get('format')!r}, expected {FORMAT})."
        )
    try:
        aggregation = document["aggregation"]
        criteria = [
            reference.Criterion(
                int(c["id"]), float(Decimal(c["weight"])), int(c["scale_min"]), int(c["scale_max"])
            )
            for c in document["criteria"]
        ]
        counted = [c for c, raw in zip(criteria, document["criteria"], strict=True) if raw["counted"]]
        applications = [
            reference.Application(
                int(a["id"]),
                int(a["nomination"]),
                datetime.fromisoformat(a["submitted_at"]) if a["submitted_at"] else None,
                a["number"],
            )
            for a in document["applications"]
        ]
        jurors = {label: n for n, label in enumerate(document["jurors"], start=1)}
        reviews = [
            reference.ReviewData(
                n,
                jurors[s["juror"]],
                int(s["application"]),
                {int(c): int(v) for c, v in s["criteria"].items()},
            )
            for n, s in enumerate(document["scores"], start=1)
        ]
        return reference.RoundData(
            round_id=0,
            method=aggregation["method"],
            trim_share=Decimal(aggregation["trim_share"]),
            tie_break_criterion_id=aggregation["tie_break_criterion"],
            criteria=counted,
            applications=applications,
            reviews=reviews,
        )
    except (KeyError, TypeError, ValueError, InvalidOperation) as error:
        raise MatrixError(_("The file is incomplete or malformed: %(error)r") % {"error": error}) from error


def _scale_problem(data: reference.RoundData, document: dict[str, Any]) -> str:
    scales = {int(c["id"]): (int(c["scale_min"]), int(c["scale_max"])) for c in document["criteria"]}
    numbers = {a.id: a.number for a in data.applications}
    for review in data.reviews:
        if review.application_id not in numbers:
            return _("A score refers to application %(id)s, which the file does not list.") % {
                "id": review.application_id
            }
        for criterion, value in review.scores.items():
            low, high = scales.get(criterion, (None, None))
            if low is None or not low <= value <= high:
                return _(
                    "Application %(number)s: juror J%(juror)s's score %(value)s for criterion %(criterion)s "
                    "is outside its scale."
                ) % {
                    "number": numbers[review.application_id],
                    "juror": review.juror_id,
                    "value": value,
                    "criterion": criterion,
                }
    return ""


def _same(published: float | None, recomputed: float | None) -> bool:
    if published is None or recomputed is None:
        return published is None and recomputed is None
    return math.isclose(published, recomputed, rel_tol=1e-9, abs_tol=1e-9)


def _first_difference(published: list[dict], recomputed: list, numbers: dict[int, str]) -> str:
    if len(published) != len(recomputed):
        return _("The file ranks %(published)s applications; the scores give %(recomputed)s.") % {
            "published": len(published),
            "recomputed": len(recomputed),
        }
    for row, mine in zip(published, recomputed, strict=True):
        number = numbers[mine.application_id]
        if int(row["application"]) != mine.application_id:
            return _(
                "Position %(position)s: the file has application %(published)s, the scores give %(mine)s."
            ) % {
                "position": mine.position,
                "published": numbers.get(int(row["application"]), row["application"]),
                "mine": number,
            }
        for name in ("position", "position_in_nomination", "reviews", "score"):
            value, expected = row[name], getattr(mine, name)
            same = _same(value, expected) if name == "score" else int(value) == expected
            if not same:
                return _(
                    "Application %(number)s: %(name)s is %(published)s in the file, %(mine)s from the scores."
                ) % {
                    "number": number,
                    "name": name,
                    "published": value,
                    "mine": expected,
                }
    return ""


def _uncertainty_difference(document: dict[str, Any], data: reference.RoundData) -> str:
    """Recompute the chances of winning with the file's seed and number of draws; the first
    figure that differs. Files published before the chances were added have none to check."""
    published = document.get("uncertainty")
    if not published:
        return ""
    try:
        limits = uncertainty.Limits(
            int(document["max_winners"]),
            {int(n["id"]): int(n["max_winners"]) for n in document["nominations"]},
        )
        mine = uncertainty.estimate(
            data,
            limits,
            seed=int(published["seed"]),
            replicates=int(published["replicates"]),
            method=published["method"],
        )
        rows = published["rows"]
    except (KeyError, TypeError, ValueError) as error:
        raise MatrixError(_("The file is incomplete or malformed: %(error)r") % {"error": error}) from error
    numbers = {a.id: a.number for a in data.applications}
    if len(rows) != len(mine.rows):
        return _("The file gives chances for %(published)s applications; the scores give %(recomputed)s.") % {
            "published": len(rows),
            "recomputed": len(mine.rows),
        }
    for row, estimate in zip(rows, mine.rows, strict=True):
        for name, expected in (
            ("application", estimate.application_id),
            ("probability", estimate.probability),
            ("low", estimate.low),
            ("high", estimate.high),
            ("rank_low", estimate.rank_low),
            ("rank_high", estimate.rank_high),
        ):
            if not _same(row[name], expected):
                return _(
                    "Application %(number)s: its chance of winning (%(name)s) is %(published)s in the file, "
                    "%(mine)s from the scores."
                ) % {
                    "number": numbers.get(estimate.application_id, estimate.application_id),
                    "name": name,
                    "published": row[name],
                    "mine": expected,
                }
    return ""


def verify(document: dict[str, Any]) -> Outcome:
    """Does the published ranking follow from the published scores? The first difference if not."""
    data = round_data(document)
    if data.method not in reference.METHODS:
        raise MatrixError(_("Unknown aggregation method %(method)r.") % {"method": data.method})
    outcome = {"applications": len(data.applications), "scores": len(data.reviews), "method": data.method}
    difference = _scale_problem(data, document)
    if not difference:
        numbers = {a.id: a.number for a in data.applications}
        difference = _first_difference(document.get("ranking") or [], reference.rank(data).rows, numbers)
    if not difference:
        difference = _uncertainty_difference(document, data)
    published = document.get("uncertainty") or None
    chances = {"seed": published["seed"], "replicates": published["replicates"]} if published else None
    return Outcome(not difference, difference=difference, chances=chances, **outcome)
