"""Template context for every page: the unread count shown in the header."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count


def unread_messages(request: HttpRequest) -> dict:
    """`unread_message_count`: one COUNT query, run only if a template shows it; none for visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_message_count": 0}
    return {"unread_message_count": SimpleLazyObject(lambda: unread_count(user))}
