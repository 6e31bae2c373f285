"""notify(): rows written in the caller's transaction, delivery only after commit, no duplicates."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from notifications import services
from notifications.models import EmailOptOut, Message
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MAIL, INAPP = Message.Channel.EMAIL, Message.Channel.INAPP


class Rollback(Exception):
    pass


def test_rows_are_written_in_the_transaction_and_sent_on_commit(committed, mailoutbox):
    user = UserFactory(email="reader@example.org")
    with committed() as hooks, transaction.atomic():
        services.notify("test.hello", [user, "Guest@Example.org "], {"name": "Оксана"}, dedupe_key="k1")
        # Written, not yet sent: the mail server is not touched inside the transaction.
        assert Message.objects.filter(event="test.hello").count() == 3
        assert mailoutbox == []
    assert len(hooks) == 1
    rows = {(m.channel, m.recipient_key): m for m in Message.objects.all()}
    me = f"user:{user.pk}"
    assert set(rows) == {(INAPP, me), (MAIL, me), (MAIL, "email:guest@example.org")}
    assert rows[(INAPP, f"user:{user.pk}")].user == user
    assert rows[(MAIL, "email:guest@example.org")].user is None
    assert sorted(m.to[0] for m in mailoutbox) == ["guest@example.org", "reader@example.org"]
    assert all(m.state == Message.State.SENT for m in Message.objects.all())


def test_rollback_leaves_no_rows_and_sends_nothing(committed, mailoutbox):
    user = UserFactory()
    with committed() as hooks, pytest.raises(Rollback), transaction.atomic():
        services.notify("test.hello", [user, "guest@example.org"], {"name": "x"}, dedupe_key="k1")
        assert Message.objects.count() == 3
        raise Rollback
    assert Message.objects.count() == 0
    assert hooks == []
    assert mailoutbox == []


def test_a_user_gets_inapp_and_email_a_bare_address_only_email(committed):
    user = UserFactory()
    with committed():
        services.notify("test.hello", [user], {"name": "x"}, dedupe_key="u")
        services.notify("test.hello", ["only@example.org"], {"name": "x"}, dedupe_key="a")
    assert sorted(Message.objects.filter(dedupe_key="u").values_list("channel", flat=True)) == [MAIL, INAPP]
    assert list(Message.objects.filter(dedupe_key="a").values_list("channel", flat=True)) == [MAIL]


def test_same_dedupe_key_writes_nothing_new_and_sends_once(committed, mailoutbox):
    user = UserFactory()
    for _ in range(2):
        with committed():
            services.notify("test.hello", [user, "guest@example.org"], {"name": "x"}, dedupe_key="once")
    assert Message.objects.count() == 3
    assert len(mailoutbox) == 2
    # A different occasion is a different message.
    with committed():
        services.notify("test.hello", [user], {"name": "x"}, dedupe_key="twice")
    assert Message.objects.count() == 5
    assert len(mailoutbox) == 3


def test_unknown_event_is_refused():
    with pytest.raises(LookupError):
        services.notify("test.nobody-registered-this", ["a@example.org"], {}, dedupe_key="x")
    assert Message.objects.count() == 0


def test_opt_out_suppresses_email_of_an_optional_event(committed, mailoutbox):
    user = UserFactory()
    services.set_email_opt_out(user, "test.hello", opted_out=True)
    with committed():
        services.notify("test.hello", [user], {"name": "x"}, dedupe_key="k")
    assert list(Message.objects.values_list("channel", flat=True)) == [INAPP]
    assert mailoutbox == []
    services.set_email_opt_out(user, "test.hello", opted_out=False)
    assert not EmailOptOut.objects.exists()
    with committed():
        services.notify("test.hello", [user], {"name": "x"}, dedupe_key="k2")
    assert len(mailoutbox) == 1


def test_a_mandatory_event_ignores_opt_outs_and_refuses_new_ones(committed, mailoutbox):
    user = UserFactory()
    with pytest.raises(ValidationError):
        services.set_email_opt_out(user, "test.receipt", opted_out=True)
    assert not EmailOptOut.objects.exists()
    # Even an opt-out stored before the event became mandatory is ignored.
    EmailOptOut.objects.create(user=user, event="test.receipt")
    with committed():
        services.notify("test.receipt", [user], {"name": "x"}, dedupe_key="k")
    assert sorted(Message.objects.values_list("channel", flat=True)) == [MAIL, INAPP]
    assert [m.to for m in mailoutbox] == [[user.email]]


def test_real_callers_write_into_the_outbox(published_contest, organiser):
    """publish_contest notifies the organisers in the contest's scope."""
    messages = Message.objects.filter(event="contests.published")
    assert {m.channel for m in messages} == {MAIL, INAPP}
    assert {m.scope for m in messages} == {f"contest:{published_contest.pk}"}
    assert {m.user for m in messages} == {organiser}
