"""The security log's one writer. Everything security-relevant calls record(): logins and
failures, lockouts, second-factor changes, tokens, role grants and removals, private downloads.
Reads for staff live in accounts.selectors (security_events)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.models import SecurityEvent, User
from core.arrival import client_address  # the one rule for "the client's address"

Kind = SecurityEvent.Kind


def _address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return client_address(request) or None


def record(
    kind: str,
    *,
    request: HttpRequest | None = None,
    user: User | None = None,
    actor: User | None = None,
    email: str = "",
    **details: Any,
) -> SecurityEvent:
    """Append one event. `user` is whom it is about; `actor` who did it when not that person
    (defaults to the request's authenticated user when it differs from `user`)."""
    if actor is None and request is not None:
        who = getattr(request, "user", None)
        if who is not None and who.is_authenticated and (user is None or who.pk != user.pk):
            actor = who
    agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        actor=actor,
        email=(email or (user.email if user is not None else ""))[:254],
        ip_address=_address(request),
        user_agent=agent,
        details={key: value for key, value in details.items() if value not in (None, "")},
    )
