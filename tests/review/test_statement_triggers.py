"""The conflict and scale guards check a whole INSERT at once on PostgreSQL (migration 0008,
issue 19 point 4): one bulk INSERT … SELECT (the way `auto_assign` and
`record_automatic_conflicts` write) with one offending row among many is refused as a whole,
with the message of the old row triggers; a clean one passes; single-row writes and updates are
refused as before."""

import pytest
from django.db import IntegrityError, connection, transaction

from applications.models import Application
from core.bulk import insert_rows
from review.models import Conflict, OrganisationConflict, Review, Score
from tests.review.factories import ApplicationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

EXTRA = 30  # applications beyond the jury's 6: 36 × 4 jurors = 144 pairs in one statement


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: run it with DATABASE_URL set (CI's PostgreSQL pass).")


@pytest.fixture
def many(jury):
    """The jury's applications and 30 more, every juror on each."""
    extra = [ApplicationFactory(contest=jury.contest, nomination=jury.a) for _ in range(EXTRA)]
    applications = [*jury.applications, *extra]
    conflicted = set(
        Conflict.objects.filter(juror__contest=jury.contest).values_list("juror_id", "application_id")
    )
    assert conflicted, "the fixture records a conflict (juror 0 works for application 0's library)"
    clean = [
        (juror.pk, application.pk)
        for application in applications
        for juror in jury.jurors
        if (juror.pk, application.pk) not in conflicted
    ]
    return clean, sorted(conflicted)


def write_reviews(jury, pairs, **same):
    return insert_rows(
        Review, pairs, columns=["juror_id", "application_id"], same={"round": jury.round, **same}
    )


def triggers(table: str, *prefixes: str) -> dict[str, str]:
    """Trigger name → 'row' or 'statement' for the table's triggers named after the guards."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgtype FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table]
        )
        return {
            name: "row" if tgtype & 1 else "statement"
            for name, tgtype in cursor.fetchall()
            if name.startswith(prefixes)
        }


def test_inserts_are_checked_per_statement_and_updates_per_row():
    assert triggers("review_review", "review_no_") == {
        "review_no_conflict": "row",
        "review_no_organisation_conflict": "row",
        "review_no_conflict_insert": "statement",
        "review_no_organisation_conflict_insert": "statement",
    }
    assert triggers("review_conflict", "conflict_no_live_review") == {
        "conflict_no_live_review": "row",
        "conflict_no_live_review_insert": "statement",
    }
    assert triggers("review_score", "score_within_scale") == {
        "score_within_scale": "row",
        "score_within_scale_insert": "statement",
    }
    # The row triggers fire on UPDATE only (tgtype & 4: INSERT, & 16: UPDATE).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s) AND (tgtype & 4 = 4 OR tgtype & 16 = 0)",
            [
                [
                    "review_no_conflict",
                    "review_no_organisation_conflict",
                    "conflict_no_live_review",
                    "score_within_scale",
                ]
            ],
        )
        assert not cursor.fetchall()


def test_a_clean_bulk_insert_passes(jury, many):
    clean, _conflicted = many
    before = Review.objects.count()
    assert write_reviews(jury, clean) == len(clean) > 100
    assert Review.objects.count() == before + len(clean)


def test_one_conflicted_pair_refuses_the_whole_bulk_insert(jury, many):
    clean, conflicted = many
    juror, application = conflicted[0]
    before = Review.objects.count()
    rows = [*clean[:70], (juror, application), *clean[70:]]
    message = f"review_no_conflict: juror {juror} has a conflict of interest with application {application}"
    with pytest.raises(IntegrityError, match=message), transaction.atomic():
        write_reviews(jury, rows)
    assert Review.objects.count() == before
    # Not live: a declined review of a conflicted pair is allowed, in bulk too.
    assert write_reviews(jury, rows, state=Review.State.DECLINED) == len(rows)


def test_one_row_the_organisation_declaration_covers_refuses_the_whole_bulk_insert(jury, many):
    clean, _conflicted = many
    juror, application = jury.jurors[1], jury.applications[5]
    OrganisationConflict.objects.create(
        juror=juror, organisation=application.organisation, note="Консультувала."
    )
    covered = {
        (juror.pk, pk)
        for pk in Application.objects.filter(organisation=application.organisation).values_list(
            "pk", flat=True
        )
    }
    rows = [pair for pair in clean if pair not in covered]
    first = next(pair for pair in clean if pair in covered)
    before = Review.objects.count()
    message = (
        f"review_no_organisation_conflict: juror {first[0]} declared a conflict with the organisation"
        " of application \\d+"
    )
    with pytest.raises(IntegrityError, match=message), transaction.atomic():
        write_reviews(jury, [*rows, first])
    assert Review.objects.count() == before
    assert write_reviews(jury, rows) == len(rows)


def test_single_row_writes_and_updates_are_refused_with_the_same_messages(jury, many):
    _clean, conflicted = many
    juror, application = conflicted[0]
    message = f"review_no_conflict: juror {juror} has a conflict of interest with application {application}"
    with pytest.raises(IntegrityError, match=message), transaction.atomic():
        Review.objects.create(round=jury.round, juror_id=juror, application_id=application)
    declined = Review.objects.create(
        round=jury.round, juror_id=juror, application_id=application, state=Review.State.DECLINED
    )
    with pytest.raises(IntegrityError, match=message), transaction.atomic():
        Review.objects.filter(pk=declined.pk).update(state=Review.State.ASSIGNED)


def test_one_conflict_with_a_live_review_refuses_the_whole_bulk_insert(jury, many):
    clean, _conflicted = many
    live = jury.assign(jury.jurors[2], jury.applications[4])
    pairs = [pair for pair in clean if pair != (live.juror_id, live.application_id)]
    before = Conflict.objects.count()
    rows = [(j, a, Conflict.Kind.DECLARED) for j, a in [*pairs[:50], (live.juror_id, live.application_id)]]
    message = f"conflict_no_live_review: decline the review of juror {live.juror_id} first"
    with pytest.raises(IntegrityError, match=message), transaction.atomic():
        insert_rows(Conflict, rows, columns=["juror_id", "application_id", "kind"])
    assert Conflict.objects.count() == before
    assert insert_rows(Conflict, rows[:-1], columns=["juror_id", "application_id", "kind"]) == 50
    assert Conflict.objects.count() == before + 50


def test_one_score_outside_the_scale_refuses_the_whole_bulk_insert(jury, many):
    clean, _conflicted = many
    write_reviews(jury, clean)
    reviews = list(Review.objects.filter(round=jury.round).values_list("pk", flat=True))
    rows = [(pk, jury.impact.pk, 7) for pk in reviews]
    bad = (reviews[0], jury.only_b.pk, 6)  # scale 0–5
    message = f"score_within_scale: 6 is outside the scale of criterion {jury.only_b.pk}"
    with pytest.raises(IntegrityError, match=message), transaction.atomic():
        insert_rows(Score, [*rows, bad], columns=["review_id", "criterion_id", "value"])
    assert not Score.objects.exists()
    assert insert_rows(Score, rows, columns=["review_id", "criterion_id", "value"]) == len(rows) > 100
    with pytest.raises(IntegrityError, match="score_within_scale: -1 is outside"), transaction.atomic():
        Score.objects.filter(pk=Score.objects.first().pk).update(value=-1)
