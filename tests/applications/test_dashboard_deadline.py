"""The applicant's "My applications" shows a returned entry's own correction deadline (with the
time left), not the call's closed deadline; other entries keep the call's deadline."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications import services
from contests import services as contest_services
from tests.applications.screening_data import submitted

pytestmark = pytest.mark.django_db


def card_of(html: str, application) -> str:
    """The dashboard card of one application."""
    cards = re.findall(r'<li class="card">(.*?)</li>', html, flags=re.S)
    [card] = [c for c in cards if f"/applications/{application.pk}/" in c]
    return card


def test_a_returned_entry_shows_its_own_correction_deadline(web, organiser, published_contest):
    returned = submitted(published_contest)
    other = submitted(published_contest)
    closes_at = published_contest.closes_at
    contest_services.close_contest(published_contest, by=organiser, force=True, note="Достроково")
    published_contest.refresh_from_db()
    deadline = timezone.now() + timedelta(days=4)
    services.return_application(returned, by=organiser, note="Додайте кошторис", correct_by=deadline)
    member = returned.organisation.members.first()
    other.organisation.memberships.create(user=member)

    html = web(member).get(reverse("applications:mine")).content.decode()
    card = card_of(html, returned)
    assert "Correct and resubmit by" in card
    assert deadline.isoformat() in card  # the <time datetime=…> of the entry's own deadline
    assert "left" in card  # it may still be corrected: the time left is shown
    assert "Application deadline" not in card
    assert published_contest.closes_at.isoformat() not in card
    # An entry that was not returned keeps the call's deadline.
    untouched = card_of(html, other)
    assert "Application deadline" in untouched
    assert "Correct and resubmit by" not in untouched
    assert closes_at is None or published_contest.closes_at.isoformat() in untouched


def test_past_its_correction_deadline_no_time_left_is_shown(web, organiser, published_contest):
    returned = submitted(published_contest)
    contest_services.close_contest(published_contest, by=organiser, force=True, note="Достроково")
    deadline = timezone.now() + timedelta(days=1)
    services.return_application(returned, by=organiser, note="Додайте кошторис", correct_by=deadline)
    member = returned.organisation.members.first()
    with time_machine.travel(deadline + timedelta(hours=1), tick=False):
        card = card_of(web(member).get(reverse("applications:mine")).content.decode(), returned)
    assert "Correct and resubmit by" in card
    assert deadline.isoformat() in card
    assert "left" not in card
