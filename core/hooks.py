"""Domain events for listeners in higher apps (webhooks): a lower app's service says what
happened (`publish("application.submitted", Application, [pk])`) inside its own transaction, and
whoever subscribed at start-up writes its own rows in that same transaction. The lower app never
names its listeners (DESIGN.md's layers): they fill this registry from their AppConfig.ready().
"""

from collections.abc import Callable, Iterable

from django.db import models

# (event type, model, primary keys) -> None; called synchronously in the caller's transaction.
Listener = Callable[[str, type[models.Model], list[int]], None]

_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def publish(event: str, model: type[models.Model], pks: Iterable[int]) -> None:
    """Tell every listener that `event` happened to these rows of `model`. Call it inside the
    transaction of the change, so a rolled-back change publishes nothing."""
    pks = list(pks)
    if not pks:
        return
    for listener in _listeners:
        listener(event, model, pks)
