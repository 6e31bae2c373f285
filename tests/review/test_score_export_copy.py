"""On PostgreSQL the score CSV is written by PostgreSQL's COPY (review.exports.copy_select): byte
for byte what the Python writer makes of the same round, however awkward its data."""

import math
import random
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import translation

from accounts.models import Organisation
from contests.models import Nomination
from core.exports import csv_sheet_response
from core.pg_copy import copy_csv
from review.exports import COPY_TEXTS, TOTAL_PLACES, TOTAL_TEXT, ScoresTable, scores_csv_response
from review.models import Review
from tests.review.ranking_data import Spec, build

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

S = Review.State.SUBMITTED
# Criteria on other scales, so the display scale is 0–100: a review scoring 1 or 3 on the first
# only totals 0.78125 or 2.34375, exact halves at the 5th decimal (half to even: 0.7812, 2.3438);
# weight 0.33 on the third adds float noise.
CRITERIA = [(Decimal("1"), 0, 128), (Decimal("2.25"), 0, 10), (Decimal("0.33"), -5, 5)]
TEXTS = [
    "=1+1",
    "+",
    "-",
    "@",
    "\tтабуляція",
    "\rповернення",
    'лапки "так", кома',
    "рядок\nдругий",
    "рядок\r\nдругий",
    "Київ — «Світанок» ʼ😀",
    "",
    "'вже з апострофом",
    " =пробіл спочатку",
    '"',
    ",",
]


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: run it with DATABASE_URL set.")


@pytest.fixture
def awkward(postgres):
    reviews = [
        (0, 0, S, {0: 1}),  # 0.78125
        (1, 0, S, {0: 3}),  # 2.34375
        (2, 0, S, {}),  # no criterion scored: no total
        (0, 1, S, {1: 4}),
        (1, 1, S, {0: 128, 2: -5}),
        (2, 1, S, {0: 77, 1: 0, 2: 3}),
        (3, 1, S, {2: 5}),
        (0, 2, S, {0: 0, 2: -5}),
        (2, 2, S, {0: 19, 2: 1}),
        (3, 2, S, {0: 64, 1: 10, 2: 0}),
        (1, 2, Review.State.IN_PROGRESS, {0: 5}),  # not exported
    ]
    built = build(Spec(criteria=CRITERIA, nominations=2, applications=3, jurors=4, reviews=reviews))
    contest = built.round.contest
    contest.time_zone = "Asia/Kathmandu"  # +05:45
    contest.save(update_fields=["time_zone"])
    for application, number, title, organisation in zip(
        built.applications, ["=K-1", "+380 K-2", ""], TEXTS[::-1], TEXTS[3:], strict=False
    ):
        application.title, application.number = title, number
        application.save(update_fields=["title", "number"])
        Organisation.objects.filter(pk=application.organisation_id).update(name=organisation)
    Nomination.objects.filter(contest=contest).update(title='-номінація, "перша"')
    for n, juror in enumerate(built.jurors):
        juror.user.full_name = TEXTS[10 + n]
        juror.user.email = f"{TEXTS[n][:3]}juror{juror.pk}@example.org"
        juror.user.save(update_fields=["full_name", "email"])
    moments = [
        datetime(2027, 3, 28, 0, 30, tzinfo=UTC),
        datetime(2027, 10, 31, 23, 59, 59, tzinfo=UTC),
        datetime(1999, 12, 31, 18, 15, tzinfo=UTC),
        None,  # submitted, but no moment recorded
    ]
    for n, review in enumerate(built.reviews.values()):
        Review.objects.filter(pk=review.pk).update(
            overall_comment=TEXTS[n % len(TEXTS)], submitted_at=moments[n % len(moments)]
        )
    return built


def python_bytes(round_) -> bytes:
    """The Python writer's CSV of the round, called explicitly (on PostgreSQL too)."""
    return b"".join(
        chunk if isinstance(chunk, bytes) else chunk.encode()
        for chunk in csv_sheet_response(ScoresTable.of(round_), "scores.csv").streaming_content
    )


def copied_bytes(round_, monkeypatch) -> bytes:
    def no_python_rows(self):
        raise AssertionError("the score CSV on PostgreSQL reads no rows in Python")

    with monkeypatch.context() as patch:
        patch.setattr(ScoresTable, "batches", no_python_rows)
        response = scores_csv_response(round_)
        body = b"".join(response.streaming_content)
    return body


