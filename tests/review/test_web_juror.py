"""The juror's web pages: the queue and one review's page (scores, autosave, submit, decline,
peers and notes). See conftest.py for the jury: criteria Impact and Method score nomination A."""

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Application
from contests.models import Contest
from review import services
from review.models import Conflict, Review, Round, Score
from tests.factories import FormFieldFactory, OrganisationFactory, UserFactory
from tests.review.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def review(jury) -> Review:
    """Juror 1 (Kyiv oblast) reviews application 2 (nomination A, an Odesa library)."""
    return jury.assign(jury.jurors[1], jury.applications[2])


@pytest.fixture
def juror(review):
    return client_for(review.juror.user)


def score_url(review) -> str:
    return reverse("review:score", args=[review.pk])


def post_scores(client, review, jury, impact="", method="", *, action="save", comment="", **extra):
    data = {
        f"score_{jury.impact.pk}": impact,
        f"score_{jury.method.pk}": method,
        f"comment_{jury.impact.pk}": "",
        f"comment_{jury.method.pk}": "",
        "overall_comment": comment,
        action: "1",
    }
    return client.post(score_url(review), data, **extra)


class TestQueue:
    def test_lists_the_jurors_reviews_with_progress_and_a_link(self, juror, review, jury):
        services.save_scores(review, by=review.juror.user, scores={jury.impact.pk: {"value": 6}})
        page = juror.get(reverse("review:queue"))
        assert page.status_code == 200
        body = page.content.decode()
        assert score_url(review) in body
        assert "Criteria scored: </span>1 of 2" in body  # issue 12: "Оцінено критеріїв: 1 з 2"
        assert jury.contest.title in body

    def test_other_people_see_none_of_it(self, review, jury, applicant):
        for user in (jury.jurors[2].user, applicant, jury.organiser):
            body = client_for(user).get(reverse("review:queue")).content.decode()
            assert score_url(review) not in body

    def test_anonymous_visitors_are_sent_to_log_in(self, review):
        assert client_for(None).get(reverse("review:queue")).status_code == 302

    def test_query_count_is_flat(self, jury, count_queries):
        juror = jury.jurors[1]
        client = client_for(juror.user)
        jury.assign(juror, jury.applications[2])
        url = reverse("review:queue")
        one = count_queries(lambda: client.get(url))
        extra = [
            ApplicationFactory(
                contest=jury.contest,
                nomination=jury.a,
                organisation=OrganisationFactory(region="odesa"),
                state=Application.State.UNDER_REVIEW,
            )
            for _ in range(49)
        ]
        services.assign(jury.round, [(juror, a) for a in extra], by=jury.organiser)
        assert client.get(url).content.decode().count("/jury/reviews/") == 50
        assert count_queries(lambda: client.get(url)) == one


class TestScoringPage:
    def test_shows_the_criteria_as_fieldsets_with_scales(self, juror, review, jury):
        body = juror.get(score_url(review)).content.decode()
        assert "<legend>Impact</legend>" in body
        assert "<legend>Method</legend>" in body
        assert "Only B" not in body  # a criterion of the other nomination
        assert 'min="0"' in body and 'max="10"' in body
        assert f'hx-post="{reverse("review:autosave", args=[review.pk])}"' in body
        assert 'name="submit"' in body and 'name="save"' in body
        assert f'aria-describedby="id_score_{jury.impact.pk}_errors"' in body

    def test_blind_review_hides_the_organisation_and_identifying_answers(self, juror, review, jury):
        Contest.objects.filter(pk=jury.contest.pk).update(blind_review=True)
        FormFieldFactory(contest=jury.contest, key="library", label="Бібліотека", identifying=True)
        FormFieldFactory(contest=jury.contest, key="idea", label="Ідея", identifying=False)
        Application.objects.filter(pk=review.application_id).update(
            answers={"library": "Вигадана бібліотека Сонячна", "idea": "Онлайн-запис до гуртків"}
        )
        body = juror.get(score_url(review)).content.decode()
        assert "Онлайн-запис до гуртків" in body
        assert "Сонячна" not in body
        assert "Бібліотека" not in body
        assert review.application.organisation.name not in body

    def test_without_blind_review_the_organisation_is_shown(self, juror, review):
        assert review.application.organisation.name in juror.get(score_url(review)).content.decode()

    def test_the_organiser_reads_it_with_the_organisation(self, review, jury):
        Contest.objects.filter(pk=jury.contest.pk).update(blind_review=True)
        page = client_for(jury.organiser).get(score_url(review))
        assert page.status_code == 200
        body = page.content.decode()
        assert review.application.organisation.name in body
        assert 'name="submit"' not in body

    def test_outsiders_get_404(self, review, jury, applicant, other_organiser):
        member = UserFactory()
        review.application.organisation.memberships.create(user=member)
        for user in (jury.jurors[2].user, applicant, member, other_organiser):
            assert client_for(user).get(score_url(review)).status_code == 404, user
        assert client_for(None).get(score_url(review)).status_code == 302

    def test_a_juror_who_declared_a_conflict_gets_404(self, juror, review):
        services.decline_review(review, by=review.juror.user, note="Знаю директорку", conflict=True)
        assert juror.get(score_url(review)).status_code == 404
        assert (
            juror.post(reverse("review:autosave", args=[review.pk]), HTTP_HX_REQUEST="true").status_code
            == 404
        )


