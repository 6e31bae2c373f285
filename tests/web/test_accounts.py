import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation, Membership, Organisation, User
from tests.factories import OrganisationFactory, UserFactory
from tests.sign_up import sign_up_and_confirm

pytestmark = pytest.mark.django_db


def organisation_data(**overrides):
    data = {
        "name": "Вигадана публічна бібліотека",
        "kind": Organisation.Kind.PUBLIC_LIBRARY,
        "region": "poltava",
        "settlement": "Вигадане",
        "address": "вул. Вигадана, 1",
        "registry_code": "",
        "website": "",
        "email": "library@example.org",
        "phone": "+380 44 000 00 00",
    }
    data.update(overrides)
    return data


def test_sign_up_logs_in_and_asks_for_organisation(web, password, django_capture_on_commit_callbacks):
    client = web()
    page = client.get(reverse("accounts:signup")).content.decode()
    assert "E-mail address" in page
    response = sign_up_and_confirm(
        client,
        {
            "email": "New.Person@Example.org",
            "full_name": "Нова Особа",
            "password1": password,
            "password2": password,
        },
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:organisation_new")
    user = User.objects.get(email="new.person@example.org")
    assert user.full_name == "Нова Особа"
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_sign_up_with_different_passwords_and_taken_email(web, password):
    existing = UserFactory()
    response = web().post(
        reverse("accounts:signup"),
        {
            "email": existing.email.upper(),
            "full_name": "X",
            "password1": password,
            "password2": password + "x",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "already exists" not in html  # never told (issue 16)
    assert "The two passwords differ." in html
    assert User.objects.count() == 1


def test_login_by_email(web, password):
    user = UserFactory(email="librarian@example.org")
    client = web()
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<label for="id_username">E-mail address' in page
    assert '<label for="id_password">Password' in page
    response = client.post(
        reverse("accounts:login"), {"username": "Librarian@example.org", "password": password}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_with_wrong_password_shows_error(web):
    UserFactory(email="librarian@example.org")
    response = web().post(
        reverse("accounts:login"), {"username": "librarian@example.org", "password": "nope"}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_logout_is_post(web):
    client = web(UserFactory())
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_register_organisation(web):
    user = UserFactory()
    client = web(user)
    response = client.post(reverse("accounts:organisation_new"), organisation_data())
    assert response.status_code == 302, response.content.decode()
    organisation = Organisation.objects.get(name="Вигадана публічна бібліотека")
    assert Membership.objects.get(user=user, organisation=organisation).is_admin
    html = client.get(response["Location"]).content.decode()
    assert organisation.name in html
    assert "Invite a colleague" in html


def test_register_organisation_with_bad_registry_code_shows_error(web):
    response = web(UserFactory()).post(
        reverse("accounts:organisation_new"), organisation_data(registry_code="12")
    )
    assert response.status_code == 200
    assert "EDRPOU" in response.content.decode()
    assert not Organisation.objects.exists()


def test_organisation_page_is_404_for_non_members(web):
    organisation = OrganisationFactory()
    assert web(UserFactory()).get(reverse("accounts:organisation", args=[organisation.pk])).status_code == 404


def test_member_cannot_edit_or_invite(web):
    organisation = OrganisationFactory()
    member = UserFactory()
    organisation.memberships.create(user=member, is_admin=False)
    client = web(member)
    html = client.get(reverse("accounts:organisation", args=[organisation.pk])).content.decode()
    assert "Invite a colleague" not in html
    assert client.get(reverse("accounts:organisation_edit", args=[organisation.pk])).status_code == 403
    response = client.post(
        reverse("accounts:organisation_invite", args=[organisation.pk]), {"email": "x@example.org"}
    )
    assert response.status_code == 403


def test_admin_edits_organisation(web, applicant):
    organisation = applicant.organisations.get()
    response = web(applicant).post(
        reverse("accounts:organisation_edit", args=[organisation.pk]),
        organisation_data(name="Перейменована бібліотека"),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Перейменована бібліотека"


def test_invite_and_accept(web, applicant, password, django_capture_on_commit_callbacks):
    organisation = applicant.organisations.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = web(applicant).post(
            reverse("accounts:organisation_invite", args=[organisation.pk]),
            {"email": "Colleague@Example.org"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(organisation=organisation)
    assert invitation.email == "colleague@example.org"
    assert len(mail.outbox) == 1
    link = re.search(r"/accounts/invitations/[^/\s]+/", mail.outbox[0].body).group(0)
    assert link == reverse("accounts:invitation", args=[invitation.token])

    # Anonymous: sees the organisation and is sent to sign up, then back here.
    anonymous = web()
    html = anonymous.get(link).content.decode()
    assert organisation.name in html
    assert "Sign up to accept" in html
    signup_page = anonymous.get(reverse("accounts:signup") + f"?next={link}").content.decode()
    assert 'value="colleague@example.org"' in signup_page
    response = sign_up_and_confirm(
        anonymous,
        {
            "email": "colleague@example.org",
            "full_name": "Колега",
            "password1": password,
            "password2": password,
            "next": link,
        },
        django_capture_on_commit_callbacks,
        url=reverse("accounts:signup") + f"?next={link}",
    )
    assert response["Location"] == link
    html = anonymous.get(link).content.decode()
    assert "Accept the invitation" in html
    response = anonymous.post(link)
    assert response.status_code == 302
    colleague = User.objects.get(email="colleague@example.org")
    assert Membership.objects.filter(user=colleague, organisation=organisation, is_admin=False).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == colleague


def test_invitation_for_another_address_cannot_be_accepted(web, applicant):
    organisation = applicant.organisations.get()
    invitation = Invitation.objects.create(organisation=organisation, email="someone@example.org")
    stranger = UserFactory()
    client = web(stranger)
    html = client.get(reverse("accounts:invitation", args=[invitation.token])).content.decode()
    assert "Accept the invitation" not in html
    client.post(reverse("accounts:invitation", args=[invitation.token]), follow=True)
    assert not Membership.objects.filter(user=stranger).exists()


def test_invitation_login_link_returns_to_invitation(web, applicant, password):
    organisation = applicant.organisations.get()
    invited = UserFactory(email="invited@example.org")
    invitation = Invitation.objects.create(organisation=organisation, email=invited.email)
    link = reverse("accounts:invitation", args=[invitation.token])
    client = web()
    html = client.get(link).content.decode()
    assert f'href="{reverse("accounts:login")}?next=' in html
    response = client.post(
        reverse("accounts:login") + f"?next={link}",
        {"username": invited.email, "password": password, "next": link},
    )
    assert response["Location"] == link


def test_profile_saves_and_lists_roles(web, organiser, draft_contest):
    client = web(organiser)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert draft_contest.title in html
    assert "Organiser" in html
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Інше Ім'я", "phone": "+380 44 111 22 33", "language": "en"},
    )
    assert response.status_code == 302
    organiser.refresh_from_db()
    assert organiser.phone == "+380 44 111 22 33"
    assert organiser.language == "en"


def test_password_reset_flow(web, password):
    user = UserFactory(email="forgetful@example.org")
    client = web()
    response = client.post(reverse("accounts:password_reset"), {"email": "forgetful@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert "Choose a new password" in response.content.decode()
    set_url = response.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "another-long-pass-42", "new_password2": "another-long-pass-42"}
    )
    assert response["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("another-long-pass-42")
