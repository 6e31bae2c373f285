"""The in-app inbox at /api/v1/notifications/: the caller's own messages, read marks, flat queries."""

import pytest
from django.db import transaction

from notifications import services
from notifications.models import Message
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


def _notify(user, n=1, event="test.hello", key="k"):
    with transaction.atomic():
        for i in range(n):
            services.notify(event, [user], {"name": f"N{i}"}, dedupe_key=f"{key}:{i}")
    return list(Message.objects.filter(user=user, channel=Message.Channel.INAPP).order_by("pk"))


def test_lists_only_the_callers_in_app_messages(api):
    me, other = UserFactory(language="en"), UserFactory()
    mine = _notify(me, 2)
    _notify(other, 3)
    response = api(me).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["unread"] == 2
    assert [row["id"] for row in body["results"]] == [m.pk for m in reversed(mine)]  # newest first
    first = body["results"][0]
    assert first["event"] == "test.hello"
    assert first["subject"] == "Hello, N1"
    assert first["text"] == "Dear N1, this is a test.\n"
    assert first["is_read"] is False and first["read_at"] is None
    # E-mail rows of the same notification are not in the inbox.
    assert Message.objects.filter(user=me, channel=Message.Channel.EMAIL).count() == 2


def test_the_inbox_filters_by_event(api):
    me = UserFactory()
    _notify(me, 1)
    _notify(me, 1, event="test.receipt")
    body = api(me).get(URL, {"event": "test.receipt"}).json()
    assert [row["event"] for row in body["results"]] == ["test.receipt"]


def test_another_users_message_is_404(api):
    me, other = UserFactory(), UserFactory()
    [theirs] = _notify(other)
    client = api(me)
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.post(f"{URL}{theirs.pk}/read/").status_code == 404
    client.post(f"{URL}read-all/", {"ids": [theirs.pk]}, format="json")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_callers_are_refused(api):
    assert api().get(URL).status_code in (401, 403)


def test_read_and_read_all_update_the_count(api):
    me = UserFactory()
    first, second, _third = _notify(me, 3)
    client = api(me)
    assert client.get(f"{URL}unread-count/").json() == {"unread": 3}

    response = client.post(f"{URL}{first.pk}/read/")
    assert response.status_code == 200 and response.json() == {"unread": 2}
    assert client.get(f"{URL}{first.pk}/").json()["is_read"] is True
    # Reading twice keeps the first read time.
    read_at = Message.objects.get(pk=first.pk).read_at
    client.post(f"{URL}{first.pk}/read/")
    assert Message.objects.get(pk=first.pk).read_at == read_at

    assert client.post(f"{URL}read-all/", {"ids": [second.pk]}, format="json").json() == {"unread": 1}
    assert client.post(f"{URL}read-all/", {}, format="json").json() == {"unread": 0}
    assert client.get(URL).json()["unread"] == 0
    assert client.post(f"{URL}read-all/", {"ids": ["x"]}, format="json").status_code == 400


def test_query_count_is_flat(api, count_queries):
    me = UserFactory()
    client = api(me)
    _notify(me, 1)
    one = count_queries(lambda: client.get(URL))
    _notify(me, 30, key="more")
    thirty = count_queries(lambda: client.get(URL))
    assert client.get(URL).json()["count"] == 31
    assert one == thirty
