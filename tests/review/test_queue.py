"""The juror's queue (issue 12, point 6): the unfinished first, then the submitted, then the
declined; every review says its state and "criteria scored: n of m" in words, and a declined
review is listed without a link to its (gone) page."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from review import services
from review.models import Review
from review.selectors import juror_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue_of(jury):
    """Juror 1 with one review of each kind: app 2 submitted, app 4 declined, app 3 assigned."""
    juror = jury.jurors[1]
    submitted = jury.assign(juror, jury.applications[2])
    services.save_scores(
        submitted,
        by=juror.user,
        scores={jury.impact.pk: {"value": 7, "comment": ""}, jury.method.pk: {"value": 5, "comment": ""}},
    )
    submitted = services.submit_review(Review.objects.get(pk=submitted.pk), by=juror.user)
    declined = services.decline_review(
        jury.assign(juror, jury.applications[4]), by=juror.user, note="Немає часу."
    )
    assigned = jury.assign(juror, jury.applications[3])
    return juror, {"submitted": submitted, "declined": declined, "assigned": assigned}


def test_the_unfinished_come_first_then_the_submitted_then_the_declined(queue_of):
    juror, reviews = queue_of
    queue = juror_queue(juror.user)
    assert [r.pk for r in queue] == [
        reviews["assigned"].pk,
        reviews["submitted"].pk,
        reviews["declined"].pk,
    ]
    assert [r.state for r in queue] == ["assigned", "submitted", "declined"]


def test_a_reopened_review_is_unfinished_again(queue_of, jury):
    juror, reviews = queue_of
    services.reopen_review(Review.objects.get(pk=reviews["submitted"].pk), by=jury.organiser, note="Ще раз.")
    queue = juror_queue(juror.user)
    assert queue[-1].pk == reviews["declined"].pk
    assert {queue[0].state, queue[1].state} == {"assigned", "reopened"}


def test_the_page_says_state_and_progress_in_words(queue_of):
    juror, reviews = queue_of
    client = Client()
    client.force_login(juror.user)
    with translation.override("en"):
        body = client.get(reverse("review:queue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Order on the page: unfinished, submitted, declined.
    titles = [
        Review.objects.get(pk=reviews[k].pk).application.title for k in ("assigned", "submitted", "declined")
    ]
    positions = [body.index(t) for t in titles]
    assert positions == sorted(positions)
    assert "Criteria scored" in body and "Progress" not in body
    assert re.search(r"Criteria scored: </span>2 of 2", body)  # the submitted one, in words
    assert "Declined" in body and "Submitted" in body and "Assigned" in body
    # The declined review's page is gone: no link to it; the others link to their pages.
    assert reverse("review:score", args=[reviews["declined"].pk]) not in body
    assert reverse("review:score", args=[reviews["assigned"].pk]) in body
    assert client.get(reverse("review:score", args=[reviews["declined"].pk])).status_code == 404


def test_the_page_speaks_ukrainian(queue_of):
    juror, _ = queue_of
    client = Client()
    client.force_login(juror.user)
    client.cookies["django_language"] = "uk"
    body = client.get(reverse("review:queue")).content.decode()
    assert "Хід надсилання" not in body
