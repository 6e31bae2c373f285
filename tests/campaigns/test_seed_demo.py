"""`manage.py seed_demo` adds a reporting campaign with a schedule, idempotently."""

import io

import pytest
from django.core.management import call_command

from campaigns import demo
from campaigns.models import Campaign, CampaignReport, Schedule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path)


def test_seed_demo_twice_makes_one_campaign():
    call_command("seed_demo", "--force", stdout=io.StringIO())
    campaign = Campaign.objects.get(title=demo.TITLE, owner__name=demo.OWNER)
    assert campaign.state == Campaign.State.OPEN
    states = set(campaign.reports.values_list("state", flat=True))
    assert {CampaignReport.State.ACCEPTED, CampaignReport.State.RETURNED, CampaignReport.State.DUE} <= states
    assert Schedule.objects.filter(template=campaign).count() == 1
    counts = (Campaign.objects.count(), CampaignReport.objects.count(), Schedule.objects.count())
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert (Campaign.objects.count(), CampaignReport.objects.count(), Schedule.objects.count()) == counts
    assert demo.seed() == []
