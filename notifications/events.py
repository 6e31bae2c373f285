"""The registry of events. Each app registers its own; notifications imports none of them."""

from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class Event:
    key: str
    label: str | Promise
    # Mandatory messages (receipts, results, payments) ignore e-mail opt-outs.
    mandatory: bool = False
    # Placeholder name → description, shown to organisers editing a template.
    placeholders: dict[str, str | Promise] = field(default_factory=dict)


_events: dict[str, Event] = {}


def register(event: Event) -> Event:
    _events[event.key] = event
    return event


def get(key: str) -> Event:
    try:
        return _events[key]
    except KeyError:
        raise LookupError(f"Unknown notification event {key!r}; register it first.") from None


def all_events() -> list[Event]:
    return sorted(_events.values(), key=lambda e: e.key)


def label_of(key: str) -> str:
    """The event's name for people; the key itself for an event no longer registered."""
    try:
        return str(get(key).label)
    except LookupError:
        return key
