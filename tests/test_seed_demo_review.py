"""`manage.py seed_demo` adds a jury at work on last year's contest, idempotently and invented."""

import importlib
import io
import re
from collections import Counter

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command, get_commands, load_command_class
from django.test import RequestFactory

from accounts.models import User
from applications.models import Application
from contests.management import demo_data
from contests.models import Contest
from core import clock
from core.fsm import history
from notifications.models import Message
from review.management import demo_review as demo
from review.management.commands.seed_demo_review import Command as ReviewSeedCommand
from review.models import Conflict, Juror, Review, Round, Score
from review.selectors import juror_queue

pytestmark = pytest.mark.django_db

DEMO_EMAIL = re.compile(r"^[a-z0-9._-]+@(example\.org|demo\.konkurs\.localhost)$")
PHONE = re.compile(r"\+?\d[\d ()-]{8,}\d")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def review_contest() -> Contest:
    return Contest.objects.get(title=demo.TITLE)


def declining_is_possible() -> bool:
    try:
        return hasattr(importlib.import_module("review.assignment"), "replace_declined")
    except ImportError:
        return False


def test_seed_demo_runs_the_review_layer():
    """The review's part is `seed_demo_review`; `seed_demo` (the grants', beside review in the
    layers) runs it by name before its own part."""
    command = load_command_class(get_commands()["seed_demo_review"], "seed_demo_review")
    assert isinstance(command, ReviewSeedCommand)
    output = seed()
    assert "Jury of «" in output and "Applications to «" in output


def test_last_years_contest_was_closed_screened_and_is_in_review():
    seed()
    main = Contest.objects.get(title=demo_data.MAIN_CONTEST["title"])
    assert main.state == Contest.State.PUBLISHED and main.is_accepting_applications
    contest = review_contest()
    assert contest.state == Contest.State.IN_REVIEW
    assert contest.opens_at < main.opens_at and contest.closes_at <= clock.now()
    assert [log.state for log in history(contest)] == ["published", "closed", "in_review"]
    assert contest.nominations.count() == main.nominations.count()
    assert contest.criteria.count() == main.criteria.count()

    applications = Application.objects.filter(contest=contest)
    assert applications.count() == len(demo.ENTRIES) >= 10
    assert Counter(applications.values_list("state", flat=True)) == {
        "under_review": len(demo.ENTRIES) - 1,
        "ineligible": 1,
    }
    ineligible = applications.get(state="ineligible")
    assert ineligible.ineligibility_reason and ineligible.screening_note
    for application in applications:
        assert contest.opens_at <= application.submitted_at < contest.closes_at
        assert application.revisions.count() == 1
        assert application.categories.exists()
        assert history(application).first().state == "submitted"


def test_a_jury_of_five_scores_in_several_states():
    seed()
    contest = review_contest()
    jurors = list(Juror.objects.filter(contest=contest).select_related("user"))
    assert len(jurors) == 5
    assert all(juror.region and juror.expertise.exists() for juror in jurors)
    assert sum(juror.chair for juror in jurors) == 1
    round_ = contest.review_rounds.get()
    assert round_.state == Round.State.OPEN

    reviews = Review.objects.filter(round=round_)
    states = Counter(reviews.values_list("state", flat=True))
    assert states["submitted"] > len(reviews) / 2
    assert states["in_progress"] >= 2 and states["assigned"] >= 1
    if declining_is_possible():
        declined = reviews.get(state="declined")
        assert declined.decline_reason
        conflict = Conflict.objects.get(juror=declined.juror, application=declined.application)
        assert conflict.kind == Conflict.Kind.DECLARED
    assert not reviews.exclude(application__state="under_review").exists()

    criteria = contest.criteria.count()
    for review in reviews.filter(state="submitted"):
        assert review.scores.count() == criteria and review.overall_comment and review.submitted_at
        assert history(review).last().by == review.juror.user
    for review in reviews.filter(state="in_progress"):
        assert 0 < review.scores.count() < criteria
    assert not Score.objects.filter(review__state="assigned", review__round=round_).exists()

    def mean(email: str) -> float:
        values = Score.objects.filter(review__round=round_, review__juror__user__email=email)
        values = list(values.values_list("value", flat=True))
        return sum(values) / len(values)

    harsh = min(demo.JURY, key=lambda seat: seat.bias).email
    lenient = max(demo.JURY, key=lambda seat: seat.bias).email
    assert mean(harsh) + 2 < mean(lenient)
    values = set(Score.objects.filter(review__round=round_).values_list("value", flat=True))
    assert len(values) >= 6 and values <= set(range(11))

    told = set(Message.objects.filter(event="review.assigned").values_list("user__email", flat=True))
    assert {juror.user.email for juror in jurors} <= told


def test_the_demo_juror_has_work_to_do():
    seed()
    user = User.objects.get(email=demo.DEMO_JUROR)
    assert (
        authenticate(RequestFactory().post("/"), email=user.email, password=demo_data.DEMO_PASSWORD) == user
    )
    queue = [review for review in juror_queue(user) if review.round.contest.title == demo.TITLE]
    unfinished = [review for review in queue if review.is_writable]
    assert len(unfinished) >= 2
    assert {review.state for review in unfinished} == {"assigned", "in_progress"}
    assert any(review.state == "submitted" for review in queue)


def test_only_invented_people():
    seed()
    contest = review_contest()
    users = User.objects.filter(juror_seats__contest=contest)
    assert users.count() == 5
    invented = {person["email"]: person["full_name"] for person in demo_data.JURORS}
    assert all(invented.get(user.email) == user.full_name for user in users)
    emails = set(User.objects.values_list("email", flat=True))
    emails |= set(Message.objects.exclude(email="").values_list("email", flat=True))
    assert sorted(e for e in emails if not DEMO_EMAIL.match(e.lower())) == []
    assert not User.objects.exclude(phone="").exists()
    texts = list(Review.objects.values_list("overall_comment", "decline_reason"))
    texts += list(Score.objects.values_list("comment"))
    assert not [t for row in texts for t in row if PHONE.search(t) or "@" in t]


def test_a_second_run_creates_and_changes_nothing():
    seed()
    counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    values = (
        list(Contest.objects.order_by("pk").values()),
        list(Review.objects.order_by("pk").values()),
        list(Score.objects.order_by("pk").values()),
        list(Juror.objects.order_by("pk").values()),
        list(Round.objects.order_by("pk").values()),
    )

    output = seed()

    assert {m._meta.label: m._default_manager.count() for m in apps.get_models()} == counts
    assert (
        list(Contest.objects.order_by("pk").values()),
        list(Review.objects.order_by("pk").values()),
        list(Score.objects.order_by("pk").values()),
        list(Juror.objects.order_by("pk").values()),
        list(Round.objects.order_by("pk").values()),
    ) == values
    assert "nothing created" in output and "Jury of «" in output
