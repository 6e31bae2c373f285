"""State-machine helpers shared by every app: run a transition, list them, read history."""

from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _
from django_fsm_log.models import StateLog

M = TypeVar("M", bound=models.Model)


def apply_transition(obj: M, name: str, *, by: Any, note: str = "", **kwargs: Any) -> M:
    """Run transition `name` and save, atomically; the state log row rides in the same
    transaction, so a refused or racing transition leaves neither state nor log behind."""
    with transaction.atomic():
        getattr(obj, name)(by=by, description=note or None, **kwargs)
        obj.save()
    return obj


def transitions_from_state(obj: models.Model, field: str = "state") -> list[str]:
    """Names of the transitions declared from the object's current state."""
    getter = getattr(obj, f"get_available_{field}_transitions")
    return [t.name for t in getter()]


def history(obj: models.Model) -> models.QuerySet[StateLog]:
    return StateLog.objects.for_(obj).select_related("by").order_by("timestamp", "pk")


def history_rows(obj: models.Model, field: str = "state") -> list[dict]:
    """The history ready for a page: state labels in the user's language, who, when, note."""
    labels = dict(obj._meta.get_field(field).flatchoices)
    return [
        {
            "timestamp": log.timestamp,
            "by": log.by.display_name if log.by else _("the system"),
            "source": labels.get(log.source_state, log.source_state or "—"),
            "target": labels.get(log.state, log.state),
            "note": log.description or "",
        }
        for log in history(obj)
    ]
