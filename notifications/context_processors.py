"""Template context for every page: the unread count shown in the header."""

from functools import cache

from django.http import HttpRequest

from notifications.selectors import unread_count


def unread_messages(request: HttpRequest) -> dict:
    """`unread_message_count`: one COUNT query, run only if a template shows it; none for visitors.

    A cached callable rather than a lazy object: templates call callables and get a real int,
    which plural forms need (Ukrainian plural rules do arithmetic on it).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_message_count": 0}
    return {"unread_message_count": cache(lambda: unread_count(user))}
