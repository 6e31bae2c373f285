"""Issue 19: the ranking's freshness stamp (RoundTotals.reviews_changed / applications_changed) is
kept by database triggers (migration 0008), so deciding whether a ranking is fresh reads one row.

Every change the ranking reads moves it, by whatever path (the services or raw SQL), and the next
ranking reflects it; a draft's autosave, the stored totals being recomputed and an unrelated
application's submission do not move it."""

import importlib
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import Application
from review import reference, services, totals
from review.models import STALE_TOTALS, Review, Round, RoundTotals, Score
from review.ranking import rank, round_state, stored_ranking
from review.selectors import REVIEWABLE_STATES, round_criteria
from tests.factories import NominationFactory, OrganisationFactory, UserFactory
from tests.review.ranking_data import Spec, build
from tests.review.test_ranking_properties import assert_same

pytestmark = pytest.mark.django_db

stamp_migration = importlib.import_module("review.migrations.0008_ranking_stamp")

SUBMITTED = Review.State.SUBMITTED


def _built(applications: int = 4, *, draft_last: bool = True):
    """Two jurors, `applications` eligible applications, each reviewed by both (submitted), but
    the last one's first review left in progress (complete, ready to submit)."""
    reviews = [
        (
            j,
            a,
            Review.State.IN_PROGRESS if draft_last and (j, a) == (0, applications - 1) else SUBMITTED,
            {0: (a * 3 + j) % 11, 1: (7 * a + 2 * j) % 11},
        )
        for j in range(2)
        for a in range(applications)
    ]
    built = build(
        Spec(
            criteria=[(Decimal("2"), 0, 10), (Decimal("1"), 0, 10)],
            nominations=2,
            applications=applications,
            jurors=2,
            reviews=reviews,
            method=Round.Method.CALIBRATED,
        )
    )
    built.organiser = UserFactory()
    rank(built.round)  # the bulk-built reviews get their totals
    stored_ranking(built.round)
    return built


def _round(built) -> Round:
    return Round.objects.select_related("contest").get(pk=built.round.pk)


def _stamp(built) -> str:
    round_ = _round(built)
    return round_state(round_, list(round_criteria(round_))).fingerprint


def _assert_reflected(built) -> None:
    """The cached and the stored ranking, by every method, equal the plain-Python reference."""
    round_ = _round(built)
    data = reference.load(round_)
    for method in Round.Method.values:
        assert_same(rank(round_, method=method), reference.rank(data, method=method))
        assert_same(stored_ranking(round_, method=method), reference.rank(data, method=method))


def _open(built) -> None:
    Round.objects.filter(pk=built.round.pk).update(state=Round.State.OPEN)


def _submitted(built) -> Review:
    return Review.objects.filter(round=built.round, state=SUBMITTED).order_by("pk").first()


# --- what moves the stamp ------------------------------------------------------------------------


def test_a_submission_moves_the_stamp_and_the_ranking_follows() -> None:
    built = _built()
    _open(built)
    before = _stamp(built)
    review = Review.objects.get(pk=built.reviews[0, 3].pk)
    services.submit_review(review, by=review.juror.user)
    assert _stamp(built) != before
    _assert_reflected(built)


def test_a_reopen_moves_the_stamp_and_the_ranking_follows() -> None:
    built = _built()
    _open(built)
    before = _stamp(built)
    services.reopen_review(_submitted(built), by=built.organiser, note="Перевірте, будь ласка.")
    assert _stamp(built) != before
    _assert_reflected(built)


def test_a_raw_change_of_a_submitted_review_moves_the_stamp_and_is_healed() -> None:
    built = _built()
    review = _submitted(built)
    before = _stamp(built)
    # Behind the services' back: a score rewritten, the review's updated_at moved, nothing synced.
    Score.objects.filter(review=review).update(value=10)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE review_review SET updated_at = %s WHERE id = %s", [timezone.now(), review.pk])
    assert _stamp(built) != before
    _assert_reflected(built)
    assert not Review.objects.filter(round=built.round).filter(STALE_TOTALS).exists()


def test_a_deleted_submitted_review_moves_the_stamp_and_the_ranking_follows() -> None:
    built = _built()
    before = _stamp(built)
    Review.objects.filter(pk=_submitted(built).pk).delete()
    assert _stamp(built) != before
    _assert_reflected(built)


