"""Screening pages after the call closed (issue 15, point 2): the bulk return takes a correction
deadline in the contest's time zone; the applicant's pages show the note and that deadline;
past it the applicant can no longer edit and the organiser screens it as it is."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application
from contests import services as contest_services
from tests.applications.screening_data import submitted

pytestmark = pytest.mark.django_db
KYIV = ZoneInfo("Europe/Kyiv")


def list_url(contest):
    return reverse("applications:screening", args=[contest.pk])


def member_of(application):
    return application.organisation.members.first()


def test_bulk_return_after_close_with_a_deadline_in_the_contests_zone(web, organiser, published_contest):
    app = submitted(published_contest)
    contest_services.close_contest(published_contest, by=organiser, force=True, note="Достроково")
    client = web(organiser)
    html = client.get(list_url(published_contest)).content.decode()
    assert 'name="return_for_correction-correct_by"' in html
    assert 'type="datetime-local"' in html
    assert "Dates and times are in the contest's time zone, Europe/Kyiv." in html

    wall_clock = (timezone.now() + timedelta(days=3)).astimezone(KYIV).replace(second=0, microsecond=0)
    data = {
        "applications": [app.pk],
        "outcome": "return_for_correction",
        "return_for_correction-note": "Додайте кошторис",
        "return_for_correction-correct_by": "у п'ятницю",
    }
    html = client.post(list_url(published_contest), data, follow=True).content.decode()
    assert "Enter a date and time, e.g. 2030-05-31 18:00." in html
    app.refresh_from_db()
    assert app.state == Application.State.SUBMITTED

    data["return_for_correction-correct_by"] = wall_clock.strftime("%Y-%m-%dT%H:%M")
    html = client.post(list_url(published_contest), data, follow=True).content.decode()
    assert "1 application done" in html
    app.refresh_from_db()
    assert app.state == Application.State.RETURNED
    assert app.correct_by == wall_clock  # 18:00 typed is 18:00 in Kyiv, not on the server


def test_applicant_sees_note_and_deadline_then_is_locked_out_after_it(web, organiser, published_contest):
    app = submitted(published_contest)
    contest_services.close_contest(published_contest, by=organiser, force=True, note="Достроково")
    deadline = timezone.now() + timedelta(days=2)
    services.return_application(app, by=organiser, note="Додайте фото читальні", correct_by=deadline)
    client = web(member_of(app))
    detail = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert "Додайте фото читальні" in detail
    assert "Correct and resubmit by:" in detail
    assert deadline.isoformat() in detail  # the <time datetime=…> of the deadline
    edit = client.get(reverse("applications:edit", args=[app.pk]))
    assert edit.status_code == 200
    assert 'id="correction-deadline"' in edit.content.decode()

    with time_machine.travel(deadline + timedelta(minutes=1), tick=False):
        response = client.get(reverse("applications:edit", args=[app.pk]), follow=True)
        assert "This application can no longer be changed." in response.content.decode()
        detail = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
        assert "the correction deadline has passed" in detail
        assert "Submit the application" not in detail
        screening = web(organiser).get(reverse("applications:screening_detail", args=[app.pk]))
        html = screening.content.decode()
        assert "The correction deadline passed without a resubmission" in html
        assert "Mark eligible" in html and "Mark ineligible" in html
