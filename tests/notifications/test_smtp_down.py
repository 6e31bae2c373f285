"""The mail server down or refusing our login: each message records the error, goes back to pending
with a backoff, and fails at the attempt limit; nothing sits in `sending`. The organiser's outbox
page and the staff's admin list show the error. Real SMTP: aiosmtpd, or a port where none listens."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from contests import services as contest_services
from core import clock
from notifications import services
from notifications.admin import MessageAdmin
from notifications.models import Message
from tests.notifications.live import free_port

pytestmark = pytest.mark.django_db

S = Message.State
ADDRESSES = ["a@example.org", "b@example.org", "c@example.org"]


def smtp(settings, port: int, *, user: str = "", password: str = "") -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = user, password
    settings.EMAIL_TIMEOUT = 5


def write(scope: str = "") -> list[int]:
    with transaction.atomic():
        batch = services.notify("test.hello", ADDRESSES, {"name": "x"}, dedupe_key="down", scope=scope)
    return services.pending_ids_of_batch(str(batch))


class RefusingAuth:
    """An aiosmtpd server that demands a login and refuses every password."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        class Sink:
            async def handle_DATA(self, server, session, envelope):  # pragma: no cover - never reached
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(
            Sink(),
            hostname="127.0.0.1",
            port=self.port,
            authenticator=lambda *args: AuthResult(success=False, handled=False),
            auth_required=True,
            auth_require_tls=False,
        )

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def test_a_server_that_is_not_running_records_the_error_on_each_message_and_backs_off(settings):
    smtp(settings, free_port())  # nothing listens: connection refused
    ids = write()
    with time_machine.travel(clock.now(), tick=False):
        stats = services.deliver_messages(ids)
        now = clock.now()
    assert stats == {"sent": 0, "failed": 0, "retry": 3, "skipped": 0}
    for message in Message.objects.filter(pk__in=ids):
        assert message.state == S.PENDING  # not left in `sending` for the lease
        assert message.attempts == 1
        assert "ConnectionRefusedError" in message.last_error
        assert message.next_attempt_at == now + services.retry_delay(1)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_refused_login_fails_the_messages_at_the_attempt_limit(settings):
    settings.EMAIL_MAX_ATTEMPTS = 2
    with RefusingAuth() as server:
        smtp(settings, server.port, user="konkurs", password="wrong")
        ids = write()
        with time_machine.travel(clock.now(), tick=False) as traveller:
            assert services.deliver_messages(ids)["retry"] == 3
            assert services.deliver_messages(ids)["skipped"] == 3  # not due yet
            traveller.shift(services.retry_delay(1) + timedelta(seconds=1))
            assert services.deliver_messages(ids) == {"sent": 0, "failed": 3, "retry": 0, "skipped": 0}
    for message in Message.objects.filter(pk__in=ids):
        assert (message.state, message.attempts) == (S.FAILED, 2)
        assert "SMTPAuthenticationError" in message.last_error
    # Failed is final: the workers leave it to an organiser's resend, no silent cycling.
    assert services.deliver_messages(ids)["skipped"] == 3


def test_the_outbox_page_and_the_admin_show_the_error(settings, organiser, draft_contest, staff):
    smtp(settings, free_port())
    scope = contest_services.scope_of(draft_contest)
    ids = write(scope=scope)
    services.deliver_messages(ids)
    web = Client()
    web.force_login(organiser)

    page = web.get(reverse("contests:outbox", args=[draft_contest.pk])).content.decode()

    assert "3 e-mails could not be sent yet and will be tried again." in page
    assert "ConnectionRefusedError" in page
    assert "attempt 1" in page and "Next attempt" in page
    progress = web.get(
        reverse("contests:outbox_progress", args=[draft_contest.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "ConnectionRefusedError" in progress

    admin = MessageAdmin(Message, site)
    request = RequestFactory().get("/admin/notifications/message/")
    request.user = staff
    assert "short_error" in admin.get_list_display(request)
    assert "ConnectionRefusedError" in admin.short_error(Message.objects.get(pk=ids[0]))
