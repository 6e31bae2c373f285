"""The verifiable results: an anonymised score matrix published with the announcement.

The file holds everything the ranking is computed from — applications (by registration number),
anonymous jurors, criteria with weights and scales, every counted score, the aggregation method
and its parameters — and the ranking as published. `verification.py` recomputes the ranking from
the file alone with `review.reference`'s plain-Python maths (`manage.py verify_results FILE`).
"""

import hashlib
import json
from typing import Any

from django.core.files.base import ContentFile

from awards.models import Decision, PublishedResults
from contests.models import Contest, Criterion
from core import clock
from review import reference, uncertainty
from review.models import Round
from review.ranking import Ranking
from review.selectors import round_criteria

FORMAT = "konkurs.results/1"


def score_matrix(
    contest: Contest, round_: Round, ranking: Ranking, winners: list[Decision]
) -> dict[str, Any]:
    """The published document. Ids are renumbered 1…n (in the order of the database's ids, so
    every tie-break by id falls the same way) and carry no internal identifiers."""
    data = reference.load(round_)
    in_round = list(round_criteria(round_))
    counted = {c.pk for c in in_round}
    tie_break = contest.tie_break_criterion
    every: list[Criterion] = sorted(
        [*in_round, *([tie_break] if tie_break and tie_break.pk not in counted else [])], key=lambda c: c.pk
    )
    criterion_ids = {c.pk: n for n, c in enumerate(every, start=1)}
    applications = sorted(data.applications, key=lambda a: a.id)
    application_ids = {a.id: n for n, a in enumerate(applications, start=1)}
    nomination_pks = sorted(
        {a.nomination_id for a in applications} | {c.nomination_id for c in every} - {None}
    )
    nominations = contest.nominations.in_bulk(nomination_pks)
    nomination_ids = {pk: n for n, pk in enumerate(nomination_pks, start=1)}
    juror_ids = {pk: n for n, pk in enumerate(sorted({r.juror_id for r in data.reviews}), start=1)}
    reviews = sorted(data.reviews, key=lambda r: (juror_ids[r.juror_id], application_ids[r.application_id]))
    return {
        "format": FORMAT,
        "contest": {"title": contest.title, "time_zone": contest.time_zone},
        "round": {"number": round_.number, "title": round_.title},
        "aggregation": {
            "method": ranking.method,
            "trim_share": str(round_.trim_share),
            "tie_break_criterion": criterion_ids.get(contest.tie_break_criterion_id),
            "display_scale": list(ranking.scale),
            "ties": "equal scores (to 9 decimals) → higher mean of the tie-break criterion → earlier "
            "submission → registration number → id",
        },
        "nominations": [
            {
                "id": nomination_ids[pk],
                "title": nominations[pk].title,
                "max_winners": nominations[pk].max_winners,
            }
            for pk in nomination_pks
        ],
        "max_winners": contest.max_winners,
        "criteria": [
            {
                "id": criterion_ids[c.pk],
                "title": c.title,
                "weight": str(c.weight),
                "scale_min": c.scale_min,
                "scale_max": c.scale_max,
                "nomination": nomination_ids.get(c.nomination_id),
                "counted": c.pk in counted,
            }
            for c in every
        ],
        "applications": [
            {
                "id": application_ids[a.id],
                "number": a.number,
                "nomination": nomination_ids[a.nomination_id],
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
            }
            for a in applications
        ],
        "jurors": [f"J{n}" for n in sorted(juror_ids.values())],
        "scores": [
            {
                "juror": f"J{juror_ids[r.juror_id]}",
                "application": application_ids[r.application_id],
                "criteria": {
                    str(criterion_ids[c]): v for c, v in sorted(r.scores.items()) if c in criterion_ids
                },
            }
            for r in reviews
        ],
        "ranking": [
            {
                "application": application_ids[row.application_id],
                "position": row.position,
                "position_in_nomination": row.position_in_nomination,
                "reviews": row.reviews,
                "score": row.score,
            }
            for row in ranking.rows
        ],
        # The chances of winning, reproducible from this file (`verify_results`): the bootstrap's
        # seed, number of draws and generator with the figures it gave.
        "uncertainty": uncertainty.as_document(
            uncertainty.ready_or_compute(round_, ranking.method), application_ids
        ),
        "winners": [
            {
                "application": application_ids[d.application_id],
                "nomination": nomination_ids[d.nomination_id],
                "place": d.place,
            }
            for d in winners
            if d.application_id in application_ids
        ],
    }


def encode(document: dict[str, Any]) -> bytes:
    # Stable bytes: the checksum of the same results is the same whenever they are encoded.
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def publish(contest: Contest, round_: Round, ranking: Ranking, winners: list[Decision]) -> PublishedResults:
    content = encode(score_matrix(contest, round_, ranking, winners))
    published = PublishedResults(
        contest=contest,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        published_at=clock.now(),
    )
    published.file.save("results.json", ContentFile(content), save=False)
    published.save()
    return published
