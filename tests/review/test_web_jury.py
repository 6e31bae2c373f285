"""The organiser's jury page: jurors, rounds and their steps, automatic and manual assignment,
recusal and conflicts. Outsiders get 404."""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from review import services
from review.models import Conflict, Juror, Review, Round
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def organiser_client(jury):
    return client_for(jury.organiser)


def jury_url(jury) -> str:
    return reverse("review:jury", args=[jury.contest.pk])


def test_the_page_shows_jurors_rounds_and_conflicts(organiser_client, jury):
    page = organiser_client.get(jury_url(jury))
    assert page.status_code == 200
    body = page.content.decode()
    for juror in jury.jurors:
        assert juror.user.display_name in body
    assert jury.round.title in body
    assert "The juror&#x27;s own organisation" in body or "own organisation" in body  # automatic conflict
    assert reverse("review:progress", args=[jury.round.pk]) in body
    assert reverse("review:ranking", args=[jury.round.pk]) in body


def test_outsiders_get_404(jury, applicant, other_organiser):
    for user in (jury.jurors[0].user, applicant, other_organiser):
        client = client_for(user)
        assert client.get(jury_url(jury)).status_code == 404
        assert client.post(reverse("review:auto_assign", args=[jury.round.pk])).status_code == 404
        assert client.post(reverse("review:juror_add", args=[jury.contest.pk]), {}).status_code == 404


class TestJurors:
    def test_add_an_existing_user_with_nominations_and_region(self, organiser_client, jury):
        person = UserFactory(email="nova.suddia@example.org")
        response = organiser_client.post(
            reverse("review:juror_add", args=[jury.contest.pk]),
            {
                "email": "Nova.Suddia@example.org",
                "nominations": [jury.b.pk],
                "region": "poltava",
                "max_load": "5",
            },
        )
        assert response.status_code == 302
        juror = Juror.objects.get(contest=jury.contest, user=person)
        assert list(juror.nominations.all()) == [jury.b]
        assert (juror.region, juror.max_load) == ("poltava", 5)

    def test_an_unknown_address_is_refused(self, organiser_client, jury):
        response = organiser_client.post(
            reverse("review:juror_add", args=[jury.contest.pk]), {"email": "nikhto@example.org"}
        )
        assert response.status_code == 200
        assert "Nobody with this e-mail address has an account yet" in response.content.decode()

    def test_a_juror_with_reviews_cannot_be_removed(self, organiser_client, jury):
        juror = jury.jurors[1]
        jury.assign(juror, jury.applications[2])
        response = organiser_client.post(
            reverse("review:juror_remove", args=[jury.contest.pk, juror.pk]), follow=True
        )
        assert "Recuse them from each application first" in response.content.decode()
        assert Juror.objects.filter(pk=juror.pk).exists()

    def test_a_juror_without_reviews_leaves(self, organiser_client, jury):
        juror = jury.jurors[3]
        response = organiser_client.post(reverse("review:juror_remove", args=[jury.contest.pk, juror.pk]))
        assert response.status_code == 302
        assert not Juror.objects.filter(pk=juror.pk).exists()


class TestRounds:
    def test_plan_a_round(self, organiser_client, jury):
        response = organiser_client.post(
            reverse("review:round_create", args=[jury.contest.pk]),
            {
                "title": "Фінал",
                "due_at": "2030-05-01T18:00",
                "reviewers_per_application": "3",
                "score_visibility": Round.ScoreVisibility.ALWAYS,
                "method": Round.Method.MEAN,
                "trim_share": "0.20",
                "criteria": [jury.impact.pk],
            },
        )
        assert response.status_code == 302, response.content.decode()
        created = Round.objects.get(contest=jury.contest, title="Фінал")
        assert created.number == 2
        assert list(created.criteria.all()) == [jury.impact]
        assert created.due_at.isoformat().startswith("2030-05-01T15:00")  # 18:00 in Kyiv, summer time

    def test_opening_a_second_round_is_refused_with_the_reason(self, organiser_client, jury):
        second = services.create_round(jury.contest, by=jury.organiser)
        response = organiser_client.post(reverse("review:round_step", args=[second.pk, "open"]), follow=True)
        assert "Another round of this contest is open; close it first." in response.content.decode()
        second.refresh_from_db()
        assert second.state == Round.State.PLANNED

    def test_close_and_reopen_the_round(self, organiser_client, jury):
        organiser_client.post(reverse("review:round_step", args=[jury.round.pk, "close"]))
        jury.round.refresh_from_db()
        assert jury.round.state == Round.State.CLOSED
        organiser_client.post(reverse("review:round_step", args=[jury.round.pk, "open"]))
        jury.round.refresh_from_db()
        assert jury.round.state == Round.State.OPEN


