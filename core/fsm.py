"""State-machine helpers shared by every app: run a transition, list them, read history."""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _
from django_fsm_log.models import StateLog

from core import clock
from core.bulk import insert_rows

M = TypeVar("M", bound=models.Model)


def apply_transition(
    obj: M, name: str, *, by: Any, note: str = "", savepoint: bool = True, **kwargs: Any
) -> M:
    """Run transition `name` and save, atomically; the state log row rides in the same
    transaction, so a refused or racing transition leaves neither state nor log behind.

    `savepoint=False` for a service that runs it directly inside its own `transaction.atomic()`
    block, which a failure leaves anyway: no savepoint of its own (two round trips fewer)."""
    with transaction.atomic(savepoint=savepoint):
        getattr(obj, name)(by=by, description=note or None, **kwargs)
        obj.save()
    return obj


def log_transitions(
    model: type[models.Model],
    pks: Iterable[int],
    name: str,
    *,
    source: str,
    target: str,
    by: Any,
    note: str = "",
    at: Any = None,
) -> int:
    """The history rows of a transition applied to many rows at once by a set-based UPDATE
    (which bypasses the FSM and its logging): one row per object, as `apply_transition` writes,
    in one statement (core.bulk.insert_rows). Call it in the transaction of the UPDATE."""
    return insert_rows(
        StateLog,
        [(pk,) for pk in pks],
        columns=["object_id"],
        same={
            "content_type": ContentType.objects.get_for_model(model),
            "transition": name,
            "source_state": source,
            "state": target,
            "by": by if getattr(by, "pk", None) else None,
            "timestamp": at or clock.now(),
            "description": note or None,
        },
    )


def bulk_changes(model: type[models.Model], **changes: Any) -> dict[str, Any]:
    """The columns a set-based transition writes: the given ones, `updated_at`, and a raised
    `version` on versioned models (a writer holding the old version then gets its conflict)."""
    names = {f.name for f in model._meta.concrete_fields}
    if "updated_at" in names:
        changes.setdefault("updated_at", clock.now())
    if "version" in names:
        changes["version"] = models.F("version") + 1
    return changes


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
