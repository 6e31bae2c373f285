"""Server errors the API fuzzer (test_fuzz_schemathesis.py) found, each answered properly now."""

import uuid

import pytest

from notifications.models import Message
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = 2**64


def inbox_message(user, n: int) -> Message:
    return Message.objects.create(
        batch=uuid.uuid4(),
        event="test.fuzz",
        channel=Message.Channel.INAPP,
        user=user,
        recipient_key=f"user:{user.pk}",
        language="en",
        dedupe_key=f"fuzz:{n}",
        state=Message.State.SENT,
    )


def test_read_all_with_an_id_beyond_64_bits_is_not_a_server_error(api):
    """It was an OverflowError (500): the id went to the database in `pk__in`."""
    me = UserFactory()
    first, _second = inbox_message(me, 1), inbox_message(me, 2)
    client = api(me)
    r = client.post("/api/v1/notifications/read-all/", {"ids": [BEYOND_64_BITS]}, format="json")
    assert r.status_code == 200, r.content
    assert r.json() == {"unread": 2}  # no message has such an id: nothing is marked
    r = client.post(
        "/api/v1/notifications/read-all/", {"ids": [first.pk, BEYOND_64_BITS, -BEYOND_64_BITS]}, format="json"
    )
    assert r.json() == {"unread": 1}  # the real id among them is still marked
    assert Message.objects.get(pk=first.pk).read_at is not None


def test_in_lookups_on_integer_columns_ignore_values_out_of_range():
    """The general fix (core.lookups): `in` answers no rows for what the column cannot hold, like
    Django's own `exact` does, instead of failing in the database driver."""
    me = UserFactory()
    message = inbox_message(me, 1)
    assert list(Message.objects.filter(pk__in=[BEYOND_64_BITS])) == []
    assert list(Message.objects.filter(pk__in=[-BEYOND_64_BITS, message.pk])) == [message]
    assert list(Message.objects.exclude(pk__in=[BEYOND_64_BITS])) == [message]


def test_attachments_of_an_id_that_is_no_number_are_404(api, applicant):
    """It was a ValueError (500): a non-numeric id reached a lookup outside DRF's own 404 guard."""
    r = api(applicant).get("/api/v1/applications/null/attachments/")
    assert r.status_code == 404
