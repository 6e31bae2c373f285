"""Test-only events and templates; helpers shared by the notifications tests."""

from pathlib import Path

import pytest

from notifications import events, reminders
from notifications.events import Event

HERE = Path(__file__).resolve().parent

HELLO = events.register(Event("test.hello", "A test greeting", placeholders={"name": "who"}))
RECEIPT = events.register(Event("test.receipt", "A mandatory test receipt", mandatory=True))


@pytest.fixture(autouse=True)
def _test_templates(settings):
    """tests/notifications/templates holds the test events' templates."""
    settings.TEMPLATES = [
        {**engine, "DIRS": [*engine["DIRS"], HERE / "templates"]} for engine in settings.TEMPLATES
    ]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs the on-commit hooks (eager Celery) as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def no_providers():
    """Reminder providers registered by a test are gone afterwards."""
    saved = list(reminders._providers)
    reminders._providers.clear()
    yield reminders._providers
    reminders._providers[:] = saved
