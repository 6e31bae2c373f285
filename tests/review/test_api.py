"""The jury through the API: the juror's queue, scoring, refusals, blind review, visibility of
others' scores and notes, conflicts, organisers' actions; 404 for everyone outside."""

import pytest
from django.db import IntegrityError, transaction

from contests.models import Contest
from review import services
from review.models import Conflict, Review, Round, Score
from tests.factories import FormFieldFactory, UserFactory
from tests.problems import errors_under
from tests.review.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def url(review, action: str = "") -> str:
    return f"/api/v1/reviews/{review.pk}/" + (f"{action}/" if action else "")


def scores(*pairs) -> dict:
    return {"scores": [{"criterion": c.pk, "value": v} for c, v in pairs]}


@pytest.fixture
def review(jury):
    """Juror 1 (Kyiv oblast) on application 1 (nomination B: three criteria)."""
    return jury.assign(jury.jurors[1], jury.applications[1])


def test_queue_lists_only_the_jurors_own_reviews(api, jury, review):
    jury.assign(jury.jurors[2], jury.applications[3])
    r = api(review.juror.user).get("/api/v1/reviews/")
    assert r.status_code == 200
    assert [row["id"] for row in r.json()["results"]] == [review.pk]
    assert r.json()["results"][0]["due_at"] is not None


def test_scores_are_saved_as_a_draft_then_submitted(api, jury, review):
    client = api(review.juror.user)
    r = client.put(url(review, "scores"), scores((jury.impact, 8), (jury.method, 6)), format="json")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == Review.State.IN_PROGRESS
    r = client.post(url(review, "submit"))
    assert r.status_code == 409
    assert any("Only B" in reason for reason in r.json()["reasons"])
    client.patch(url(review, "scores"), scores((jury.only_b, 4)), format="json")
    r = client.post(url(review, "submit"))
    assert r.status_code == 200, r.content
    assert r.json()["state"] == Review.State.SUBMITTED
    # Submitted: no more changes.
    r = client.put(url(review, "scores"), scores((jury.impact, 1)), format="json")
    assert r.status_code == 403
    assert Score.objects.get(review=review, criterion=jury.impact).value == 8


@pytest.mark.parametrize("bad", [11, -1, "7.5", "seven", True, 7.5])
def test_a_bad_score_is_refused_and_nothing_is_saved(api, jury, review, bad):
    client = api(review.juror.user)
    r = client.put(url(review, "scores"), scores((jury.method, 5), (jury.impact, bad)), format="json")
    assert r.status_code == 400
    assert str(jury.impact.pk) in errors_under(r, "scores")
    assert not Score.objects.filter(review=review).exists()
    review.refresh_from_db()
    assert review.state == Review.State.ASSIGNED


def test_a_criterion_of_another_nomination_is_refused(api, jury):
    review = jury.assign(jury.jurors[1], jury.applications[2])  # nomination A
    r = api(review.juror.user).put(url(review, "scores"), scores((jury.only_b, 3)), format="json")
    assert r.status_code == 400
    assert not Score.objects.exists()


def test_overall_comment_required_when_the_round_says_so(api, jury, review):
    Round.objects.filter(pk=jury.round.pk).update(require_overall_comment=True)
    client = api(review.juror.user)
    client.put(
        url(review, "scores"), scores((jury.impact, 8), (jury.method, 6), (jury.only_b, 2)), format="json"
    )
    r = client.post(url(review, "submit"))
    assert r.status_code == 409
    assert any("overall comment" in reason for reason in r.json()["reasons"])
    client.patch(url(review, "scores"), {"overall_comment": "Сильний проєкт."}, format="json")
    assert client.post(url(review, "submit")).status_code == 200


def test_scoring_is_refused_while_the_round_is_closed(api, jury, review):
    services.close_round(jury.round, by=jury.organiser)
    r = api(review.juror.user).put(url(review, "scores"), scores((jury.impact, 8)), format="json")
    assert r.status_code == 400
    assert "not open" in str(r.json())
    assert not Score.objects.exists()


def test_outsiders_get_404(api, jury, review, applicant):
    other_juror = jury.jurors[2]
    for user in (other_juror.user, applicant, UserFactory()):
        assert api(user).get(url(review)).status_code == 404
        assert (
            api(user).put(url(review, "scores"), scores((jury.impact, 1)), format="json").status_code == 404
        )
    assert api().get(url(review)).status_code in (401, 403)


def test_declaring_a_conflict_removes_the_application_from_the_juror(api, jury, review):
    client = api(review.juror.user)
    r = client.post(url(review, "decline"), {"note": "Я консультував цю бібліотеку", "conflict": True})
    assert r.status_code == 200, r.content
    conflict = Conflict.objects.get(juror=review.juror, application=review.application)
    assert conflict.kind == Conflict.Kind.DECLARED
    assert client.get(url(review)).status_code == 404
    # A second click (or the loser of a race) hears what happened, not "not found".
    again = client.post(url(review, "decline"), {"note": "Ще раз", "conflict": True})
    assert again.status_code == 409, again.content
    assert again.json()["state"] == Review.State.DECLINED
    assert "decline" not in again.json()["allowed"]
    # …and they cannot be given it again, by hand or by the database.
    with pytest.raises(Exception, match="conflict"):
        jury.assign(review.juror, review.application)


