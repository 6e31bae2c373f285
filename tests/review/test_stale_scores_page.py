"""The juror's score page sends the version it loaded: scores saved since (another window) are not
overwritten; the page says so and keeps the input (issue 18, point 1)."""

import pytest
from django.test import Client
from django.urls import reverse

from review import services
from review.models import Score

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(jury):
    return jury.assign(jury.jurors[1], jury.applications[2])


def test_a_stale_score_page_overwrites_nothing_and_keeps_the_input(jury, review):
    client = Client()
    client.force_login(review.juror.user)
    url = reverse("review:score", args=[review.pk])
    loaded = review.version
    assert f'name="version" id="review-version" value="{loaded}"' in client.get(url).content.decode()
    services.save_scores(
        review, by=review.juror.user, scores={jury.impact.pk: {"value": 9}}
    )  # another window
    data = {
        f"score_{jury.impact.pk}": "3",
        f"score_{jury.method.pk}": "4",
        "overall_comment": "Мій",
        "version": loaded,
    }
    body = client.post(url, {**data, "save": "1"}).content.decode()
    assert "were not overwritten" in body
    assert 'value="3"' in body and "Мій" in body  # the input is kept
    review.refresh_from_db()
    assert f'id="review-version" value="{review.version}"' in body
    assert Score.objects.get(review=review).value == 9
    # The autosave says it too, and moves the page on to the current version.
    autosave = reverse("review:autosave", args=[review.pk])
    body = client.post(autosave, data, HTTP_HX_REQUEST="true").content.decode()
    assert "were not overwritten" in body and f'value="{review.version}" hx-swap-oob="true"' in body
    # Saving again from the page that now carries the current version is deliberate: it saves.
    assert client.post(url, {**data, "version": review.version, "save": "1"}).status_code == 302
    assert Score.objects.get(review=review, criterion=jury.impact).value == 3
