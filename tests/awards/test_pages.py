"""The organisers' page: propose from the ranking, approve, decide and announce; 404 outside."""

import pytest

from awards.models import Decision
from contests.models import Contest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_organiser_chooses_and_announces_through_the_page(finished, client):
    client.force_login(finished.organiser)
    page = client.get(f"/awards/contests/{finished.contest.pk}/")
    assert page.status_code == 200
    first, second, _ = finished.ranked(finished.a)
    assert first.number in page.content.decode()

    r = client.post(
        f"/awards/contests/{finished.contest.pk}/propose/", {"application": second.pk}, follow=True
    )
    assert "Write the reason" in r.content.decode()
    client.post(
        f"/awards/contests/{finished.contest.pk}/propose/", {"application": first.pk, "citation": "Так"}
    )
    decision = Decision.objects.get(application=first)

    r = client.post(f"/awards/decisions/{decision.pk}/approve/", follow=True)
    assert "another organiser or the jury chair" in r.content.decode()
    client.force_login(finished.second)
    client.post(f"/awards/decisions/{decision.pk}/approve/")
    assert Decision.objects.get(pk=decision.pk).state == "approved"

    client.post(f"/awards/contests/{finished.contest.pk}/steps/decide/")
    client.post(f"/awards/contests/{finished.contest.pk}/steps/announce/")
    assert Contest.objects.get(pk=finished.contest.pk).state == Contest.State.ANNOUNCED
    assert client.get(f"/results/{finished.contest.pk}/").status_code == 200


def test_outsiders_get_404(finished, client, other_organiser):
    decision = Decision.objects.create(
        contest=finished.contest,
        nomination=finished.a,
        application=finished.ranked(finished.a)[0],
        proposed_by=finished.organiser,
    )
    for user in (other_organiser, finished.members[decision.application_id], UserFactory()):
        client.force_login(user)
        assert client.get(f"/awards/contests/{finished.contest.pk}/").status_code == 404
        assert client.post(f"/awards/decisions/{decision.pk}/approve/").status_code == 404
        assert client.post(f"/awards/contests/{finished.contest.pk}/steps/decide/").status_code == 404
    client.force_login(finished.chair)
    assert client.get(f"/awards/contests/{finished.contest.pk}/").status_code == 200
    assert client.post(f"/awards/contests/{finished.contest.pk}/steps/decide/").status_code == 403
