"""Invitations by API, as each inviter and each invitee: organisation staff, jurors, grant
officers and organisers; accepting by the API (token + password) and by the page."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from accounts.models import ORGANISERS_GROUP, Invitation, Membership, User
from contests.models import ContestRole
from core import clock
from review.models import Juror
from tests.factories import PASSWORD, OrganisationFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kalyna-vesna-2031"


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """send(client, payload) -> the response of POST /api/v1/invitations/, its e-mail delivered."""

    def post(client, payload):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/api/v1/invitations/", payload, format="json")

    return post


def _token_in_mail() -> str:
    assert mail.outbox, "no e-mail was sent"
    return re.search(r"/accounts/invitations/([^/\s]+)/", mail.outbox[-1].body).group(1)


# --- organisation staff ---------------------------------------------------------------------------


def test_organisation_admin_invites_staff_and_the_invitee_accepts_by_api(api, applicant, send):
    organisation = applicant.organisations.get()
    response = send(
        api(applicant), {"email": "Kolega@Example.org", "role": "staff", "organisation": organisation.pk}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["role"] == "staff" and body["organisation"] == organisation.pk
    assert body["email"] == "kolega@example.org" and "token" not in body
    assert mail.outbox[-1].to == ["kolega@example.org"]
    token = _token_in_mail()

    response = api().post(
        "/api/v1/invitations/accept/",
        {"token": token, "password": NEW_PASSWORD, "full_name": "Марта Вигадана"},
        format="json",
    )
    assert response.status_code == 200, response.content
    user = User.objects.get(email="kolega@example.org")
    assert user.full_name == "Марта Вигадана" and user.email_confirmed_at is not None
    assert Membership.objects.filter(user=user, organisation=organisation, is_admin=False).exists()
    assert response.json()["role"] == "staff" and response.json()["organisation"] == organisation.pk
    # The token answered is the new account's: it works at once.
    me = api()
    me.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert me.get("/api/v1/me/").json()["email"] == "kolega@example.org"


def test_member_who_is_no_admin_and_stranger_may_not_invite_staff(api, send):
    organisation = OrganisationFactory()
    member = UserFactory()
    organisation.memberships.create(user=member, is_admin=False)
    payload = {"email": "x@example.org", "role": "staff", "organisation": organisation.pk}
    response = send(api(member), payload)
    assert response.status_code == 403
    assert "detail" in response.json()
    # A stranger does not even see the organisation: a field error, nothing sent.
    response = send(api(UserFactory()), payload)
    assert response.status_code == 400
    assert "organisation" in response.json()["errors"]
    assert api().post("/api/v1/invitations/", payload, format="json").status_code in (401, 403)
    assert not Invitation.objects.exists() and not mail.outbox


def test_bad_email_missing_target_and_duplicate_answer_400(api, applicant, send):
    organisation = applicant.organisations.get()
    client = api(applicant)
    response = send(client, {"email": "not-an-address", "role": "staff", "organisation": organisation.pk})
    assert response.status_code == 400 and "email" in response.json()["errors"]
    response = send(client, {"email": "a@example.org", "role": "staff"})
    assert response.status_code == 400 and "organisation" in response.json()["errors"]
    response = send(client, {"email": "a@example.org", "role": "chief"})
    assert response.status_code == 400 and "role" in response.json()["errors"]
    assert (
        send(client, {"email": "a@example.org", "role": "staff", "organisation": organisation.pk}).status_code
        == 201
    )
    again = send(client, {"email": "A@example.org", "role": "staff", "organisation": organisation.pk})
    assert again.status_code == 400
    assert "already invited" in again.json()["errors"]["email"][0]
    assert Invitation.objects.count() == 1


# --- jurors and grant officers: a contest's organisers invite them -------------------------------


def test_organiser_invites_a_juror_who_accepts_by_api_and_is_seated(api, organiser, draft_contest, send):
    response = send(
        api(organiser), {"email": "suddia@example.org", "role": "juror", "contest": draft_contest.pk}
    )
    assert response.status_code == 201, response.content
    assert response.json()["contest"] == draft_contest.pk
    assert draft_contest.title in mail.outbox[-1].subject
    response = api().post(
        "/api/v1/invitations/accept/",
        {"token": _token_in_mail(), "password": NEW_PASSWORD, "full_name": "Остап Вигаданий"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "juror"
    juror = User.objects.get(email="suddia@example.org")
    assert Juror.objects.filter(contest=draft_contest, user=juror).exists()
    assert draft_contest.roles.filter(user=juror, role=ContestRole.Role.JUROR).exists()


def test_organiser_invites_a_grant_officer_who_has_an_account(api, organiser, draft_contest, send):
    officer = UserFactory(email="finance@example.org")
    response = send(
        api(organiser), {"email": "finance@example.org", "role": "grant_officer", "contest": draft_contest.pk}
    )
    assert response.status_code == 201, response.content
    token = _token_in_mail()
    # With an account, the password must be that account's.
    wrong = api().post("/api/v1/invitations/accept/", {"token": token, "password": "nope"}, format="json")
    assert wrong.status_code == 400 and "password" in wrong.json()["errors"]
    assert not draft_contest.roles.filter(user=officer).exists()
    response = api().post(
        "/api/v1/invitations/accept/", {"token": token, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    assert draft_contest.roles.filter(user=officer, role=ContestRole.Role.GRANT_OFFICER).exists()


def test_logged_in_invitee_accepts_without_a_password(api, organiser, draft_contest, send):
    officer = UserFactory(email="finance@example.org")
    send(api(organiser), {"email": officer.email, "role": "grant_officer", "contest": draft_contest.pk})
    response = api(officer).post("/api/v1/invitations/accept/", {"token": _token_in_mail()}, format="json")
    assert response.status_code == 200, response.content
    assert draft_contest.roles.filter(user=officer, role=ContestRole.Role.GRANT_OFFICER).exists()
    # Someone else logged in cannot take it.
    send(api(organiser), {"email": "other@example.org", "role": "juror", "contest": draft_contest.pk})
    response = api(officer).post("/api/v1/invitations/accept/", {"token": _token_in_mail()}, format="json")
    assert response.status_code == 400
    assert "another e-mail address" in str(response.json())


def test_who_may_not_invite_to_a_contest(api, organiser, draft_contest, other_organiser, applicant, send):
    for role in ("juror", "grant_officer"):
        payload = {"email": "x@example.org", "role": role, "contest": draft_contest.pk}
        # An organiser of another contest does not see this draft: 400 on the field.
        response = send(api(other_organiser), payload)
        assert response.status_code == 400 and "contest" in response.json()["errors"]
        # A juror of the contest sees it but may not invite: 403.
        juror = UserFactory()
        grant(draft_contest, juror, ContestRole.Role.JUROR)
        assert send(api(juror), payload).status_code == 403
        assert send(api(applicant), payload).status_code == 400
    assert not Invitation.objects.exists()


# --- organisers: staff invite them -----------------------------------------------------------------


def test_staff_invite_an_organiser_who_accepts_and_may_create_contests(api, staff, send):
    response = send(
        api(staff), {"email": "orhanizator@example.org", "role": "organiser", "full_name": "Ніна Вигадана"}
    )
    assert response.status_code == 201, response.content
    response = api().post(
        "/api/v1/invitations/accept/", {"token": _token_in_mail(), "password": NEW_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    user = User.objects.get(email="orhanizator@example.org")
    assert user.full_name == "Ніна Вигадана"  # the invitation's name when none is given
    assert user.groups.filter(name=ORGANISERS_GROUP).exists()
    assert User.objects.get(pk=user.pk).has_perm("contests.add_contest")


def test_only_staff_invite_organisers(api, organiser, draft_contest, send):
    response = send(api(organiser), {"email": "x@example.org", "role": "organiser"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


# --- refusals when accepting -----------------------------------------------------------------------


def test_weak_password_is_refused_and_creates_nothing(api, staff, send):
    send(api(staff), {"email": "slabkyi@example.org", "role": "organiser", "full_name": "Вигаданий"})
    token = _token_in_mail()
    for weak in ("12345678", "password", "slabkyi1"):
        response = api().post(
            "/api/v1/invitations/accept/", {"token": token, "password": weak}, format="json"
        )
        assert response.status_code == 400, weak
        assert response.json()["errors"]["password"]
    assert not User.objects.filter(email="slabkyi@example.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_used_and_expired_invitations_answer_410_and_unknown_400(api, staff, send):
    send(api(staff), {"email": "a@example.org", "role": "organiser", "full_name": "Вигадана"})
    token = _token_in_mail()
    payload = {"token": token, "password": NEW_PASSWORD}
    assert api().post("/api/v1/invitations/accept/", payload, format="json").status_code == 200
    again = api().post("/api/v1/invitations/accept/", payload, format="json")
    assert again.status_code == 410
    assert "expired or was already used" in again.json()["detail"]

    send(api(staff), {"email": "b@example.org", "role": "organiser", "full_name": "Вигадана"})
    late = _token_in_mail()
    with time_machine.travel(clock.now() + timedelta(days=15)):
        response = api().post(
            "/api/v1/invitations/accept/", {"token": late, "password": NEW_PASSWORD}, format="json"
        )
    assert response.status_code == 410
    assert not User.objects.filter(email="b@example.org").exists()

    unknown = api().post(
        "/api/v1/invitations/accept/", {"token": "nothing", "password": NEW_PASSWORD}, format="json"
    )
    assert unknown.status_code == 400 and "token" in unknown.json()["errors"]


def test_accepting_is_rate_limited_per_address(api, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "accept_invitation": "3/hour"}
    client = api()
    codes = [
        client.post("/api/v1/invitations/accept/", {"token": f"guess{i}"}, format="json").status_code
        for i in range(4)
    ]
    assert codes == [400, 400, 400, 429]
    # Another client address still gets in.
    other = api()
    response = other.post(
        "/api/v1/invitations/accept/", {"token": "x"}, format="json", REMOTE_ADDR="10.9.8.7"
    )
    assert response.status_code == 400


def test_inviter_lists_the_invitations_they_sent(api, applicant, organiser, draft_contest, send):
    organisation = applicant.organisations.get()
    send(api(applicant), {"email": "a@example.org", "role": "staff", "organisation": organisation.pk})
    send(api(organiser), {"email": "b@example.org", "role": "juror", "contest": draft_contest.pk})
    mine = api(organiser).get("/api/v1/invitations/").json()["results"]
    assert [i["email"] for i in mine] == ["b@example.org"]
    assert mine[0]["contest_title"] == draft_contest.title and mine[0]["usable"] is True
    other = Invitation.objects.get(email="a@example.org")
    assert api(organiser).get(f"/api/v1/invitations/{other.pk}/").status_code == 404


# --- the page: accepting with a new password -----------------------------------------------------


def test_invitation_page_creates_the_account_with_a_password(client, staff, api, send):
    send(api(staff), {"email": "storinka@example.org", "role": "organiser"})
    link = reverse("accounts:invitation", args=[_token_in_mail()])
    page = client.get(link).content.decode()
    assert "Set a password and accept" in page and "Invitation to organise contests" in page
    response = client.post(link, {"full_name": "Віра Вигадана", "password1": "123", "password2": "123"})
    assert response.status_code == 400
    assert "too short" in response.content.decode()
    assert not User.objects.filter(email="storinka@example.org").exists()
    response = client.post(
        link, {"full_name": "Віра Вигадана", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    user = User.objects.get(email="storinka@example.org")
    assert user.groups.filter(name=ORGANISERS_GROUP).exists()
    assert int(client.session["_auth_user_id"]) == user.pk
    # Used: the page says so and offers no form.
    client.logout()
    page = client.get(link).content.decode()
    assert "expired or was already used" in page and "Set a password" not in page


def test_contest_people_page_invites_a_juror(
    client, organiser, draft_contest, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    people = reverse("contests:people", args=[draft_contest.pk])
    assert (
        reverse("accounts:invite_to_contest", args=[draft_contest.pk]) in client.get(people).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invite_to_contest", args=[draft_contest.pk]),
            {"email": "suddia@example.org", "role": "juror", "next": people},
            follow=True,
        )
    assert "An invitation to be “Juror” was sent to suddia@example.org." in response.content.decode()
    invitation = Invitation.objects.get()
    assert invitation.purpose == Invitation.Purpose.JURY and invitation.payload["contest"] == draft_contest.pk
    # A juror of the contest may not.
    juror = UserFactory()
    grant(draft_contest, juror, ContestRole.Role.JUROR)
    client.force_login(juror)
    response = client.post(
        reverse("accounts:invite_to_contest", args=[draft_contest.pk]),
        {"email": "x@example.org", "role": "grant_officer", "next": people},
    )
    assert response.status_code == 403
    assert Invitation.objects.count() == 1


def test_organisers_group_exists_and_is_used(db):
    assert Group.objects.filter(name=ORGANISERS_GROUP).exists()