class TestSaving:
    def test_save_without_javascript(self, juror, review, jury):
        response = post_scores(juror, review, jury, impact="7", method="", comment="Сильна заявка")
        assert response.status_code == 302
        review.refresh_from_db()
        assert review.state == Review.State.IN_PROGRESS
        assert review.overall_comment == "Сильна заявка"
        assert dict(review.scores.values_list("criterion_id", "value")) == {jury.impact.pk: 7}
        assert 'value="7"' in juror.get(score_url(review)).content.decode()

    def test_a_score_out_of_scale_shows_the_error_and_saves_nothing(self, juror, review, jury):
        response = post_scores(juror, review, jury, impact="11", method="5")
        assert response.status_code == 200
        body = response.content.decode()
        assert "Enter a score from 0 to 10." in body
        assert 'aria-invalid="true"' in body
        assert "None of your scores is saved yet." in body
        assert not Score.objects.filter(review=review).exists()

    def test_a_score_that_is_not_a_whole_number_is_refused(self, juror, review, jury):
        body = post_scores(juror, review, jury, impact="7.5").content.decode()
        assert "Enter a whole number." in body
        assert not Score.objects.filter(review=review).exists()

    def test_autosave_through_htmx(self, juror, review, jury):
        url = reverse("review:autosave", args=[review.pk])
        data = {f"score_{jury.impact.pk}": "8", f"comment_{jury.impact.pk}": "Добре", "overall_comment": ""}
        response = juror.post(url, data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert "Saved at" in response.content.decode()
        score = Score.objects.get(review=review)
        assert (score.criterion_id, score.value, score.comment) == (jury.impact.pk, 8, "Добре")

    def test_autosave_reports_an_out_of_scale_score_by_criterion(self, juror, review, jury):
        url = reverse("review:autosave", args=[review.pk])
        response = juror.post(url, {f"score_{jury.method.pk}": "-1"}, HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert "Saved at" not in body
        assert "Method" in body and "Enter a score from 0 to 10." in body
        assert f'id="id_score_{jury.method.pk}_errors" hx-swap-oob="true"' in body
        assert not Score.objects.filter(review=review).exists()

    def test_nothing_changes_once_submitted(self, juror, review, jury):
        post_scores(juror, review, jury, impact="7", method="6", action="submit")
        response = juror.post(
            reverse("review:autosave", args=[review.pk]),
            {f"score_{jury.impact.pk}": "1"},
            HTTP_HX_REQUEST="true",
        )
        assert "can no longer be changed" in response.content.decode()
        assert Score.objects.get(review=review, criterion=jury.impact).value == 7


class TestSubmitting:
    def test_refusal_lists_the_missing_criteria(self, juror, review, jury):
        response = post_scores(juror, review, jury, impact="7", action="submit")
        assert response.status_code == 200
        body = response.content.decode()
        assert "“Submit the review” was refused:" in body  # the catalogue's refusal, as on every page
        assert "Score the criterion “Method”." in body
        assert "Score the criterion “Impact”" not in body
        review.refresh_from_db()
        assert review.state == Review.State.IN_PROGRESS
        assert review.scores.get().value == 7  # what was right is kept as a draft

    def test_refusal_asks_for_the_overall_comment_when_the_round_requires_it(self, juror, review, jury):
        Round.objects.filter(pk=jury.round.pk).update(require_overall_comment=True)
        body = post_scores(juror, review, jury, impact="7", method="5", action="submit").content.decode()
        assert "Write an overall comment" in body
        assert "(required)" in body

    def test_submit_then_see_the_confirmation(self, juror, review, jury):
        response = post_scores(juror, review, jury, impact="7", method="5", action="submit", follow=True)
        body = response.content.decode()
        assert "Your review was submitted" in body
        review.refresh_from_db()
        assert review.state == Review.State.SUBMITTED
        assert 'name="submit"' not in body


class TestDeclining:
    def test_decline_needs_a_reason(self, juror, review):
        response = juror.post(reverse("review:decline", args=[review.pk]), {"reason": " "})
        assert response.status_code == 200
        assert "This field is required." in response.content.decode()
        review.refresh_from_db()
        assert review.state == Review.State.ASSIGNED

    def test_decline_with_a_declared_conflict(self, juror, review):
        response = juror.post(
            reverse("review:decline", args=[review.pk]), {"reason": "Працювала там", "conflict": "on"}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("review:queue")
        review.refresh_from_db()
        assert review.state == Review.State.DECLINED
        conflict = Conflict.objects.get(juror=review.juror, application=review.application)
        assert conflict.kind == Conflict.Kind.DECLARED

    def test_decline_without_conflict_records_none(self, juror, review):
        juror.post(reverse("review:decline", args=[review.pk]), {"reason": "Не встигаю"})
        review.refresh_from_db()
        assert review.state == Review.State.DECLINED
        assert not Conflict.objects.filter(juror=review.juror, application=review.application).exists()


class TestPeersAndNotes:
    @pytest.fixture
    def both_submitted(self, jury, review):
        other = jury.assign(jury.jurors[3], review.application)
        for item, values in ((review, (7, 5)), (other, (3, 9))):
            services.save_scores(
                item,
                by=item.juror.user,
                scores={
                    jury.impact.pk: {"value": values[0]},
                    jury.method.pk: {"value": values[1], "comment": "ок"},
                },
            )
        services.submit_review(other, by=other.juror.user)
        return other

    def test_peers_hidden_until_the_juror_submits(self, juror, review, both_submitted):
        body = juror.get(score_url(review)).content.decode()
        assert "Other jurors' scores" not in body
        assert "The jury's discussion" not in body

    def test_after_submitting_peers_are_shown_anonymously_and_notes_open(
        self, juror, review, jury, both_submitted
    ):
        services.submit_review(review, by=review.juror.user)
        body = juror.get(score_url(review)).content.decode()
        assert "Other jurors' scores" in body
        assert "Juror " in body
        assert both_submitted.juror.user.display_name not in body
        response = juror.post(
            reverse("review:note", args=[review.pk]), {"text": "Пропоную обговорити бюджет"}
        )
        assert response.status_code == 302
        assert "Пропоную обговорити бюджет" in juror.get(score_url(review)).content.decode()

    def test_notes_refused_before_submitting(self, juror, review):
        assert juror.post(reverse("review:note", args=[review.pk]), {"text": "Рано"}).status_code == 403


def test_jurors_find_their_reviews_in_the_navigation(jury, applicant):
    link = f'href="{reverse("review:queue")}"'
    assert link in client_for(jury.jurors[0].user).get(reverse("applications:mine")).content.decode()
    assert link not in client_for(applicant).get(reverse("applications:mine")).content.decode()


def test_the_contest_page_links_to_the_jury(jury):
    body = client_for(jury.organiser).get(reverse("contests:manage", args=[jury.contest.pk])).content.decode()
    assert reverse("review:jury", args=[jury.contest.pk]) in body
