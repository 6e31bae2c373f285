"""200 organisations submit at once around the deadline (PostgreSQL, real threads).

Each submission's own outcome is recorded and checked against the database afterwards: what
the service accepted was submitted before the deadline and froze a revision; what it refused
is still a draft without a revision; none is lost. The deadline moves from the main thread
between barriers (to half the first wave's duration ahead), so some submissions surely come
before it, some race it, some come after.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from applications import services
from applications.models import Application, Revision
from contests import services as contest_services
from contests.models import Contest
from core import clock
from core.exceptions import TransitionRefused
from tests.factories import OrganisationFactory, UserFactory, grant, ready_contest

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

APPLICATIONS = 200
THREADS = 16
BARRIER_TIMEOUT = 120


def _open_contest_with_drafts() -> tuple[Contest, UserFactory, list[int]]:
    organiser = UserFactory()
    contest = ready_contest(closes_at=clock.now() + timedelta(hours=1))
    grant(contest, organiser)
    contest_services.publish_contest(contest, by=organiser)
    question = contest.form_fields.get()
    nomination = contest.nominations.get()
    organisations = OrganisationFactory.create_batch(APPLICATIONS)
    drafts = Application.objects.bulk_create(
        Application(
            organisation=organisation,
            contest=contest,
            nomination=nomination,
            title=f"Проєкт {i}",
            answers={question.key: "Відповідь"},
        )
        for i, organisation in enumerate(organisations)
    )
    return contest, UserFactory(), [a.pk for a in drafts]


def test_submissions_around_the_deadline():
    contest, submitter, ids = _open_contest_with_drafts()
    before, racing, after = ids[:80], ids[80:160], ids[160:]
    outcomes: dict[int, object] = {}
    crashes: list[BaseException] = []
    a_done, b_start, b_done, c_start = (threading.Barrier(THREADS + 1) for _ in range(4))

    def submit_all(pks: list[int]) -> None:
        for pk in pks:
            try:
                outcomes[pk] = services.submit_application(Application.objects.get(pk=pk), by=submitter)
            except TransitionRefused as refused:
                outcomes[pk] = refused

    def worker(n: int) -> None:
        try:
            submit_all(before[n::THREADS])
            a_done.wait(BARRIER_TIMEOUT)
            b_start.wait(BARRIER_TIMEOUT)
            submit_all(racing[n::THREADS])
            b_done.wait(BARRIER_TIMEOUT)
            c_start.wait(BARRIER_TIMEOUT)
            submit_all(after[n::THREADS])
        except BaseException as error:  # recorded, and the others are released
            crashes.append(error)
            for barrier in (a_done, b_start, b_done, c_start):
                barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    started = clock.now()
    for thread in threads:
        thread.start()
    try:
        a_done.wait(BARRIER_TIMEOUT)
        # The deadline: a little ahead of now (half the time the first wave took), so the next
        # wave, as large as the first, races it.
        deadline = clock.now() + (clock.now() - started) / 2
        Contest.objects.filter(pk=contest.pk).update(closes_at=deadline)
        b_start.wait(BARRIER_TIMEOUT)
        b_done.wait(BARRIER_TIMEOUT)
        while clock.now() < deadline:  # the last wave starts after the deadline, whatever happened
            pass
        c_start.wait(BARRIER_TIMEOUT)
    except threading.BrokenBarrierError:
        pass
    for thread in threads:
        thread.join(BARRIER_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a submitting thread hung"
    assert not crashes, crashes

    contest.refresh_from_db()
    assert contest.closes_at == deadline
    stored = {a.pk: a for a in Application.objects.filter(pk__in=ids)}
    revisions = {r.application_id: r for r in Revision.objects.filter(application_id__in=ids)}
    accepted = [pk for pk, outcome in outcomes.items() if isinstance(outcome, Application)]
    refused = [pk for pk, outcome in outcomes.items() if isinstance(outcome, TransitionRefused)]

    assert len(accepted) + len(refused) == APPLICATIONS == len(outcomes)  # none lost
    assert set(before) <= set(accepted)
    assert set(after) <= set(refused)
    for pk in accepted:
        application = stored[pk]
        assert application.state == Application.State.SUBMITTED, pk
        # Judged at arrival (core/arrival.py): the call may be recorded a little after it.
        assert application.arrived_at < deadline, pk
        assert application.arrived_at <= application.submitted_at, pk
        assert application.submitted_at == outcomes[pk].submitted_at
        assert application.number
        assert revisions[pk].number == 1
        assert revisions[pk].submitted_at == application.submitted_at
    for pk in refused:
        application = stored[pk]
        assert application.state == Application.State.DRAFT, pk
        assert application.submitted_at is None and application.number == ""
        assert pk not in revisions
        assert any("deadline" in reason for reason in outcomes[pk].reasons), outcomes[pk].reasons
    assert Revision.objects.filter(application__contest=contest).count() == len(accepted)
    assert len({stored[pk].number for pk in accepted}) == len(accepted)
