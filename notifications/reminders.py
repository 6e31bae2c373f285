"""Reminders from the static beat schedule. Higher apps register providers; each reminder
is a notify() with a dedupe key naming the occasion, so it goes once even if beat fires twice."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from core import clock


@dataclass(frozen=True)
class Reminder:
    event: str
    recipients: list[Any]
    context: dict
    occasion: str  # e.g. "deadline-7d:contest-12": once per recipient and occasion
    scope: str = ""
    extra: dict = field(default_factory=dict)


Provider = Callable[[datetime], Iterable[Reminder]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def run_all(now: datetime | None = None) -> int:
    from notifications.services import notify

    now = now or clock.now()
    count = 0
    for provider in list(_providers):
        for reminder in provider(now):
            with transaction.atomic():
                notify(
                    reminder.event,
                    reminder.recipients,
                    reminder.context,
                    dedupe_key=f"reminder:{reminder.occasion}",
                    scope=reminder.scope,
                )
            count += 1
    return count
