"""Automatic jury assignment against the database: what auto_assign writes and leaves alone,
and how replace_declined finds one new juror without touching any other review."""

import pytest
from django.db import DatabaseError, transaction

from review.assignment import auto_assign, replace_declined
from review.models import Conflict, Review
from tests.factories import CategoryFactory, ContestFactory, MembershipFactory, NominationFactory, UserFactory
from tests.review.factories import ApplicationFactory, JurorFactory, ReviewFactory, RoundFactory

pytestmark = pytest.mark.django_db

REGIONS = ["lviv", "odesa", "sumy", "rivne", "poltava", "kharkiv"]


@pytest.fixture
def contest():
    return ContestFactory()


@pytest.fixture
def nomination(contest):
    return NominationFactory(contest=contest)


def make_round(contest, nomination, *, apps=6, jurors=6, **round_kwargs):
    round_ = RoundFactory(contest=contest, **round_kwargs)
    applications = [ApplicationFactory(contest=contest, nomination=nomination) for _ in range(apps)]
    panel = [JurorFactory(contest=contest, region=REGIONS[k % len(REGIONS)]) for k in range(jurors)]
    return round_, applications, panel


def pairs(round_, *, states=Review.LIVE_STATES) -> set[tuple[int, int]]:
    return set(
        Review.objects.filter(round=round_, state__in=states).values_list("juror_id", "application_id")
    )


def snapshot(round_, exclude: int | None = None) -> set[tuple]:
    return set(
        Review.objects.filter(round=round_)
        .exclude(pk=exclude)
        .values_list("pk", "juror_id", "application_id", "state", "assigned_by_id")
    )


def test_auto_assign_fills_every_slot_with_balanced_loads(contest, nomination, organiser):
    round_, applications, _jurors = make_round(contest, nomination, reviewers_per_application=3)
    report = auto_assign(round_, by=organiser)
    assert report.created == 18 and report.unfilled == 0 and report.unfilled_applications == []
    assert (report.load_min, report.load_max, report.load_spread) == (3, 3, 0)
    assert report.region_repeats == 0 and report.exact
    reviews = Review.objects.filter(round=round_)
    assert reviews.count() == 18
    assert set(reviews.values_list("state", "assigned_by_id")) == {(Review.State.ASSIGNED, organiser.pk)}
    for application in applications:
        assert reviews.filter(application=application).values("juror").distinct().count() == 3


def test_a_second_run_creates_nothing(contest, nomination, organiser):
    round_, _applications, _jurors = make_round(contest, nomination)
    auto_assign(round_, by=organiser)
    before = snapshot(round_)
    report = auto_assign(round_, by=organiser)
    assert report.created == 0 and snapshot(round_) == before


def test_existing_reviews_count_and_stay_untouched(contest, nomination, organiser):
    round_, applications, jurors = make_round(contest, nomination, reviewers_per_application=2)
    first = applications[0]
    kept = ReviewFactory(round=round_, juror=jurors[0], application=first, state=Review.State.SUBMITTED)
    declined = ReviewFactory(round=round_, juror=jurors[1], application=first, state=Review.State.DECLINED)
    before = snapshot(round_)
    report = auto_assign(round_, by=organiser)
    assert snapshot(round_) >= before  # nothing changed or removed
    assert report.created == 2 * len(applications) - 1
    on_first = pairs(round_) & {(j.pk, first.pk) for j in jurors}
    assert len(on_first) == 2 and (kept.juror_id, first.pk) in on_first
    assert (declined.juror_id, first.pk) not in on_first
    # The submitted review counts towards the juror's load: 12 slots over 6 jurors, 2 each.
    assert report.load_spread == 0 and report.load_max == 2


def test_own_organisation_is_never_assigned_and_is_recorded(contest, nomination, organiser):
    round_, applications, jurors = make_round(contest, nomination, reviewers_per_application=5)
    MembershipFactory(user=jurors[0].user, organisation=applications[0].organisation)
    auto_assign(round_, by=organiser)
    assert (jurors[0].pk, applications[0].pk) not in pairs(round_)
    assert Conflict.objects.filter(
        juror=jurors[0], application=applications[0], kind=Conflict.Kind.OWN_ORGANISATION
    ).exists()


def test_declared_conflicts_never_trip_the_database_triggers(contest, nomination, organiser):
    round_, applications, jurors = make_round(contest, nomination, reviewers_per_application=5)
    for application in applications[:3]:
        Conflict.objects.create(juror=jurors[1], application=application, kind=Conflict.Kind.DECLARED)
    report = auto_assign(round_, by=organiser)  # a conflicted row would raise here
    assert report.created == 30  # the others make up for juror 1
    assert not pairs(round_) & {(jurors[1].pk, a.pk) for a in applications[:3]}
    # The trigger is there: writing such a row by hand is refused.
    with pytest.raises(DatabaseError), transaction.atomic():
        Review.objects.create(round=round_, juror=jurors[1], application=applications[0])


def test_nomination_limited_jurors_stay_in_their_nomination(contest, nomination, organiser):
    other = NominationFactory(contest=contest)
    round_, _applications, jurors = make_round(contest, nomination, apps=3, jurors=5)
    elsewhere = [ApplicationFactory(contest=contest, nomination=other) for _ in range(3)]
    jurors[0].nominations.set([other])
    auto_assign(round_, by=organiser)
    mine = {a for j, a in pairs(round_) if j == jurors[0].pk}
    assert mine and mine <= {a.pk for a in elsewhere}


