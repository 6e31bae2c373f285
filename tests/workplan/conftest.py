"""A grant with a project card and a work plan (people invented). Reuses the grants' world:
officer (grant officer), organiser (organiser only), member (of the grantee), outsider (member of
another library)."""

from datetime import date

import pytest

from grants.models import Grant, PlanActivity
from grants.services import work_plan
from tests.grants.conftest import World, pdf

__all__ = ["World", "activity", "pdf"]


def activity(grant: Grant, by, title: str = "Майстер-клас", **kwargs) -> PlanActivity:
    values = {
        "responsible": "Завідувачка відділу",
        "start_month": date(2025, 3, 1),
        "end_month": date(2025, 5, 1),
        "deadline": date(2025, 5, 31),
        **kwargs,
    }
    return work_plan.add_activity(grant, by=by, title=title, **values)


@pytest.fixture
def world(db) -> World:
    return World()


@pytest.fixture
def active(world) -> Grant:
    return world.active()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def mid_2025(time_machine):
    time_machine.move_to("2025-06-15 09:00Z")
