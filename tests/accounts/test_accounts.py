"""Users log in by e-mail (case-insensitive), invitations work once, registry codes are checked."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from accounts import services
from accounts.models import Invitation, Membership, Organisation, User
from accounts.regions import Region
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- users ---------------------------------------------------------------------------------------


def test_email_is_stored_lower_case():
    user = services.sign_up(email="Olena.Petrenko@Example.ORG", full_name="Олена", password=PASSWORD)
    assert user.email == "olena.petrenko@example.org"


def test_login_with_email_in_any_case():
    services.sign_up(email="olena@example.org", full_name="Олена", password=PASSWORD)
    assert (
        authenticate(RequestFactory().post("/"), username="OLENA@EXAMPLE.ORG", password=PASSWORD) is not None
    )
    assert (
        authenticate(RequestFactory().post("/"), username="Olena@Example.org", password=PASSWORD) is not None
    )
    assert authenticate(RequestFactory().post("/"), username="olena@example.org", password="wrong") is None


def test_second_user_with_same_email_in_another_case_fails():
    services.sign_up(email="olena@example.org", full_name="Олена", password=PASSWORD)
    with pytest.raises(IntegrityError), transaction.atomic():
        services.sign_up(email="OLENA@example.org", full_name="Інша Олена", password=PASSWORD)
    assert User.objects.count() == 1


def test_case_insensitive_uniqueness_holds_in_the_database():
    UserFactory(email="taras@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        # Bypass the manager's lower-casing: the functional unique index still refuses it.
        User.objects.bulk_create([User(email="Taras@Example.org", full_name="Тарас")])


def test_inactive_user_cannot_log_in():
    user = UserFactory(is_active=False)
    assert authenticate(RequestFactory().post("/"), username=user.email, password=PASSWORD) is None


def test_email_is_required():
    with pytest.raises(ValueError):
        User.objects.create_user(email="", password=PASSWORD)


def test_superuser_is_staff():
    user = User.objects.create_superuser(email="Admin@Example.org", password=PASSWORD, full_name="Адмін")
    assert user.is_staff and user.is_superuser
    assert user.email == "admin@example.org"


# --- invitations ---------------------------------------------------------------------------------


@pytest.fixture
def org_admin():
    membership = MembershipFactory(is_admin=True)
    return membership.user


@pytest.fixture
def organisation(org_admin):
    return org_admin.organisations.get()


def test_invitation_is_accepted_once(organisation, org_admin):
    invitation = services.invite_colleague(organisation, email="Colleague@Example.org", by=org_admin)
    assert invitation.email == "colleague@example.org"
    colleague = UserFactory(email="colleague@example.org")

    membership = services.accept_invitation(invitation, user=colleague)
    assert membership.organisation == organisation
    assert not membership.is_admin
    invitation.refresh_from_db()
    assert invitation.accepted_by == colleague
    assert invitation.accepted_at is not None

    with pytest.raises(ValidationError, match="already used"):
        services.accept_invitation(invitation, user=colleague)
    assert Membership.objects.filter(user=colleague).count() == 1


def test_expired_invitation_is_refused(organisation, org_admin):
    invitation = services.invite_colleague(organisation, email="late@example.org", by=org_admin)
    colleague = UserFactory(email="late@example.org")
    with (
        time_machine.travel(invitation.expires_at + timedelta(seconds=1), tick=False),
        pytest.raises(ValidationError, match="expired"),
    ):
        services.accept_invitation(invitation, user=colleague)
    assert not Membership.objects.filter(user=colleague).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invitation_valid_until_just_before_expiry(organisation, org_admin):
    invitation = services.invite_colleague(organisation, email="ontime@example.org", by=org_admin)
    colleague = UserFactory(email="ontime@example.org")
    with time_machine.travel(invitation.expires_at - timedelta(seconds=1), tick=False):
        services.accept_invitation(invitation, user=colleague)
    assert Membership.objects.filter(user=colleague, organisation=organisation).exists()


def test_invitation_expires_in_two_weeks(organisation, org_admin):
    with time_machine.travel("2026-05-01 10:00 +00:00", tick=False):
        invitation = services.invite_colleague(organisation, email="x@example.org", by=org_admin)
    assert invitation.expires_at.isoformat() == "2026-05-15T10:00:00+00:00"


def test_invitation_for_another_email_is_refused(organisation, org_admin):
    invitation = services.invite_colleague(organisation, email="intended@example.org", by=org_admin)
    stranger = UserFactory(email="stranger@example.org")
    with pytest.raises(ValidationError, match="another e-mail"):
        services.accept_invitation(invitation, user=stranger)
    assert not Membership.objects.filter(user=stranger).exists()
    invitation.refresh_from_db()
    assert invitation.is_usable


def test_invitation_email_case_does_not_matter(organisation, org_admin):
    invitation = services.invite_colleague(organisation, email="mixed@example.org", by=org_admin)
    colleague = UserFactory(email="mixed@example.org")
    colleague.email = "MIXED@example.org"  # as a user object might carry it
    services.accept_invitation(invitation, user=colleague)
    assert Membership.objects.filter(user=colleague).exists()


def test_inviting_a_member_is_refused(organisation, org_admin):
    with pytest.raises(ValidationError) as error:
        services.invite_colleague(organisation, email=org_admin.email.upper(), by=org_admin)
    assert "email" in error.value.message_dict
    assert not Invitation.objects.exists()


def test_invitation_tokens_are_unique_and_long(organisation, org_admin):
    tokens = {
        services.invite_colleague(organisation, email=f"p{i}@example.org", by=org_admin).token
        for i in range(20)
    }
    assert len(tokens) == 20
    assert all(len(t) >= 32 for t in tokens)


# --- organisations -----------------------------------------------------------------------------------


def org_fields(**overrides) -> dict:
    return {
        "name": "Бібліотека-філія №3",
        "kind": Organisation.Kind.PUBLIC_LIBRARY,
        "region": Region.POLTAVA,
        "settlement": "Вигадане",
        "email": "filia3@example.org",
        **overrides,
    }


def test_register_organisation_makes_the_person_admin():
    user = UserFactory()
    organisation = services.register_organisation(by=user, **org_fields(registry_code="12345678"))
    assert Membership.objects.get(user=user, organisation=organisation).is_admin


@pytest.mark.parametrize("code", ["1234567", "12345678901", "1234567A", "ЄДРПОУ123", "1234 5678"])
def test_registry_code_format(code):
    user = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.register_organisation(by=user, **org_fields(registry_code=code))
    assert "registry_code" in error.value.message_dict
    assert not Organisation.objects.exists()
    assert not Membership.objects.exists()


@pytest.mark.parametrize("code", ["12345678", "1234567890", ""])
def test_registry_code_valid_forms(code):
    organisation = services.register_organisation(by=UserFactory(), **org_fields(registry_code=code))
    assert organisation.registry_code == code


def test_registry_code_unique():
    OrganisationFactory(registry_code="87654321")
    with pytest.raises(ValidationError) as error:
        services.register_organisation(by=UserFactory(), **org_fields(registry_code="87654321"))
    assert error.value.message_dict
    assert Organisation.objects.count() == 1


def test_registry_code_unique_in_database_but_blank_may_repeat():
    OrganisationFactory(registry_code="")
    OrganisationFactory(registry_code="")
    OrganisationFactory(registry_code="11112222")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(registry_code="11112222")


def test_update_organisation_validates():
    organisation = OrganisationFactory()
    with pytest.raises(ValidationError):
        services.update_organisation(organisation, phone="call me")
    organisation.refresh_from_db()
    assert organisation.phone == ""
