"""What goes over SMTP: each message of a batch shares one prepared MIME body and carries its
own recipient and Message-ID; the whole message parses back to the rendered template."""

import email
from email import policy

import pytest
from django.db import transaction

from notifications import services
from notifications.models import Message
from tests.notifications.live import SmtpSink, wait_for

pytestmark = pytest.mark.django_db

CONTEXT = {"name": "Бібліотека <Вигадана>"}


def test_smtp_messages_share_the_body_and_differ_in_recipient_and_id(settings):
    addresses = ["reader@example.org", "читач@приклад.укр", "admin@example.org"]
    with SmtpSink(keep=True) as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        with transaction.atomic():
            batch = services.notify("test.hello", addresses, CONTEXT, dedupe_key="wire")
        stats = services.deliver_messages(services.pending_ids_of_batch(str(batch)))
        wait_for(lambda: sink.accepted() == 3, what="three messages at the sink")
    assert stats["sent"] == 3
    parsed = [email.message_from_bytes(raw, policy=policy.default) for raw in sink.raw]
    ids = {f"<{m.uuid}@konkurs>" for m in Message.objects.filter(channel=Message.Channel.EMAIL)}
    assert {str(m["Message-ID"]) for m in parsed} == ids
    # The Cyrillic domain travels in IDNA, as Django's own message() writes it.
    recipients = sorted(str(m["To"]) for m in parsed)
    assert recipients == ["admin@example.org", "reader@example.org", "читач@xn--80aikifvh.xn--j1amh"]
    for message in parsed:
        assert message["Subject"] and message["Date"] and message["From"]
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert "Бібліотека <Вигадана>" in text
        assert "Бібліотека &lt;Вигадана&gt;" in html  # user-supplied values stay escaped
    assert all(m.state == Message.State.SENT for m in Message.objects.filter(channel=Message.Channel.EMAIL))
