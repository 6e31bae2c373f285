"""End to end: a real Celery worker on Redis delivers over real SMTP to an aiosmtpd sink.

Needs PostgreSQL (the worker process shares the test database) and Redis on 127.0.0.1:6379;
CI's PostgreSQL pass has both. Each xdist worker uses a Redis database of its own.
"""

import os
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.db import connection, transaction
from django.db.models import F

from accounts.models import Membership
from notifications import services
from notifications.models import Message
from tests.factories import OrganisationFactory, UserFactory
from tests.notifications.live import SmtpSink, Worker, celery_broker, database_url, flush_redis, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

S = Message.State
REDIS = os.environ.get("NOTIFY_TEST_REDIS", "redis://127.0.0.1:6379")
NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: the broker is down
CONTEXT = {
    "organisation": "Бібліотека Вигадана",
    "inviter": "Олена Тестова",
    "link": "https://konkurs.example.org/accounts/invitation/abc/",
    "expires": "01.02.2030",
}


@pytest.fixture
def broker_url(worker_id):
    """redis://…/12 for the main process or gw0, /13 for gw1 …: workers never share a queue."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs the PostgreSQL test database")
    index = 0 if worker_id == "master" else int(worker_id.removeprefix("gw"))
    assert index < 4, "Redis databases 12–15 serve at most 4 xdist workers"
    url = f"{REDIS}/{12 + index}"
    try:
        flush_redis(url)
    except Exception as error:
        pytest.fail(f"Redis at {REDIS} is needed for the live worker tests: {error}")
    yield url
    flush_redis(url)


@pytest.fixture
def live(broker_url):
    """live(sink) -> a started worker delivering to the sink; every worker is stopped afterwards."""
    workers: list[Worker] = []

    def start(sink: SmtpSink) -> Worker:
        env = {
            "DATABASE_URL": database_url(connection.settings_dict),
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_URL": sink.url,
            "DEBUG": "true",
            "LANGUAGE_CODE": "uk",
            "LOG_LEVEL": "WARNING",
        }
        workers.append(Worker(env=env, concurrency=2).start())
        return workers[-1]

    with celery_broker(broker_url):
        yield start
    for worker in workers:
        worker.stop()


def _invite(addresses, key="k"):
    with transaction.atomic():
        return services.notify("accounts.invitation", addresses, CONTEXT, dedupe_key=key)


def _all_sent(count: int):
    return lambda: Message.objects.filter(state=S.SENT, channel=Message.Channel.EMAIL).count() == count


def _message_ids() -> set[str]:
    return {f"<{uuid}@konkurs>" for uuid in Message.objects.values_list("uuid", flat=True)}


def test_a_worker_delivers_each_message_once_over_smtp(live):
    addresses = [f"reader{i}@example.org" for i in range(20)]
    with SmtpSink() as sink:
        worker = live(sink)
        _invite(addresses)
        wait_for(lambda: sink.accepted() >= 20 and _all_sent(20)(), what=f"20 e-mails\n{worker.output()}")
    assert sorted(sink.recipients) == sorted(addresses)
    assert set(sink.message_ids) == _message_ids()
    assert set(sink.message_ids.values()) == {1}
    for message in Message.objects.all():
        assert (message.state, message.attempts, message.last_error) == (S.SENT, 1, "")
    # The real template went over the wire (English: the tests' default language).
    subject = str(make_header(decode_header(sink.last["Subject"])))
    assert subject == "Invitation to join Бібліотека Вигадана in Konkurs"


def test_a_worker_killed_mid_send_loses_and_duplicates_nothing(live):
    addresses = [f"reader{i}@example.org" for i in range(6)]
    with SmtpSink(hold_first=True) as sink:
        first = live(sink)
        _invite(addresses)
        assert sink.held.wait(60), f"no message reached the sink\n{first.output()}"
        first.kill()  # mid-send: the row is claimed, the SMTP transaction never finished
        sink.release.set()
        # The dead worker's claims (its whole chunk) stay until the lease runs out; none was sent.
        claimed = Message.objects.filter(state=S.SENDING).count()
        assert claimed >= 1
        assert not Message.objects.filter(state=S.SENT).exists()
        assert sink.accepted() == 0

        second = live(sink)
        # The lease and the grace period have passed (as far as the rows can tell).
        past = services.SENDING_LEASE + timedelta(minutes=1)
        Message.objects.update(created_at=F("created_at") - past)
        Message.objects.filter(state=S.SENDING).update(claimed_at=F("claimed_at") - past)
        assert services.sweep() == {"reclaimed": claimed, "enqueued": 6}
        wait_for(_all_sent(6), what=f"6 e-mails after the sweep\n{second.output()}")
        wait_for(lambda: sink.accepted() == 6, what="the sink to count 6")
        # A second sweep finds nothing to do.
        assert services.sweep() == {"reclaimed": 0, "enqueued": 0}
    assert sorted(sink.recipients) == sorted(addresses)
    assert set(sink.message_ids) == _message_ids()
    assert set(sink.message_ids.values()) == {1}
    attempts = sorted(Message.objects.values_list("attempts", flat=True))
    assert attempts == [1] * (6 - claimed) + [2] * claimed


def test_broker_outage_does_not_fail_the_request_and_the_sweeper_sends_later(live, api, broker_url):
    admin = UserFactory()
    organisation = OrganisationFactory()
    Membership.objects.create(user=admin, organisation=organisation, is_admin=True)
    with SmtpSink() as sink:
        worker = live(sink)
        with celery_broker(NOWHERE):
            url = f"/api/v1/organisations/{organisation.pk}/invite/"
            response = api(admin).post(url, {"email": "new@example.org"}, format="json")
        assert response.status_code == 201, response.content
        message = Message.objects.get(event="accounts.invitation")
        assert (message.state, message.email, message.attempts) == (S.PENDING, "new@example.org", 0)

        # The broker is back; the sweeper finds the message once it is past its grace period.
        assert services.sweep()["enqueued"] == 0
        Message.objects.update(created_at=F("created_at") - services.PENDING_GRACE - timedelta(seconds=1))
        assert services.sweep() == {"reclaimed": 0, "enqueued": 1}
        wait_for(_all_sent(1), what=f"the invitation\n{worker.output()}")
        wait_for(lambda: sink.accepted() == 1, what="the sink to count 1")
    assert sink.recipients == ["new@example.org"]
    assert set(sink.message_ids) == _message_ids()
    assert set(sink.message_ids.values()) == {1}