def test_expertise_and_nomination_bonus_lead(contest, nomination, organiser):
    round_, applications, jurors = make_round(contest, nomination, apps=1, jurors=4)
    round_.reviewers_per_application = 1
    round_.save()
    category = CategoryFactory()
    applications[0].categories.add(category)
    jurors[2].expertise.add(category)
    report = auto_assign(round_, by=organiser)
    assert pairs(round_) == {(jurors[2].pk, applications[0].pk)}
    assert report.affinity == report.affinity_bound == 1


def test_unfilled_slots_say_why(contest, nomination, organiser):
    round_, applications, _jurors = make_round(contest, nomination, apps=2, jurors=2)
    report = auto_assign(round_, by=organiser)
    assert report.unfilled == 2 and sorted(report.unfilled_applications) == sorted(a.pk for a in applications)
    assert "Only 2 more jurors" in report.reasons[applications[0].pk]


def test_load_caps_hold_and_are_named(contest, nomination, organiser):
    round_, _applications, _jurors = make_round(contest, nomination, apps=4, jurors=3, max_load=2)
    round_.reviewers_per_application = 2
    round_.save()
    report = auto_assign(round_, by=organiser)
    assert report.created == 6 and report.unfilled == 2 and report.load_max == 2
    assert "load limits" in next(iter(report.reasons.values()))


def test_replace_declined_touches_no_other_review(contest, nomination, organiser):
    round_, _applications, _jurors = make_round(
        contest, nomination, apps=4, jurors=6, reviewers_per_application=2
    )
    auto_assign(round_, by=organiser)
    review = Review.objects.filter(round=round_).first()
    Review.objects.filter(pk=review.pk).update(state=Review.State.DECLINED)
    review.refresh_from_db()
    before = snapshot(round_)
    new = replace_declined(review, by=organiser)
    assert new is not None
    assert snapshot(round_, exclude=new.pk) == before
    assert new.application_id == review.application_id and new.juror_id != review.juror_id
    assert new.state == Review.State.ASSIGNED and new.assigned_by == organiser
    panel = Review.objects.filter(round=round_, application=review.application, state__in=Review.LIVE_STATES)
    assert panel.count() == 2 and panel.values("juror").distinct().count() == 2


def test_replace_declined_prefers_another_region_then_the_lightest_load(contest, nomination, organiser):
    round_ = RoundFactory(contest=contest, reviewers_per_application=2)
    application = ApplicationFactory(contest=contest, nomination=nomination)
    staying = JurorFactory(contest=contest, region="lviv")
    leaving = JurorFactory(contest=contest, region="odesa")
    JurorFactory(contest=contest, region="lviv")  # same region as the one staying
    busy = JurorFactory(contest=contest, region="sumy")
    free = JurorFactory(contest=contest, region="rivne")
    ReviewFactory(round=round_, juror=staying, application=application)
    declined = ReviewFactory(
        round=round_, juror=leaving, application=application, state=Review.State.DECLINED
    )
    ReviewFactory(round=round_, juror=busy)
    assert replace_declined(declined, by=organiser).juror == free


def test_replace_declined_respects_conflicts_caps_and_nominations(contest, nomination, organiser):
    round_ = RoundFactory(contest=contest, reviewers_per_application=2, max_load=1)
    application = ApplicationFactory(contest=contest, nomination=nomination)
    leaving = JurorFactory(contest=contest)
    own = JurorFactory(contest=contest, user=UserFactory())
    MembershipFactory(user=own.user, organisation=application.organisation)
    declared = JurorFactory(contest=contest)
    Conflict.objects.create(juror=declared, application=application, kind=Conflict.Kind.DECLARED)
    full = JurorFactory(contest=contest)
    ReviewFactory(round=round_, juror=full)
    limited = JurorFactory(contest=contest)
    limited.nominations.set([NominationFactory(contest=contest)])
    declined = ReviewFactory(
        round=round_, juror=leaving, application=application, state=Review.State.DECLINED
    )
    assert replace_declined(declined, by=organiser) is None
    welcome = JurorFactory(contest=contest)
    assert replace_declined(declined, by=organiser).juror == welcome


def test_replace_declined_refuses_a_live_review(contest, nomination, organiser):
    review = ReviewFactory(round=RoundFactory(contest=contest))
    with pytest.raises(ValueError):
        replace_declined(review, by=organiser)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_round_row_is_locked_while_assigning(contest, nomination, organiser):
    """A second organiser's run waits for the first (NOWAIT shows the lock is held)."""
    from django.db import connections

    from review.models import Round

    round_, _applications, _jurors = make_round(contest, nomination)
    with transaction.atomic():
        auto_assign(round_, by=organiser)  # inside our transaction: the lock stays until commit
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor, pytest.raises(DatabaseError):
                cursor.execute(
                    f"SELECT id FROM {Round._meta.db_table} WHERE id = %s FOR UPDATE NOWAIT", [round_.pk]
                )
        finally:
            other.close()
    assert auto_assign(round_, by=organiser).created == 0