class TestAssignment:
    def test_automatic_assignment_shows_the_report(self, organiser_client, jury, monkeypatch):
        calls = []

        def fake(round_, *, by):
            calls.append((round_.pk, by.pk))
            return SimpleNamespace(
                created=12, unfilled=0, load_min=3, load_max=4, load_spread=1, affinity=7, affinity_bound=9
            )

        monkeypatch.setattr(services, "auto_assign_and_notify", fake)
        response = organiser_client.post(reverse("review:auto_assign", args=[jury.round.pk]), follow=True)
        body = response.content.decode()
        assert calls == [(jury.round.pk, jury.organiser.pk)]
        assert "Assigned 12 reviews; 0 places left unfilled." in body
        assert "from 3 to 4 (spread 1)" in body
        assert "7 of at most 9" in body

    def test_automatic_assignment_for_real(self, organiser_client, jury):
        response = organiser_client.post(reverse("review:auto_assign", args=[jury.round.pk]), follow=True)
        made = Review.objects.filter(round=jury.round).count()
        assert made > 0
        assert f"Assigned {made} reviews;" in response.content.decode()

    def test_one_juror_to_several_applications(self, organiser_client, jury):
        juror = jury.jurors[1]
        chosen = [jury.applications[2], jury.applications[3]]
        response = organiser_client.post(
            reverse("review:assign", args=[jury.round.pk]),
            {
                "direction": "juror",
                "by-juror-juror": juror.pk,
                "by-juror-applications": [a.pk for a in chosen],
            },
        )
        assert response.status_code == 302
        assert set(Review.objects.filter(juror=juror).values_list("application_id", flat=True)) == {
            a.pk for a in chosen
        }

    def test_one_application_to_several_jurors(self, organiser_client, jury):
        application = jury.applications[2]
        response = organiser_client.post(
            reverse("review:assign", args=[jury.round.pk]),
            {
                "direction": "application",
                "by-application-application": application.pk,
                "by-application-jurors": [jury.jurors[1].pk, jury.jurors[3].pk],
            },
        )
        assert response.status_code == 302
        assert Review.objects.filter(application=application).count() == 2

    def test_a_conflict_refuses_the_whole_assignment(self, organiser_client, jury):
        response = organiser_client.post(
            reverse("review:assign", args=[jury.round.pk]),
            {
                "direction": "application",
                "by-application-application": jury.applications[0].pk,
                "by-application-jurors": [jury.jurors[0].pk, jury.jurors[3].pk],
            },
        )
        assert response.status_code == 200
        assert "has a conflict of interest with application" in response.content.decode()
        assert not Review.objects.exists()

    def test_recusal_declines_the_review_and_records_the_conflict(self, organiser_client, jury):
        review = jury.assign(jury.jurors[1], jury.applications[2])
        response = organiser_client.post(
            reverse("review:recuse", args=[jury.contest.pk]),
            {
                "juror": jury.jurors[1].pk,
                "application": jury.applications[2].pk,
                "reason": "Родич у правлінні",
            },
            follow=True,
        )
        assert "was recused from application" in response.content.decode()
        review.refresh_from_db()
        assert review.state == Review.State.DECLINED
        assert Conflict.objects.get(juror=jury.jurors[1], application=jury.applications[2]).kind == "recused"
        assert "Родич у правлінні" in response.content.decode()

    def test_recusal_needs_a_reason(self, organiser_client, jury):
        response = organiser_client.post(
            reverse("review:recuse", args=[jury.contest.pk]),
            {"juror": jury.jurors[1].pk, "application": jury.applications[2].pk, "reason": ""},
        )
        assert response.status_code == 200
        assert "This field is required." in response.content.decode()