def test_decline_needs_a_reason(api, jury, review):
    r = api(review.juror.user).post(url(review, "decline"), {"note": "  "})
    assert r.status_code in (400, 409)
    review.refresh_from_db()
    assert review.state == Review.State.ASSIGNED


def test_own_organisation_is_an_automatic_conflict(api, jury):
    lviv_juror, own = jury.jurors[0], jury.applications[0]
    r = api(jury.organiser).post(
        f"/api/v1/review-rounds/{jury.round.pk}/assign-manually/",
        {"juror": lviv_juror.pk, "applications": [own.pk, jury.applications[1].pk]},
        format="json",
    )
    assert r.status_code == 409
    assert any("conflict of interest" in reason for reason in r.json()["reasons"])
    assert not Review.objects.exists()  # all or nothing


def test_same_region_conflicts_when_the_contest_asks(jury):
    Contest.objects.filter(pk=jury.contest.pk).update(conflict_same_region=True)
    jury.contest.refresh_from_db()
    from review.conflicts import record_automatic_conflicts

    record_automatic_conflicts(jury.contest)
    kyiv_juror = jury.jurors[1]
    kyiv_applications = [a for a in jury.applications if a.organisation.region == "kyiv-oblast"]
    assert kyiv_applications
    assert set(
        Conflict.objects.filter(juror=kyiv_juror, kind=Conflict.Kind.SAME_REGION).values_list(
            "application_id", flat=True
        )
    ) == {a.pk for a in kyiv_applications}


