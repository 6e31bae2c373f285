"""A round's scores as CSV and XLSX: one row per submitted review, formulas neutralised, few queries."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from review.exports import scores_csv_response, scores_xlsx_response
from review.models import Review, Round
from tests.review.ranking_data import Spec, build

pytestmark = pytest.mark.django_db

S = Review.State.SUBMITTED
EVIL = '=HYPERLINK("http://evil")'
CRITERIA = [(Decimal("2"), 0, 10), (Decimal("1"), 1, 5)]


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def read_xlsx(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def built():
    built = build(
        Spec(
            criteria=CRITERIA,
            nominations=1,
            applications=2,
            jurors=2,
            reviews=[
                (0, 0, S, {0: 8, 1: 5}),
                (1, 0, S, {0: 4}),
                (0, 1, Review.State.IN_PROGRESS, {0: 1, 1: 1}),
            ],
        )
    )
    application = built.applications[0]
    application.title = EVIL
    application.save(update_fields=["title"])
    review = built.reviews[0, 0]
    Review.objects.filter(pk=review.pk).update(
        overall_comment="-1 бал за бюджет", submitted_at=datetime(2027, 3, 1, 10, 30, tzinfo=UTC)
    )
    user = built.jurors[0].user
    user.full_name = "@Оксана Суддя"
    user.save(update_fields=["full_name"])
    return built


def test_csv_has_a_row_per_submitted_review(built):
    header, *rows = read_csv(scores_csv_response(built.round))
    assert header == [
        "Registration number",
        "Project title",
        "Organisation",
        "Nomination",
        "Juror",
        "Juror's e-mail",
        "Review state",
        "Submitted (Europe/Kyiv)",
        "Total (0–100)",
        "Критерій 0 (0–10)",
        "Критерій 1 (1–5)",
        "Overall comment",
    ]
    assert len(rows) == 2  # the review in progress is not exported
    first, second = rows
    application = built.applications[0]
    assert first[0] == application.number
    assert first[1] == "'" + EVIL  # neutralised
    assert first[2] == application.organisation.name
    assert first[3] == application.nomination.title
    assert first[4] == "'@Оксана Суддя"
    assert first[5] == built.jurors[0].user.email
    assert first[6] == "Submitted"
    assert first[7] == "2027-03-01 12:30"  # Kyiv time
    assert first[8] == "86.6667"  # (2·0.8 + 1·1) / 3
    assert first[9:11] == ["8", "5"]
    assert first[11] == "'-1 бал за бюджет"
    assert second[8] == "40.0000" and second[9:11] == ["4", ""]


def test_csv_in_ukrainian(built):
    with translation.override("uk"):
        header, *_rows = read_csv(scores_csv_response(built.round))
    assert header[0] != "Registration number"


def test_xlsx_has_the_same_rows(built):
    response = scores_xlsx_response(built.round)
    assert response["Content-Disposition"].endswith('.xlsx"')
    header, first, second = read_xlsx(response)
    assert header[8] == "Total (0–100)"
    assert first[1] == "'" + EVIL
    assert first[4] == "'@Оксана Суддя"
    assert first[7] == datetime(2027, 3, 1, 12, 30)
    assert first[8] == pytest.approx(86.6667)
    assert first[9:11] == (8, 5)
    assert second[9:11] == (4, None)


def _export_queries(reviews: int, count_queries) -> tuple[int, int]:
    built = build(
        Spec(
            criteria=CRITERIA,
            nominations=1,
            applications=reviews,
            jurors=1,
            reviews=[(0, a, S, {0: a % 11, 1: 3}) for a in range(reviews)],
        )
    )
    round_ = Round.objects.get(pk=built.round.pk)
    csv_queries = count_queries(lambda: read_csv(scores_csv_response(round_)))
    round_ = Round.objects.get(pk=built.round.pk)
    xlsx_queries = count_queries(lambda: read_xlsx(scores_xlsx_response(round_)))
    return csv_queries, xlsx_queries


def test_export_queries_do_not_grow_with_reviews(count_queries):
    assert _export_queries(1, count_queries) == _export_queries(30, count_queries)
