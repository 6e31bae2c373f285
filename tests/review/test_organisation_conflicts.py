"""A juror declares a conflict of interest with a whole organisation before any assignment
(issue 15, point 3): through the API and the juror's page; the optimiser, manual assignment and
the replacement of a declined review leave out every application of that organisation, also
one submitted later; the organisers see the declarations, accept or reject them with a message
to the juror; a rejected one excludes nothing; the database refuses a live review it covers."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from applications.models import Application
from notifications.models import Message
from review import services
from review.conflicts import conflicted_pairs
from review.models import OrganisationConflict, Review, Round
from tests.factories import OrganisationFactory
from tests.review.factories import ApplicationFactory, ReviewFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/organisation-conflicts/"


def declare(api, juror, organisation, note="Я була консультанткою цієї бібліотеки.", **extra):
    payload = {"contest": juror.contest_id, "organisation": organisation.pk, "note": note, **extra}
    return api(juror.user).post(URL, payload, format="json")


@pytest.fixture
def everyone(jury):
    """Every eligible juror on every application: without the declaration juror 1 would be
    assigned to every application of organisation 1."""
    Round.objects.filter(pk=jury.round.pk).update(reviewers_per_application=4)
    jury.round.refresh_from_db()
    return jury


@pytest.fixture
def target(jury):
    """The organisation of application 1, and a second application of it submitted later."""
    organisation = jury.applications[1].organisation
    later = ApplicationFactory(
        contest=jury.contest,
        nomination=jury.a,
        organisation=organisation,
        state=Application.State.UNDER_REVIEW,
    )
    return organisation, [jury.applications[1], later]


def pairs_of(round_, juror):
    return set(
        Review.objects.filter(round=round_, juror=juror, state__in=Review.LIVE_STATES).values_list(
            "application_id", flat=True
        )
    )


# --- declaring -------------------------------------------------------------------------------------


def test_a_juror_declares_and_the_organisers_are_told(api, jury, target):
    organisation, _applications = target
    juror = jury.jurors[1]
    r = declare(api, juror, organisation)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == OrganisationConflict.State.PENDING
    assert body["juror"] == juror.pk and body["organisation"] == organisation.pk
    assert body["contest"] == jury.contest.pk
    assert body["allowed"] == []  # the juror cannot accept their own declaration
    told = Message.objects.filter(event="review.organisation_conflict_declared", user=jury.organiser)
    assert told.exists()
    # The organiser's copy offers the decision.
    r = api(jury.organiser).get(f"{URL}{body['id']}/")
    assert r.status_code == 200
    assert set(r.json()["allowed"]) == {"accept", "reject"}


def test_auto_assign_leaves_out_every_application_of_the_organisation(api, everyone, target):
    jury = everyone
    organisation, applications = target
    juror = jury.jurors[1]
    assert declare(api, juror, organisation).status_code == 201
    r = api(jury.organiser).post(f"/api/v1/review-rounds/{jury.round.pk}/assign/")
    assert r.status_code == 200, r.content
    assigned = pairs_of(jury.round, juror)
    assert assigned, "the juror still reviews the other organisations' applications"
    assert not assigned & {a.pk for a in applications}
    # The others took their places.
    for application in applications:
        assert Review.objects.filter(round=jury.round, application=application).count() >= 2


def test_manual_assignment_is_refused_with_the_reason(api, jury, target):
    organisation, applications = target
    juror = jury.jurors[1]
    assert declare(api, juror, organisation).status_code == 201
    for application in applications:
        r = api(jury.organiser).post(
            f"/api/v1/review-rounds/{jury.round.pk}/assign-manually/",
            {"juror": juror.pk, "applications": [application.pk]},
            format="json",
        )
        assert r.status_code == 409, r.content
        assert any(organisation.name in reason for reason in r.json()["reasons"])
    assert not pairs_of(jury.round, juror)


def test_rejected_declaration_makes_the_organisation_assignable_again(api, jury, target):
    organisation, applications = target
    juror = jury.jurors[1]
    declaration = declare(api, juror, organisation).json()
    r = api(jury.organiser).post(f"{URL}{declaration['id']}/reject/", {"note": "Зв'язок давній."})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == OrganisationConflict.State.REJECTED
    assert r.json()["decision_reason"] == "Зв'язок давній."
    assert r.json()["allowed"] == []
    message = Message.objects.filter(event="review.organisation_conflict_decided", user=juror.user).first()
    assert message is not None and message.context["reason"] == "Зв'язок давній."
    assert message.context["accepted"] == ""
    r = api(jury.organiser).post(
        f"/api/v1/review-rounds/{jury.round.pk}/assign-manually/",
        {"juror": juror.pk, "applications": [a.pk for a in applications]},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert pairs_of(jury.round, juror) == {a.pk for a in applications}
    # Once rejected, the juror may declare it again (say, with more detail).
    assert declare(api, juror, organisation, note="Тепер я в наглядовій раді.").status_code == 201


def test_the_decision_is_refused_to_others_and_needs_a_reason(api, jury, target, other_organiser):
    organisation, _applications = target
    juror = jury.jurors[1]
    pk = declare(api, juror, organisation).json()["id"]
    assert api(juror.user).post(f"{URL}{pk}/accept/").status_code == 403
    assert api(other_organiser).post(f"{URL}{pk}/accept/").status_code == 404
    assert api(other_organiser).get(f"{URL}{pk}/").status_code == 404
    r = api(jury.organiser).post(f"{URL}{pk}/reject/", {"note": ""})
    assert r.status_code == 400
    assert "note" in r.json()["errors"]
    assert OrganisationConflict.objects.get(pk=pk).state == OrganisationConflict.State.PENDING
    r = api(jury.organiser).post(f"{URL}{pk}/accept/", {"note": "Підтверджуємо."})
    assert r.status_code == 200
    r = api(jury.organiser).post(f"{URL}{pk}/accept/")
    assert r.status_code == 409
    assert "accept" not in r.json()["allowed"] and r.json()["state"] == OrganisationConflict.State.ACCEPTED
    r = api(jury.organiser).post(f"{URL}{pk}/reject/", {"note": "Передумали."})
    assert r.status_code == 409
    message = Message.objects.filter(event="review.organisation_conflict_decided", user=juror.user).first()
    assert message.context["accepted"] == "yes"


def test_a_juror_cannot_declare_for_someone_else(api, jury, target, applicant):
    organisation, _applications = target
    mine, theirs = jury.jurors[1], jury.jurors[2]
    r = api(mine.user).post(
        URL, {"juror": theirs.pk, "organisation": organisation.pk, "note": "Від імені колеги."}, format="json"
    )
    assert r.status_code == 403
    # An organiser cannot declare in a juror's name either.
    r = api(jury.organiser).post(
        URL, {"juror": theirs.pk, "organisation": organisation.pk, "note": "За суддю."}, format="json"
    )
    assert r.status_code == 403
    # Nor can someone who is not on the jury, by contest.
    r = api(applicant).post(
        URL,
        {"contest": jury.contest.pk, "organisation": organisation.pk, "note": "Я не суддя."},
        format="json",
    )
    assert r.status_code == 403
    assert not OrganisationConflict.objects.exists()


def test_a_duplicate_and_bad_input_are_refused(api, jury, target):
    organisation, _applications = target
    juror = jury.jurors[1]
    assert declare(api, juror, organisation).status_code == 201
    r = declare(api, juror, organisation)
    assert r.status_code == 400
    assert "organisation" in r.json()["errors"]
    pk = OrganisationConflict.objects.get().pk
    api(jury.organiser).post(f"{URL}{pk}/accept/")
    assert declare(api, juror, organisation).status_code == 400  # an accepted one stands too
    assert OrganisationConflict.objects.count() == 1
    r = declare(api, juror, OrganisationFactory(), note="   ")
    assert r.status_code == 400 and "note" in r.json()["errors"]
    r = api(juror.user).post(URL, {"organisation": organisation.pk, "note": "Без місця."}, format="json")
    assert r.status_code == 400 and "juror" in r.json()["errors"]
    r = api(juror.user).post(
        URL, {"contest": jury.contest.pk, "organisation": 999_999, "note": "Немає такої."}, format="json"
    )
    assert r.status_code == 400 and "organisation" in r.json()["errors"]
    # Their own organisation is already a conflict, recorded automatically.
    own = jury.applications[0].organisation
    r = declare(api, jury.jurors[0], own)
    assert r.status_code == 400 and "organisation" in r.json()["errors"]
    assert OrganisationConflict.objects.count() == 1


def test_the_list_is_scoped_and_filtered(api, jury, target, other_organiser):
    organisation, _applications = target
    first = declare(api, jury.jurors[1], organisation).json()["id"]
    other = OrganisationFactory()
    second = declare(api, jury.jurors[2], other).json()["id"]
    api(jury.organiser).post(f"{URL}{second}/reject/", {"note": "Ні."})

    def ids(user, query=""):
        r = api(user).get(URL + query)
        assert r.status_code == 200, r.content
        return [row["id"] for row in r.json()["results"]]

    assert sorted(ids(jury.organiser)) == sorted([first, second])
    assert ids(jury.organiser, "?state=pending") == [first]
    assert ids(jury.organiser, "?state=rejected") == [second]
    assert ids(jury.organiser, f"?juror={jury.jurors[2].pk}") == [second]
    assert ids(jury.organiser, f"?organisation={organisation.pk}") == [first]
    assert sorted(ids(jury.organiser, f"?contest={jury.contest.pk}")) == sorted([first, second])
    assert ids(jury.jurors[1].user) == [first]
    assert ids(other_organiser) == []
    assert api().get(URL).status_code in (401, 403)


def test_organisations_to_choose_from(api, jury, target, applicant):
    organisation, _applications = target
    r = api(jury.jurors[1].user).get(URL + "organisations/", {"search": organisation.name[:8]})
    assert r.status_code == 200
    assert organisation.pk in [row["id"] for row in r.json()["results"]]
    assert api(applicant).get(URL + "organisations/").status_code == 403


# --- what the declaration does to reviews already made ---------------------------------------------


def test_unfinished_reviews_are_declined_and_replaced_submitted_ones_wait_for_acceptance(api, jury, target):
    organisation, applications = target
    juror = jury.jurors[1]
    unfinished = jury.assign(juror, applications[0])
    submitted = jury.assign(juror, applications[1])
    Review.objects.filter(pk=submitted.pk).update(state=Review.State.SUBMITTED)
    pk = declare(api, juror, organisation).json()["id"]
    unfinished.refresh_from_db()
    submitted.refresh_from_db()
    assert unfinished.state == Review.State.DECLINED
    assert organisation.name in unfinished.decline_reason
    assert submitted.state == Review.State.SUBMITTED
    # Another juror took the declined place.
    assert Review.objects.filter(
        round=jury.round, application=applications[0], state__in=Review.LIVE_STATES
    ).exclude(juror=juror)
    r = api(jury.organiser).post(f"{URL}{pk}/accept/", {"note": ""})
    assert r.status_code == 200, r.content
    submitted.refresh_from_db()
    assert submitted.state == Review.State.DECLINED


def test_replacement_of_a_declined_review_skips_the_declared_juror(api, jury, target):
    organisation, applications = target
    application = applications[0]
    # Everyone but jurors 1 and 2 is unavailable for this application.
    for juror in (jury.jurors[0], jury.jurors[3]):
        ReviewFactory(round=jury.round, juror=juror, application=application, state=Review.State.DECLINED)
    review = jury.assign(jury.jurors[2], application)
    assert declare(api, jury.jurors[1], organisation).status_code == 201
    services.decline_review(review, by=review.juror.user, note="Хворію.")
    assert not Review.objects.filter(
        round=jury.round, application=application, juror=jury.jurors[1], state__in=Review.LIVE_STATES
    ).exists()


def test_conflicted_pairs_cover_standing_declarations_only(api, jury, target):
    organisation, applications = target
    juror = jury.jurors[1]
    pk = declare(api, juror, organisation).json()["id"]
    expected = {(juror.pk, a.pk) for a in applications}
    assert expected <= conflicted_pairs(jury.contest)
    api(jury.organiser).post(f"{URL}{pk}/reject/", {"note": "Ні."})
    assert not expected & conflicted_pairs(jury.contest)


# --- the database's guard ---------------------------------------------------------------------------


def _guard_holds(api, jury, target):
    organisation, applications = target
    juror = jury.jurors[1]
    pk = declare(api, juror, organisation).json()["id"]
    for application in applications:
        with pytest.raises(IntegrityError), transaction.atomic():
            Review.objects.create(round=jury.round, juror=juror, application=application)
    declined = ReviewFactory(
        round=jury.round, juror=juror, application=applications[1], state=Review.State.DECLINED
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=declined.pk).update(state=Review.State.ASSIGNED)
    # Other organisations' applications are not covered.
    Review.objects.create(round=jury.round, juror=juror, application=jury.applications[2])
    api(jury.organiser).post(f"{URL}{pk}/reject/", {"note": "Ні."})
    Review.objects.create(round=jury.round, juror=juror, application=applications[0])


def test_the_database_refuses_a_live_review_the_declaration_covers(api, jury, target):
    _guard_holds(api, jury, target)


@pytest.mark.postgres
def test_the_database_refuses_a_live_review_the_declaration_covers_on_postgres(api, jury, target):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    _guard_holds(api, jury, target)


def test_a_live_review_from_before_the_declaration_can_still_be_saved(api, jury, target):
    organisation, applications = target
    juror = jury.jurors[1]
    review = jury.assign(juror, applications[0])
    Review.objects.filter(pk=review.pk).update(state=Review.State.SUBMITTED)
    assert declare(api, juror, organisation).status_code == 201
    Review.objects.filter(pk=review.pk).update(overall_comment="Уточнення.")  # no IntegrityError


# --- the pages ---------------------------------------------------------------------------------------


def test_the_juror_declares_on_their_page(client, jury, target):
    organisation, _applications = target
    juror = jury.jurors[1]
    client.force_login(juror.user)
    page = client.get(reverse("review:declarations"))
    assert page.status_code == 200
    assert organisation.name in page.content.decode()
    data = {"seat": juror.pk, "organisation": organisation.pk, "note": "Моя сестра там працює."}
    r = client.post(reverse("review:declarations"), data)
    assert r.status_code == 302
    declaration = OrganisationConflict.objects.get()
    assert (declaration.juror, declaration.organisation) == (juror, organisation)
    page = client.get(reverse("review:declarations"), follow=True).content.decode()
    assert "Моя сестра там працює." in page
    # Again: the same refusal as the API, on the form.
    r = client.post(reverse("review:declarations"), data)
    assert r.status_code == 400
    assert "already declared" in r.content.decode()
    r = client.post(reverse("review:declarations"), {**data, "note": ""})
    assert r.status_code == 400
    assert OrganisationConflict.objects.count() == 1


def test_someone_elses_seat_is_not_offered(client, jury, target):
    organisation, _applications = target
    client.force_login(jury.jurors[1].user)
    r = client.post(
        reverse("review:declarations"),
        {"seat": jury.jurors[2].pk, "organisation": organisation.pk, "note": "Чуже місце."},
    )
    assert r.status_code == 400
    assert not OrganisationConflict.objects.exists()


def test_a_person_without_a_seat_is_told_so(client, applicant):
    client.force_login(applicant)
    r = client.get(reverse("review:declarations"))
    assert r.status_code == 200
    assert "not on the jury" in r.content.decode()


def test_the_organiser_sees_and_rejects_on_the_jury_page(client, api, jury, target):
    organisation, _applications = target
    juror = jury.jurors[1]
    pk = declare(api, juror, organisation, note="Була в журі їхнього фестивалю.").json()["id"]
    client.force_login(jury.organiser)
    page = client.get(reverse("review:jury", args=[jury.contest.pk])).content.decode()
    assert "Була в журі їхнього фестивалю." in page
    assert reverse("review:organisation_conflict_step", args=[pk, "reject"]) in page
    step = reverse("review:organisation_conflict_step", args=[pk, "reject"])
    r = client.post(step, {"reject-note": ""}, follow=True)
    assert OrganisationConflict.objects.get(pk=pk).state == OrganisationConflict.State.PENDING
    assert "was refused" in r.content.decode()
    r = client.post(step, {"reject-note": "Фестиваль був давно."}, follow=True)
    assert OrganisationConflict.objects.get(pk=pk).state == OrganisationConflict.State.REJECTED
    assert "Фестиваль був давно." in r.content.decode()
    # The juror may not run the organisers' step, nor see another's declarations.
    client.force_login(juror.user)
    assert client.post(reverse("review:organisation_conflict_step", args=[pk, "accept"])).status_code in (
        403,
        404,
    )
    client.force_login(jury.jurors[2].user)
    r = client.post(reverse("review:organisation_conflict_step", args=[pk, "accept"]))
    assert r.status_code == 404


def test_the_schema_documents_the_endpoints(api):
    import yaml

    schema = yaml.safe_load(api().get("/api/schema/").content)
    paths = schema["paths"]
    assert {"201", "400", "403"} <= set(paths[URL]["post"]["responses"])
    for step in ("accept", "reject"):
        assert {"200", "400", "403", "404", "409"} <= set(paths[f"{URL}{{id}}/{step}/"]["post"]["responses"])
    assert f"{URL}organisations/" in paths
