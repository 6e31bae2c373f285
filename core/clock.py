"""The one clock. Tests move it with time-machine."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def local(moment: datetime, tz_name: str) -> datetime:
    """The moment as seen in a contest's time zone."""
    return moment.astimezone(ZoneInfo(tz_name))
