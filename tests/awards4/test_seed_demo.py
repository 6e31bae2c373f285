"""`seed_demo` gives the finished demo contest a special award with a reason, certificates of
participation and letters of thanks; a second run creates nothing."""

import io

import pytest
from django.core.management import call_command

from applications.models import Application
from awards.demo_awards4 import AWARD, REASON
from awards.management.commands.seed_demo import TITLE
from awards.models import Diploma, IssueRun, SpecialAward
from contests.models import Contest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path)


def _counts() -> dict[str, int]:
    return {
        "awards": SpecialAward.objects.count(),
        "runs": IssueRun.objects.count(),
        **{kind: Diploma.objects.filter(kind=kind).count() for kind in Diploma.Kind.values},
    }


def test_the_finished_contest_gets_awards_beyond_the_winners_once():
    call_command("seed_demo", "--force", stdout=io.StringIO())
    contest = Contest.objects.get(title=TITLE)
    award = SpecialAward.objects.get(contest=contest, title=AWARD)
    choice = award.choices.get()
    assert choice.reason == REASON and award.chosen == 1
    assert Diploma.objects.get(kind=Diploma.Kind.SPECIAL, special_choice=choice).reason == REASON
    participants = Application.objects.filter(
        contest=contest, state__in=[Application.State.AWARDED, Application.State.NOT_AWARDED]
    ).count()
    assert (
        Diploma.objects.filter(contest=contest, kind=Diploma.Kind.PARTICIPATION).count() == participants > 0
    )
    assert Diploma.objects.filter(contest=contest, kind=Diploma.Kind.THANKS).exists()
    assert set(IssueRun.objects.filter(contest=contest).values_list("state", flat=True)) == {"done"}
    before = _counts()

    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert _counts() == before
