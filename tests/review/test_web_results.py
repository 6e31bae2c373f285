"""The organiser's progress board and ranking of a round: reminders, reopening, the ranking
table with filters, the breakdown with the consensus note, exports, flat query counts."""

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Application
from notifications.models import Message
from review import services
from review.models import JuryNote, Review
from tests.factories import OrganisationFactory
from tests.review.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def score_and_submit(jury, review, impact: int, method: int, submit: bool = True) -> Review:
    services.save_scores(
        review,
        by=review.juror.user,
        scores={jury.impact.pk: {"value": impact}, jury.method.pk: {"value": method}},
    )
    if submit:
        review = services.submit_review(review, by=review.juror.user)
    return review


@pytest.fixture
def scored(jury):
    """Applications 2 and 4 (nomination A) each scored by jurors 1 and 3; juror 2 has one unfinished."""
    reviews = []
    for application, values in (
        (jury.applications[2], ((8, 7), (6, 9))),
        (jury.applications[4], ((3, 2), (5, 4))),
    ):
        for juror, (impact, method) in zip((jury.jurors[1], jury.jurors[3]), values, strict=True):
            reviews.append(score_and_submit(jury, jury.assign(juror, application), impact, method))
    jury.assign(jury.jurors[2], jury.applications[4])
    return reviews


def extra_applications(jury, n: int) -> list[Application]:
    return [
        ApplicationFactory(
            contest=jury.contest,
            nomination=jury.a,
            organisation=OrganisationFactory(region="odesa"),
            state=Application.State.UNDER_REVIEW,
        )
        for _ in range(n)
    ]


class TestProgress:
    def test_by_juror_and_by_application(self, jury, scored):
        page = client_for(jury.organiser).get(reverse("review:progress", args=[jury.round.pk]))
        assert page.status_code == 200
        body = page.content.decode()
        assert jury.jurors[1].user.display_name in body
        assert jury.applications[2].title in body
        assert "Reopen the review" in body
        assert "Remind jurors now" in body

    def test_outsiders_get_404(self, jury, scored, applicant, other_organiser):
        for user in (jury.jurors[1].user, applicant, other_organiser):
            client = client_for(user)
            assert client.get(reverse("review:progress", args=[jury.round.pk])).status_code == 404
            assert client.post(reverse("review:remind", args=[jury.round.pk])).status_code == 404

    def test_remind_reaches_only_jurors_with_unfinished_reviews(self, jury, scored):
        Message.objects.all().delete()
        response = client_for(jury.organiser).post(
            reverse("review:remind", args=[jury.round.pk]), follow=True
        )
        assert "A reminder was sent to 1 juror." in response.content.decode()
        reminded = set(Message.objects.filter(event="review.due").values_list("user_id", flat=True))
        assert reminded == {jury.jurors[2].user_id}

    def test_reopen_with_a_note(self, jury, scored):
        review = scored[0]
        url = reverse("review:reopen", args=[jury.round.pk, review.pk])
        client = client_for(jury.organiser)
        client.post(url, {"note": ""})
        review.refresh_from_db()
        assert review.state == Review.State.SUBMITTED
        response = client.post(url, {"note": "Перевірте оцінку методу"}, follow=True)
        assert "The review was reopened; the juror was told why." in response.content.decode()
        review.refresh_from_db()
        assert review.state == Review.State.REOPENED
        assert Message.objects.filter(event="review.reopened", user=review.juror.user).exists()

    def test_query_count_is_flat(self, jury, scored, count_queries):
        client = client_for(jury.organiser)
        url = reverse("review:progress", args=[jury.round.pk])
        rows = f"/jury/rounds/{jury.round.pk}/applications/"
        assert client.get(url).content.decode().count(rows) == 6
        few = count_queries(lambda: client.get(url))
        for application in extra_applications(jury, 44)[:10]:
            score_and_submit(jury, jury.assign(jury.jurors[1], application), 5, 5)
        assert client.get(url).content.decode().count(rows) == 50
        assert count_queries(lambda: client.get(url)) == few


class TestRanking:
    def test_the_table_with_scores_agreement_and_parameters(self, jury, scored):
        page = client_for(jury.organiser).get(reverse("review:ranking", args=[jury.round.pk]))
        assert page.status_code == 200
        body = page.content.decode()
        assert jury.applications[2].organisation.name in body
        assert body.index(jury.applications[2].title) < body.index(jury.applications[4].title)
        assert "Krippendorff" in body
        assert "Impact: 2" in body  # the weights
        assert reverse("review:export", args=[jury.round.pk, "csv"]) in body
        assert reverse("review:breakdown", args=[jury.round.pk, jury.applications[2].pk]) in body

    def test_filters_by_nomination_and_method(self, jury, scored):
        client = client_for(jury.organiser)
        url = reverse("review:ranking", args=[jury.round.pk])
        body = client.get(url, {"nomination": jury.b.pk, "method": "median"}).content.decode()
        assert jury.applications[2].title not in body
        assert jury.applications[1].title in body  # in nomination B, not reviewed yet: ranked last
        body = client.get(url, {"nomination": jury.a.pk, "method": "median"}).content.decode()
        assert jury.applications[2].title in body
        assert "Median" in body

    def test_outsiders_get_404(self, jury, scored, applicant, other_organiser):
        for user in (jury.jurors[1].user, applicant, other_organiser):
            client = client_for(user)
            assert client.get(reverse("review:ranking", args=[jury.round.pk])).status_code == 404
            assert client.get(reverse("review:export", args=[jury.round.pk, "csv"])).status_code == 404
            breakdown = reverse("review:breakdown", args=[jury.round.pk, jury.applications[2].pk])
            assert client.get(breakdown).status_code == 404

    def test_breakdown_and_consensus(self, jury, scored):
        client = client_for(jury.organiser)
        url = reverse("review:breakdown", args=[jury.round.pk, jury.applications[2].pk])
        body = client.get(url).content.decode()
        assert "Juror 1" in body or "Juror 2" in body
        assert jury.jurors[1].user.display_name not in body
        consensus = reverse("review:consensus", args=[jury.round.pk, jury.applications[2].pk])
        assert client.post(consensus, {"text": "Рекомендуємо до фіналу"}).status_code == 302
        client.post(consensus, {"text": "Рекомендуємо до фіналу одностайно"})
        note = JuryNote.objects.get(round=jury.round, application=jury.applications[2], consensus=True)
        assert note.text == "Рекомендуємо до фіналу одностайно"
        assert "одностайно" in client.get(url).content.decode()

    def test_exports(self, jury, scored):
        client = client_for(jury.organiser)
        csv = client.get(reverse("review:export", args=[jury.round.pk, "csv"]))
        assert csv.status_code == 200
        assert "text/csv" in csv["Content-Type"]
        xlsx = client.get(reverse("review:export", args=[jury.round.pk, "xlsx"]))
        assert xlsx.status_code == 200
        assert client.get(reverse("review:export", args=[jury.round.pk, "pdf"])).status_code == 404

    def test_query_count_is_flat(self, jury, scored, count_queries):
        client = client_for(jury.organiser)
        url = reverse("review:ranking", args=[jury.round.pk])
        rows = f"/jury/rounds/{jury.round.pk}/applications/"
        assert client.get(url).content.decode().count(rows) == 6
        few = count_queries(lambda: client.get(url))
        for application in extra_applications(jury, 48):
            score_and_submit(jury, jury.assign(jury.jurors[1], application), 5, 6)
        body = client.get(url).content.decode()
        assert body.count(rows) == 50  # a full page of 54
        assert "Page 1 of 2" in body
        assert count_queries(lambda: client.get(url)) == few
