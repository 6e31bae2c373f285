"""Diplomas: a PDF for the winner's organisation and the organisers, verifiable by anyone."""

import pytest

from awards import services
from awards.models import Diploma
from contests.models import Contest
from tests.factories import UserFactory
from tests.pdf import inflated

pytestmark = pytest.mark.django_db


@pytest.fixture
def diploma(finished) -> Diploma:
    winner = finished.ranked(finished.a)[0]
    finished.winner(winner)
    services.update_settings(finished.contest, signatory_name="Олена Вигадана", signatory_title="Голова журі")
    services.decide(finished.contest, by=finished.organiser)
    services.announce(Contest.objects.get(pk=finished.contest.pk), by=finished.organiser)
    return Diploma.objects.select_related("decision__application").get()


def test_winners_member_downloads_the_pdf(finished, diploma, client):
    member = finished.members[diploma.decision.application_id]
    client.force_login(member)
    response = client.get(f"/awards/diplomas/{diploma.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"DejaVu" in inflated(response.content)  # the Cyrillic font travels inside the file
    assert b"/FontFile2" in inflated(response.content)  # embedded, not merely named


def test_organiser_downloads_too_and_others_get_404(finished, diploma, client):
    client.force_login(finished.organiser)
    assert client.get(f"/awards/diplomas/{diploma.pk}/").status_code == 200
    loser = finished.members[finished.applications[1].pk]
    for user in (UserFactory(), loser, finished.chair):
        client.force_login(user)
        assert client.get(f"/awards/diplomas/{diploma.pk}/").status_code == 404


def test_verification_page_knows_the_code(diploma, client):
    page = client.get(f"/diplomas/verify/{diploma.code}/")
    assert page.status_code == 200
    assert "This diploma is genuine." in page.content.decode()
    assert diploma.organisation_name in page.content.decode()
    # Typed by hand: lower case and spaces are forgiven.
    page = client.get("/diplomas/verify/", {"code": f" {diploma.code.lower()} "})
    assert diploma.organisation_name in page.content.decode()


def test_verification_page_says_an_unknown_code_is_unknown(diploma, client):
    page = client.get("/diplomas/verify/NOPE-NOPE-NOPE/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "No diploma has the code “NOPE-NOPE-NOPE”." in text
    assert diploma.organisation_name not in text
    assert client.get("/diplomas/verify/").status_code == 200