@pytest.mark.parametrize("language", ["en", "uk"])
def test_copy_writes_the_python_writers_bytes(awkward, monkeypatch, language):
    with translation.override(language):
        copied, python = copied_bytes(awkward.round, monkeypatch), python_bytes(awkward.round)
    assert copied == python
    text = python.decode()
    assert text.startswith("\ufeff")
    assert text.count("\r\n") == 1 + 10 + 1  # header, 10 rows, one comment with CRLF inside
    for cell in ['"\'=1+1"', '"\'+"', '"\'-"', '"\'@"', '"\'\tтабуляція"', '"\'\rповернення"', '""""']:
        assert cell in text
    assert '"лапки ""так"", кома"' in text and '"рядок\nдругий"' in text and '","' in text
    assert ",0.7812,1,,," in text and ",2.3438,3,,," in text  # the halves, to even
    assert "1999-12-31 23:60" not in text and "2000-01-01 00:00" in text  # +05:45


def test_copy_streams_in_chunks_over_many_rows(postgres, monkeypatch):
    jurors = 6
    spec = Spec(
        criteria=CRITERIA,
        nominations=1,
        applications=400,
        jurors=jurors,
        reviews=[
            (j, a, S, {0: (a * 7 + j) % 129, 2: (a + j) % 11 - 5}) for a in range(400) for j in range(3)
        ],
    )
    built = build(spec)
    monkeypatch.setattr("core.pg_copy.CHUNK_BYTES", 4096)
    response = scores_csv_response(built.round)
    chunks = list(response.streaming_content)

    assert len(chunks) > 5
    assert all(chunk.endswith(b"\r\n") for chunk in chunks)
    assert b"".join(chunks) == python_bytes(built.round)


def test_the_sql_rounding_is_pythons_quantize(postgres):
    """TOTAL_TEXT against Decimal(float).quantize (half to even on the float's exact value) for
    random floats, exact halves, and the floats either side of halves."""
    rng = random.Random(19)
    xs = [
        0.0,
        1e-16,
        -1e-16,
        -0.00005,
        math.nextafter(-0.00005, 0),
        -0.00015,
        0.00005,
        0.00015,
        99999.99995,
        123456.78905,
        -3.00005,
        1e12 + 0.5,
    ]
    xs += [rng.uniform(-100, 100) for _ in range(2000)]
    for _ in range(2000):
        half = (rng.randrange(-2_000_000, 2_000_000) + 0.5) / 10000
        xs += [half, math.nextafter(half, math.inf), math.nextafter(half, -math.inf)]
    xs += [k / 128 for k in range(-2000, 2000)] + [k / 32 for k in range(-500, 500)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.x, {TOTAL_TEXT} FROM unnest(%s::float8[]) AS s(x)",
            [xs],
        )
        rows = cursor.fetchall()
    assert len(rows) == len(xs)
    wrong = [(x, got) for x, got in rows if got != format(Decimal(x).quantize(TOTAL_PLACES), "f")]
    assert wrong == []
    assert ("-1e-16", "-0.0000") in [(repr(x), got) for x, got in rows]


def test_a_copy_stopped_early_leaves_the_connection_as_it_was(postgres, monkeypatch):
    """A client that stops reading: closing the generator ends the COPY (psycopg cancels it) and
    rolls back its savepoint, and the connection runs the next query, JIT setting restored."""
    spec = Spec(
        criteria=CRITERIA,
        nominations=1,
        applications=300,
        jurors=2,
        reviews=[(j, a, S, {0: a % 129}) for a in range(300) for j in range(2)],
    )
    built = build(spec)
    monkeypatch.setattr("core.pg_copy.CHUNK_BYTES", 1024)
    with connection.cursor() as cursor:
        cursor.execute("SET jit = on")
    sql, params = ScoresTable.of(built.round).copy_select()
    content = copy_csv(sql, params, force_quote=COPY_TEXTS)  # as the response streams it
    assert next(content).endswith(b"\r\n") and next(content).endswith(b"\r\n")
    content.close()  # what the response's close() does to it
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), count(*) FROM review_review")
        assert cursor.fetchone() == ("on", 600)
