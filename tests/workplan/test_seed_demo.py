"""`seed_demo` gives the demo's running grants a card and a plan with one late activity; a second
run creates nothing."""

import pytest
from django.core.management import call_command

from grants.models import Grant, PlanActivity, ProjectCard
from grants.workplan_selectors import late_activities

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path)


def test_seed_demo_work_plans_idempotent():
    call_command("seed_demo", "--force", verbosity=0)
    running = Grant.objects.filter(state__in=Grant.LIVE_STATES)
    assert running.exists()
    assert ProjectCard.objects.filter(grant__in=running).count() == running.count()
    assert late_activities().count() == running.count()
    assert PlanActivity.objects.filter(state="done").count() == running.count()
    counts = (ProjectCard.objects.count(), PlanActivity.objects.count())
    call_command("seed_demo", "--force", verbosity=0)
    assert (ProjectCard.objects.count(), PlanActivity.objects.count()) == counts