@pytest.mark.parametrize(
    "state", [Application.State.WITHDRAWN, Application.State.INELIGIBLE, Application.State.DRAFT]
)
def test_an_application_leaving_review_moves_the_stamp_and_the_ranking_follows(state) -> None:
    built = _built()
    before = _stamp(built)
    Application.objects.filter(pk=built.applications[0].pk).update(state=state)
    assert _stamp(built) != before
    assert built.applications[0].pk not in {r.application_id for r in rank(_round(built)).rows}
    _assert_reflected(built)


def test_an_application_moved_to_another_nomination_moves_the_stamp() -> None:
    built = _built()
    before = _stamp(built)
    other = built.applications[1].nomination_id
    Application.objects.filter(pk=built.applications[0].pk).update(nomination_id=other)
    assert _stamp(built) != before
    row = next(r for r in stored_ranking(_round(built)).rows if r.application_id == built.applications[0].pk)
    assert row.nomination_id == other
    _assert_reflected(built)


def test_a_shortlist_change_moves_the_stamp_and_the_ranking_follows() -> None:
    built = _built()
    before = _stamp(built)
    picked = built.applications[:2]
    services.shortlist_pick(built.round, picked, reason="Найкращі за першим туром.", by=built.organiser)
    after_pick = _stamp(built)
    assert after_pick != before
    assert {r.application_id for r in stored_ranking(_round(built)).rows} == {a.pk for a in picked}
    _assert_reflected(built)
    services.shortlist_remove(built.round, picked[0], reason="Помилково.", by=built.organiser)
    assert _stamp(built) not in (before, after_pick)
    assert [r.application_id for r in stored_ranking(_round(built)).rows] == [picked[1].pk]
    _assert_reflected(built)


# --- what must not move it -----------------------------------------------------------------------


def test_a_draft_save_heal_and_an_unrelated_submission_leave_the_stamp_alone() -> None:
    built = _built()
    _open(built)
    round_ = _round(built)
    before = _stamp(built)
    row = RoundTotals.objects.get(round=round_)

    # A juror's autosave of an unsubmitted review.
    draft = Review.objects.get(pk=built.reviews[0, 3].pk)
    criterion = built.criteria[0]
    services.save_scores(draft, by=draft.juror.user, scores={criterion.pk: {"value": 1}})
    assert _stamp(built) == before

    # The stored totals recomputed, in full and for the stale ones.
    totals.update_totals(round_, list(round_criteria(round_)))
    totals.heal(round_, list(round_criteria(round_)), round_state(round_, list(round_criteria(round_))).basis)
    totals.refresh_round(round_, list(round_criteria(round_)), "another basis")
    assert _stamp(built) == before

    # A draft application of the same contest submitted: it stays outside review, no round row moves.
    application = Application.objects.create(
        contest=round_.contest,
        nomination=NominationFactory(contest=round_.contest),
        organisation=OrganisationFactory(),
        title="Чернетка",
        state=Application.State.DRAFT,
    )
    Application.objects.filter(pk=application.pk).update(
        state=Application.State.SUBMITTED, submitted_at=timezone.now(), number="K-999"
    )
    assert _stamp(built) == before
    fresh = RoundTotals.objects.get(round=round_)
    assert (fresh.reviews_changed, fresh.applications_changed) == (
        row.reviews_changed,
        row.applications_changed,
    )


def test_the_trigger_knows_the_reviewable_states() -> None:
    """The states the application trigger treats as reviewable are review.selectors' list: an
    application entering each state from draft moves the stamp exactly when it is reviewable."""
    assert "(" + ", ".join(f"'{s}'" for s in REVIEWABLE_STATES) + ")" == stamp_migration.REVIEWABLE
    built = _built()
    application = Application.objects.create(
        contest=built.round.contest,
        nomination=built.applications[0].nomination,
        organisation=OrganisationFactory(),
        title="Ще одна",
        state=Application.State.DRAFT,
    )
    for state in Application.State.values:
        before = _stamp(built)
        Application.objects.filter(pk=application.pk).update(state=state)
        assert (_stamp(built) != before) == (state in REVIEWABLE_STATES), state
        Application.objects.filter(pk=application.pk).update(state=Application.State.DRAFT)


