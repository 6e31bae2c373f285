"""`manage.py seed_demo` ends with a published analytic report on the finished demo contest,
with findings and three cited cases; a second run creates nothing more."""

import io

import pytest
from django.core.management import call_command

from awards.management.commands.seed_demo import TITLE as FINISHED_TITLE
from depository.models import Practice
from reports import demo
from reports.analytic_selectors import indicator_totals, public_reports
from reports.models import AnalyticReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path)


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def test_seed_demo_publishes_an_analytic_report_once():
    seed()
    report = AnalyticReport.objects.get(title=demo.TITLE)
    assert report.contest.title == FINISHED_TITLE
    assert report.is_published and report.findings and report.recommendations
    cases = list(report.cases.all())
    assert len(cases) == 3
    assert all(c.state == Practice.State.PUBLISHED and c.contest_id == report.contest_id for c in cases)
    assert report in public_reports()
    assert any(total.actual for total in indicator_totals(report.contest))  # the demo grants reported
    on_campaign = AnalyticReport.objects.get(title=demo.CAMPAIGN_TITLE)
    assert on_campaign.campaign_id and on_campaign.is_published and on_campaign in public_reports()
    second = seed()
    assert AnalyticReport.objects.filter(title=demo.TITLE).count() == 1
    assert AnalyticReport.objects.filter(title=demo.CAMPAIGN_TITLE).count() == 1
    assert "analytic report" not in second
