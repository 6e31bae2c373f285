"""core.bulk.insert_rows: many rows in one statement, the same rows bulk_create() would write."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_fsm_log.models import StateLog

from core.bulk import insert_rows
from notifications.models import Message
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def message_rows(user, n: int, *, key: str = "k") -> list[tuple]:
    return [
        (
            f"{key}:{k}",
            {"title": "Оголошення", "n": k, "items": [k, "ї"]},
            "inapp",
            user.pk,
            f"user:{user.pk}",
        )
        for k in range(n)
    ]


COLUMNS = ["dedupe_key", "context", "channel", "user_id", "recipient_key"]


def test_rows_in_one_statement_with_defaults_and_a_uuid_each():
    user = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        written = insert_rows(
            Message,
            message_rows(user, 1200),  # more than one bulk_create() batch on SQLite
            columns=COLUMNS,
            same={
                "event": "awards.awarded",
                "batch": "00000000-0000-4000-8000-000000000001",
                "language": "uk",
            },
        )
    assert written == 1200
    assert len(queries.captured_queries) == 1
    messages = list(Message.objects.order_by("pk"))
    assert [m.dedupe_key for m in messages] == [f"k:{k}" for k in range(1200)]  # in order
    assert len({m.uuid for m in messages}) == 1200  # the default drawn per row
    first = messages[0]
    assert first.context == {"title": "Оголошення", "n": 0, "items": [0, "ї"]}
    assert (first.state, first.attempts, first.last_error, first.user) == (Message.State.PENDING, 0, "", user)
    assert first.created_at is not None and first.sent_at is None
    assert str(first.batch) == "00000000-0000-4000-8000-000000000001"


def test_conflicts_ignored_when_asked():
    user = UserFactory()
    same = {"event": "awards.awarded", "batch": "00000000-0000-4000-8000-000000000001", "language": "uk"}
    insert_rows(Message, message_rows(user, 3), columns=COLUMNS, same=same)
    insert_rows(Message, message_rows(user, 5), columns=COLUMNS, same=same, ignore_conflicts=True)
    assert Message.objects.count() == 5


def test_dict_rows_and_a_model_in_same():
    user = UserFactory()
    insert_rows(
        StateLog,
        [{"object_id": 7}, {"object_id": 8}],
        same={"content_type_id": 1, "transition": "t", "source_state": "a", "state": "b", "by": user},
    )
    assert list(StateLog.objects.order_by("object_id").values_list("object_id", "by", "description")) == [
        (7, user.pk, None),
        (8, user.pk, None),
    ]