def test_deciding_freshness_reads_one_row_whatever_the_round_size() -> None:
    counts = []
    for size in (3, 60):
        built = _built(size)
        round_ = _round(built)
        criteria = list(round_criteria(round_))
        with CaptureQueriesContext(connection) as queries:
            round_state(round_, criteria)
        counts.append(len(queries.captured_queries))
        # Serving the fresh stored ranking computes nothing and scans nothing.
        with CaptureQueriesContext(connection) as queries:
            stored_ranking(round_)
        assert not any("review_review" in q["sql"] for q in queries.captured_queries)
    assert counts == [1, 1]


def test_a_round_with_submitted_reviews_can_be_deleted() -> None:
    """Deleting the round's reviews writes its row again; the round's deletion takes it along."""
    built = _built()
    round_id = built.round.pk
    Round.objects.filter(pk=round_id).delete()
    connection.check_constraints()
    assert not RoundTotals.objects.filter(round_id=round_id).exists()


def test_a_new_round_has_its_row_and_a_rolled_back_stamp_never_comes_back() -> None:
    built = _built()
    _open(built)
    fresh = Round.objects.create(contest=built.round.contest, number=2, title="Тур 2")
    row = RoundTotals.objects.get(round=fresh)
    assert row.reviews_changed > 0 and row.applications_changed > 0
    # A submission rolled back, then another one committed: counting by one would give the second
    # the first one's stamp, and the ranking cached under it (with the first one's data) would be
    # served.
    first = Review.objects.get(pk=built.reviews[0, 3].pk)
    with transaction.atomic():
        services.submit_review(first, by=first.juror.user)
        rolled_back = _stamp(built)
        transaction.set_rollback(True)
    services.reopen_review(_submitted(built), by=built.organiser, note="Перевірте, будь ласка.")
    assert _stamp(built) != rolled_back


def _updates_of_round_totals() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd + n_tup_ins FROM pg_stat_xact_user_tables WHERE relname = 'review_roundtotals'"
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_a_bulk_change_of_applications_stamps_the_rounds_once_per_transaction() -> None:
    """Screening or announcing to 10,000 applications in one transaction writes the rounds' row
    once, not once per application (each new version of one row in one transaction costs more than
    the last: announcing to 10,000 took 3 × longer)."""
    built = _built(applications=12)
    before = _stamp(built)
    with transaction.atomic():
        writes = _updates_of_round_totals()
        ids = [a.pk for a in built.applications]
        for pk in ids:  # one statement per application, as a loop of saves would
            Application.objects.filter(pk=pk).update(state=Application.State.INELIGIBLE)
        assert _updates_of_round_totals() - writes == 1
    assert _stamp(built) != before
    _assert_reflected(built)


@pytest.mark.postgres
def test_reading_the_stamp_mid_transaction_lets_later_changes_move_it_again() -> None:
    """A ranking computed in the middle of a transaction is keyed by the stamp it read: a later
    change in the same transaction must move the stamp again, or that ranking would pass for fresh."""
    built = _built(applications=6)
    first, second = built.applications[0], built.applications[1]
    with transaction.atomic():
        Application.objects.filter(pk=first.pk).update(state=Application.State.INELIGIBLE)
        mid = _stamp(built)
        stored_ranking(_round(built))
        Application.objects.filter(pk=second.pk).update(state=Application.State.INELIGIBLE)
        assert _stamp(built) != mid
    _assert_reflected(built)


@pytest.mark.postgres
def test_reviews_written_in_bulk_stamp_their_round_once() -> None:
    """Submitted reviews inserted in bulk (imports, a COPY) or deleted in bulk move the stamp, and
    write the round's row once per statement and trigger, not once per review (a deletion writes it
    twice: the stamp, and the flag that has the figures recounted)."""
    built = _built(applications=8)
    before = _stamp(built)
    submitted = list(Review.objects.filter(round=built.round, state=SUBMITTED).order_by("pk"))
    with transaction.atomic():
        writes = _updates_of_round_totals()
        Review.objects.filter(pk__in=[r.pk for r in submitted]).delete()
        assert _updates_of_round_totals() - writes == 2
        deleted = _stamp(built)
        assert deleted != before
        for review in submitted:
            review.pk = None
        Review.objects.bulk_create(submitted)
        assert _updates_of_round_totals() - writes == 3
    assert _stamp(built) != deleted
