"""Issue 12, point 8: the public results page explains verification in plain words and links to a
page with the command, instead of showing `python manage.py …` to the public."""

import pytest
from django.urls import reverse

from awards import services
from contests.models import Contest

pytestmark = pytest.mark.django_db


def test_results_page_links_to_the_how_to_page_instead_of_a_command(finished, client):
    a1, _, _ = finished.ranked(finished.a)
    finished.winner(a1)
    services.decide(Contest.objects.get(pk=finished.contest.pk), by=finished.organiser)
    services.announce(Contest.objects.get(pk=finished.contest.pk), by=finished.second)
    page = client.get(reverse("awards:results", args=[finished.contest.pk])).content.decode()
    assert "SHA-256" in page
    assert "manage.py" not in page
    assert f'href="{reverse("awards:how_to_verify")}"' in page
    how = client.get(reverse("awards:how_to_verify"))
    assert how.status_code == 200
    assert "python manage.py verify_results results.json" in how.content.decode()
