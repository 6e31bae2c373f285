"""Issue 12, point 2 (h13): on the juror's scores page an invalid score is marked at the score (not
the comment), the error summary links to it, and the page says which scores were saved (autosaved
earlier) and which were not, instead of "Nothing was saved"."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from review import services
from review.models import Review, Score

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(jury) -> Review:
    return jury.assign(jury.jurors[1], jury.applications[2])


@pytest.fixture
def juror(review) -> Client:
    client = Client()
    client.force_login(review.juror.user)
    return client


def _post(client, review, jury, impact, method, action="submit"):
    data = {
        f"score_{jury.impact.pk}": impact,
        f"score_{jury.method.pk}": method,
        f"comment_{jury.impact.pk}": "",
        f"comment_{jury.method.pk}": "Чіткий план",
        "overall_comment": "",
        action: "1",
    }
    return client.post(reverse("review:score", args=[review.pk]), data)


def _summary(html: str) -> str:
    match = re.search(r'<div class="error-summary"[^>]*>.*?</div>', html, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def test_invalid_score_is_marked_at_the_score_and_the_banner_says_what_was_saved(juror, review, jury):
    services.save_scores(review, by=review.juror.user, scores={jury.impact.pk: {"value": 7}})  # autosaved
    response = _post(juror, review, jury, impact="7", method="12")
    assert response.status_code == 200
    html = response.content.decode()
    summary = _summary(html)
    assert 'tabindex="-1"' in summary and 'role="alert"' in summary
    assert f'href="#id_score_{jury.method.pk}"' in summary
    assert "Method: Enter a score from 0 to 10." in summary
    assert "Already saved: «Impact» — 7." in summary
    assert "Nothing was saved" not in html
    # The score is invalid; the comment beside it is not.
    score = re.search(rf'<input[^>]*name="score_{jury.method.pk}"[^>]*>', html).group(0)
    comment = re.search(rf'<textarea[^>]*name="comment_{jury.method.pk}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in score and f"id_score_{jury.method.pk}_errors" in score
    assert "aria-invalid" not in comment
    fieldset = re.search(rf'<fieldset[^>]*id="criterion-{jury.method.pk}"[^>]*>', html).group(0)
    assert "field--error" not in fieldset  # the mark is on the score's own field
    assert re.search(rf'<div class="field field--error">\s*<label for="id_score_{jury.method.pk}"', html), (
        "the score's field is not marked"
    )
    # Nothing changed: the good score stays as it was, the comment typed with the bad score waits.
    assert dict(Score.objects.filter(review=review).values_list("criterion_id", "value")) == {
        jury.impact.pk: 7
    }
    review.refresh_from_db()
    assert review.state != Review.State.SUBMITTED


def test_good_scores_typed_with_the_bad_one_are_said_to_wait(juror, review, jury):
    response = _post(juror, review, jury, impact="8", method="eleven", action="save")
    summary = _summary(response.content.decode())
    assert "None of your scores is saved yet." in summary
    assert f'href="#id_score_{jury.impact.pk}"' in summary
    assert "not saved yet" in summary
    assert not Score.objects.filter(review=review).exists()


def test_autosave_status_says_what_was_saved_and_links_the_bad_score(juror, review, jury):
    services.save_scores(review, by=review.juror.user, scores={jury.impact.pk: {"value": 6}})
    data = {
        f"score_{jury.impact.pk}": "6",
        f"score_{jury.method.pk}": "15",
        f"comment_{jury.impact.pk}": "",
        f"comment_{jury.method.pk}": "",
        "overall_comment": "",
    }
    html = juror.post(
        reverse("review:autosave", args=[review.pk]), data, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'href="#id_score_{jury.method.pk}"' in html
    assert "Already saved: «Impact» — 6." in html
    assert "data-error-summary" not in html  # an autosave does not move the person's focus


def test_a_valid_save_shows_no_summary(juror, review, jury):
    response = _post(juror, review, jury, impact="7", method="5", action="save")
    assert response.status_code == 302
    assert "data-error-summary" not in juror.get(response["Location"]).content.decode()