def test_manual_assignment_in_both_directions(api, jury):
    client = api(jury.organiser)
    base = f"/api/v1/review-rounds/{jury.round.pk}/assign-manually/"
    r = client.post(
        base, {"juror": jury.jurors[1].pk, "applications": [jury.applications[1].pk]}, format="json"
    )
    assert r.status_code == 201, r.content
    r = client.post(
        base,
        {"application": jury.applications[2].pk, "jurors": [jury.jurors[2].pk, jury.jurors[3].pk]},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert Review.objects.count() == 3
    assert (
        api(jury.jurors[1].user).post(base, {"juror": jury.jurors[1].pk, "applications": [1]}).status_code
        == 404
    )


class TestBlindReview:
    @pytest.fixture
    def blind(self, jury, review):
        Contest.objects.filter(pk=jury.contest.pk).update(blind_review=True)
        FormFieldFactory(contest=jury.contest, key="library", label="Бібліотека", identifying=True)
        FormFieldFactory(contest=jury.contest, key="idea", label="Ідея", identifying=False)
        application = review.application
        application.answers = {"library": "Вигадана бібліотека Сонячна", "idea": "Онлайн-запис"}
        application.save(update_fields=["answers"])
        return review

    def test_identifying_answers_and_organisation_never_reach_the_juror(self, api, blind):
        body = api(blind.juror.user).get(url(blind)).content.decode()
        assert "Онлайн-запис" in body
        assert "Сонячна" not in body
        assert blind.application.organisation.name not in body

    def test_organisers_see_everything(self, api, jury, blind):
        data = api(jury.organiser).get(url(blind)).json()
        assert data["organisation_name"] == blind.application.organisation.name


def _submit(review, jury, values=(7, 7, 3)):
    services.save_scores(
        review,
        by=review.juror.user,
        scores={
            c.pk: {"value": v} for c, v in zip((jury.impact, jury.method, jury.only_b), values, strict=True)
        },
    )
    return services.submit_review(review, by=review.juror.user)


@pytest.mark.parametrize(
    ("rule", "before", "after"),
    [("never", 0, 0), ("after_own", 0, 1), ("always", 1, 1)],
)
def test_other_jurors_scores_follow_the_rounds_rule(api, jury, review, rule, before, after):
    Round.objects.filter(pk=jury.round.pk).update(score_visibility=rule)
    peer = jury.assign(jury.jurors[2], review.application)
    _submit(peer, jury, (9, 9, 5))
    client = api(review.juror.user)
    peers = client.get(url(review)).json()["peers"]
    assert len(peers) == before
    if before:
        assert peers[0]["juror"].startswith("Juror")
        assert "email" not in str(peers[0]) and peer.juror.user.full_name not in str(peers[0])
    _submit(review, jury)
    assert len(client.get(url(review)).json()["peers"]) == after


def test_notes_open_to_a_juror_after_their_own_review(api, jury, review):
    client = api(review.juror.user)
    assert client.post(url(review, "notes"), {"text": "Рано"}).status_code == 403
    _submit(review, jury)
    r = client.post(url(review, "notes"), {"text": "Переконливі результати."})
    assert r.status_code == 201
    r = api(jury.organiser).post(
        f"/api/v1/review-rounds/{jury.round.pk}/consensus/",
        {"application": review.application_id, "text": "Журі одностайне."},
    )
    assert r.status_code == 200
    notes = client.get(url(review, "notes")).json()
    assert [n["consensus"] for n in notes] == [True, False]


def test_reopen_by_organiser_only_and_with_a_note(api, jury, review):
    _submit(review, jury)
    assert api(review.juror.user).post(url(review, "reopen"), {"note": "Ще раз"}).status_code == 403
    client = api(jury.organiser)
    r = client.post(url(review, "reopen"), {"note": ""})
    assert r.status_code == 400
    r = client.post(url(review, "reopen"), {"note": "Перевірте оцінку за методику."})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == Review.State.REOPENED
    from notifications.models import Message

    assert Message.objects.filter(event="review.reopened", user=review.juror.user).exists()


def test_recusal_by_organiser_even_after_submission(api, jury, review):
    _submit(review, jury)
    r = api(jury.organiser).post(url(review, "recuse"), {"note": "Родинний зв'язок із заявником"})
    assert r.status_code == 200, r.content
    review.refresh_from_db()
    assert review.state == Review.State.DECLINED
    assert (
        Conflict.objects.get(juror=review.juror, application=review.application).kind == Conflict.Kind.RECUSED
    )
    assert api(review.juror.user).get(url(review)).status_code == 404


def test_queue_query_count_is_flat(api, jury, count_queries):
    juror = jury.jurors[3]
    jury.assign(juror, jury.applications[0])
    one = count_queries(lambda: api(juror.user).get("/api/v1/reviews/"))
    for application in jury.applications[1:]:
        jury.assign(juror, application)
    assert count_queries(lambda: api(juror.user).get("/api/v1/reviews/")) == one


def test_round_progress_for_organisers_only(api, jury, review, count_queries):
    path = f"/api/v1/review-rounds/{jury.round.pk}/progress/"
    assert api(review.juror.user).get(path).status_code == 404
    data = api(jury.organiser).get(path).json()
    assert {row["juror"]: row["live"] for row in data["jurors"]}[review.juror_id] == 1
    one = count_queries(lambda: api(jury.organiser).get(path))
    for application in jury.applications[2:]:
        jury.assign(jury.jurors[3], application)
    assert count_queries(lambda: api(jury.organiser).get(path)) == one


class TestDatabaseRefuses:
    """The invariants hold even for code that skips the services."""

    def test_a_live_review_of_a_conflicted_pair(self, jury):
        own = Conflict.objects.get(juror=jury.jurors[0], application=jury.applications[0])
        with pytest.raises(IntegrityError), transaction.atomic():
            ReviewFactory(round=jury.round, juror=own.juror, application=own.application)
        declined = ReviewFactory(
            round=jury.round, juror=own.juror, application=own.application, state=Review.State.DECLINED
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            Review.objects.filter(pk=declined.pk).update(state=Review.State.ASSIGNED)

    def test_a_conflict_while_a_live_review_exists(self, jury, review):
        with pytest.raises(IntegrityError), transaction.atomic():
            Conflict.objects.create(juror=review.juror, application=review.application, kind="declared")

    def test_a_score_outside_the_scale(self, jury, review):
        with pytest.raises(IntegrityError), transaction.atomic():
            Score.objects.create(review=review, criterion=jury.only_b, value=6)  # scale 0–5
        Score.objects.create(review=review, criterion=jury.only_b, value=5)
        with pytest.raises(IntegrityError), transaction.atomic():
            Score.objects.filter(review=review).update(value=-1)


def test_starting_the_review_through_the_contest_api_moves_eligible_applications(api, organiser):
    from applications.models import Application
    from tests.factories import contest_in_state
    from tests.review.factories import ApplicationFactory

    contest = contest_in_state(Contest.State.CLOSED, organiser)
    eligible = ApplicationFactory(contest=contest, nomination=contest.nominations.get())
    ineligible = ApplicationFactory(
        contest=contest, nomination=contest.nominations.get(), state=Application.State.INELIGIBLE
    )
    r = api(organiser).post(f"/api/v1/contests/{contest.pk}/start-review/")
    assert r.status_code == 200, r.content
    eligible.refresh_from_db()
    ineligible.refresh_from_db()
    assert (eligible.state, ineligible.state) == (
        Application.State.UNDER_REVIEW,
        Application.State.INELIGIBLE,
    )
    assert contest.review_rounds.get().number == 1


def test_organisers_create_a_second_round_by_api(api, jury):
    """The round's number is the service's (under the contest's lock), not DRF's unique-together
    check against the default 1, which refused every round after the first."""
    client = api(jury.organiser)
    r = client.post("/api/v1/review-rounds/", {"contest": jury.contest.pk, "title": "Фінал"}, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["number"] == 2 and r.json()["state"] == Round.State.PLANNED
    third = client.post("/api/v1/review-rounds/", {"contest": jury.contest.pk, "title": "Суперфінал"})
    assert third.status_code == 201, third.json()
    assert third.json()["number"] == 3
