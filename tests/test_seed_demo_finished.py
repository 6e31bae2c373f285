"""`manage.py seed_demo` ends with a finished contest whose winners hold grants in every state,
with tranches, reports and indicators; invented, idempotent, written through the services."""

import io
import re

import pytest
from django.core.management import call_command, get_commands, load_command_class

from accounts.models import User
from applications.models import Application
from awards.management.commands import seed_demo
from contests.management import demo_data
from contests.models import Contest
from core.fsm import history
from depository.models import Practice
from grants.models import (
    AuditEntry,
    BudgetLine,
    Disbursement,
    Grant,
    GrantReport,
    IndicatorActual,
    IndicatorTarget,
    Spending,
)
from review.management.commands.seed_demo_review import Command as ReviewSeedCommand

pytestmark = pytest.mark.django_db

DEMO_EMAIL = re.compile(r"^[a-z0-9._-]+@(example\.org|demo\.konkurs\.localhost)$")


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


def test_seed_demo_is_the_awards_command_extending_the_reviews():
    command = load_command_class(get_commands()["seed_demo"], "seed_demo")
    assert isinstance(command, seed_demo.Command)
    review = load_command_class(get_commands()["seed_demo_review"], "seed_demo_review")
    assert isinstance(review, ReviewSeedCommand)


def test_a_finished_contest_with_grants_in_every_state():
    output = seed()
    contest = Contest.objects.get(title=seed_demo.TITLE)
    assert contest.state == Contest.State.ANNOUNCED
    assert [log.state for log in history(contest)][-3:] == ["in_review", "decided", "announced"]
    winners = Application.objects.filter(contest=contest, state=Application.State.AWARDED)
    assert winners.count() == contest.max_winners == 5
    published = Practice.objects.filter(contest=contest, state=Practice.State.PUBLISHED)
    assert set(published.values_list("application_id", flat=True)) == {w.pk for w in winners}
    grants = Grant.objects.filter(contest=contest)
    assert set(grants.values_list("state", flat=True)) == set(Grant.State.values)
    assert sum(grants.exclude(state="terminated").values_list("amount", flat=True)) <= contest.grant_budget
    tranches = set(Disbursement.objects.filter(grant__contest=contest).values_list("state", flat=True))
    assert tranches == set(Disbursement.State.values)
    reports = set(GrantReport.objects.filter(grant__contest=contest).values_list("state", flat=True))
    assert reports == set(GrantReport.State.values)
    assert contest.grant_indicators.count() == 3
    assert IndicatorTarget.objects.filter(grant__contest=contest).exists()
    assert IndicatorActual.objects.filter(report__state="accepted").exists()
    assert Spending.objects.exists() and BudgetLine.objects.exists()
    assert AuditEntry.objects.filter(action="tranche.paid").count() == 4
    completed = grants.get(state="completed")
    assert not completed.reports.exclude(state="accepted").exists()
    assert grants.get(state="terminated").termination_reason
    officer = User.objects.get(email=demo_data.GRANT_OFFICER["email"])
    assert contest.roles.filter(user=officer, role="grant_officer").exists()
    assert "Grants of «" in output


def test_only_invented_people_and_a_second_run_changes_nothing():
    seed()
    emails = list(User.objects.values_list("email", flat=True))
    assert [e for e in emails if not DEMO_EMAIL.match(e.lower())] == []
    counts = (Grant.objects.count(), Disbursement.objects.count(), GrantReport.objects.count())
    values = list(Grant.objects.order_by("pk").values())
    output = seed()
    assert (Grant.objects.count(), Disbursement.objects.count(), GrantReport.objects.count()) == counts
    assert list(Grant.objects.order_by("pk").values()) == values
    assert "nothing created" in output
