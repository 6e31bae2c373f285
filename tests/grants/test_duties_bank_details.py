"""Who pays cannot redirect the money (issue 16, point 12).

Only the grantee's members enter or change the payee's bank details (a grant officer gets 403 on
both doors). A change of details already given, once the agreement is signed, tells the grantee's
members, the contest's organisers and its grant officers, is written to the security log, and holds
the next payment until a second grant officer (not of the grantee) confirms it; the confirmer does
not record that payment himself."""

import pytest
from django.urls import reverse

from accounts.models import SecurityEvent
from contests.models import ContestRole
from grants import services
from grants.events import BANK_DETAILS_CHANGED
from grants.iban import make_ua_iban
from grants.models import Disbursement, Grant
from notifications.models import Message
from tests.factories import UserFactory, grant
from tests.grants.conftest import IBAN, pdf
from tests.grants.test_web import client

pytestmark = pytest.mark.django_db

NEW_IBAN = make_ua_iban("305299", "26001234567890")
NEW = {"payee_name": "ПБ Підміна", "payee_bank": "Інший банк", "payee_iban": NEW_IBAN}
PAY = {"idempotency_key": "k-duties", "payment_reference": "PP-7", "paid_on": "2025-03-02"}


@pytest.fixture
def second_officer(world):
    person = UserFactory(full_name="Друга Офіцерка")
    grant(world.contest, person, ContestRole.Role.GRANT_OFFICER)
    return person


@pytest.fixture
def approved(world) -> Disbursement:
    """An active grant (bank details given before signing) with an approved tranche."""
    active = world.active("1000.00")
    tranche = services.schedule_tranche(active, by=world.officer, planned_on=active.starts_on, amount="500")
    return services.approve_tranche(tranche, by=world.officer)


def test_a_grant_officer_cannot_enter_or_change_bank_details(api, world):
    offered = world.offer()
    r = api(world.officer).post(f"/api/v1/grants/{offered.pk}/bank-details/", NEW, format="json")
    assert r.status_code == 403
    web = client(world.officer).post(reverse("grants:bank_details", args=[offered.pk]), NEW)
    assert web.status_code == 403
    assert Grant.objects.get(pk=offered.pk).payee_iban == ""
    # The officer's grant page has no bank form; the grantee's has.
    detail = reverse("grants:detail", args=[offered.pk])
    action = reverse("grants:bank_details", args=[offered.pk])
    assert action not in client(world.officer).get(detail).content.decode()
    assert action in client(world.member).get(detail).content.decode()


def test_others_cannot_change_bank_details_either(api, world):
    offered = world.offer()
    for person in (world.organiser, world.outsider, world.juror):
        r = api(person).post(f"/api/v1/grants/{offered.pk}/bank-details/", NEW, format="json")
        assert r.status_code == 404  # they do not see the grant at all
    assert Grant.objects.get(pk=offered.pk).payee_iban == ""


def test_the_grantee_enters_details_before_signing_without_ceremony(api, world):
    offered = world.offer()
    r = api(world.member).post(f"/api/v1/grants/{offered.pk}/bank-details/", NEW, format="json")
    assert r.status_code == 200 and r.json()["payee_iban"] == NEW_IBAN
    assert r.json()["bank_details_unconfirmed"] is False
    assert not Message.objects.filter(event=BANK_DETAILS_CHANGED.key).exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.BANK_DETAILS_CHANGED).exists()


def test_first_details_after_signing_are_told_but_need_no_confirmation(world):
    """The demo's path (seed_demo): signed first, details entered once, then paid."""
    offered = world.offer("1000.00")

    signed = services.sign_agreement(
        offered, by=world.officer, signed_copy=pdf(), signed_on=offered.starts_on
    )
    signed = services.update_bank_details(signed, by=world.member, **NEW)
    assert not signed.bank_details_unconfirmed
    assert Message.objects.filter(event=BANK_DETAILS_CHANGED.key, user=world.organiser).exists()
    active = services.activate_grant(signed, by=world.officer)
    tranche = services.schedule_tranche(active, by=world.officer, planned_on=active.starts_on, amount="100")
    tranche = services.approve_tranche(tranche, by=world.officer)
    paid = services.pay_tranche(tranche, by=world.officer, **{**PAY, "paid_on": active.starts_on})
    assert paid.state == Disbursement.State.PAID


def test_a_change_after_signing_is_told_logged_and_holds_the_payment(api, world, approved, second_officer):
    gid = approved.grant_id
    r = api(world.member).post(f"/api/v1/grants/{gid}/bank-details/", NEW, format="json")
    assert r.status_code == 200 and r.json()["bank_details_unconfirmed"] is True

    told = set(Message.objects.filter(event=BANK_DETAILS_CHANGED.key).values_list("user_id", flat=True))
    assert {world.member.pk, world.organiser.pk, world.officer.pk, second_officer.pk} <= told
    assert world.juror.pk not in told and world.outsider.pk not in told
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.BANK_DETAILS_CHANGED)
    assert event.user == world.member and event.details["grant"] == gid
    assert event.details["iban_ending"] == NEW_IBAN[-4:]

    # The payment is refused while the change is unconfirmed, and nothing is paid.
    r = api(world.officer).post(f"/api/v1/grant-tranches/{approved.pk}/pay/", PAY, format="json")
    assert r.status_code == 409
    assert any("confirm" in reason for reason in r.json()["reasons"])
    assert Disbursement.objects.get(pk=approved.pk).state == Disbursement.State.APPROVED
    tranche = api(world.officer).get(f"/api/v1/grant-tranches/{approved.pk}/").json()
    assert "pay" not in tranche["allowed_transitions"]


def test_who_may_confirm_changed_details(api, world, approved, second_officer):
    gid = approved.grant_id
    services.update_bank_details(approved.grant, by=world.member, **NEW)
    url = f"/api/v1/grants/{gid}/confirm-bank-details/"
    # The grantee vouches for nothing of his own; outsiders do not see the grant.
    assert api(world.member).post(url).status_code == 403
    assert (
        "confirm_bank_details"
        not in api(world.member).get(f"/api/v1/grants/{gid}/").json()["allowed_transitions"]
    )
    for person in (world.outsider, world.juror, world.organiser):
        assert api(person).post(url).status_code == 404
    # A grant officer who is also a member of the grantee may not confirm it either.
    approved.grant.application.organisation.memberships.create(user=second_officer)
    assert api(second_officer).post(url).status_code == 403
    assert Grant.objects.get(pk=gid).bank_details_unconfirmed


def test_a_second_officer_confirms_and_another_pays(api, world, approved, second_officer):
    gid = approved.grant_id
    services.update_bank_details(approved.grant, by=world.member, **NEW)
    body = api(second_officer).get(f"/api/v1/grants/{gid}/").json()
    assert "confirm_bank_details" in body["allowed_transitions"]
    r = api(second_officer).post(f"/api/v1/grants/{gid}/confirm-bank-details/", {"note": "Перевірено"})
    assert r.status_code == 200 and r.json()["bank_details_unconfirmed"] is False
    assert r.json()["state"] == Grant.State.ACTIVE

    # Confirming twice: nothing to confirm, 409 with the steps allowed now.
    again = api(second_officer).post(f"/api/v1/grants/{gid}/confirm-bank-details/")
    assert again.status_code == 409 and "confirm_bank_details" not in again.json()["allowed"]

    # Who confirmed does not pay; another officer does, and then the hold is over.
    mine = api(second_officer).post(f"/api/v1/grant-tranches/{approved.pk}/pay/", PAY, format="json")
    assert mine.status_code == 409 and Disbursement.objects.get(pk=approved.pk).state == "approved"
    paid = api(world.officer).post(f"/api/v1/grant-tranches/{approved.pk}/pay/", PAY, format="json")
    assert paid.status_code == 200 and paid.json()["state"] == Disbursement.State.PAID
    assert Grant.objects.get(pk=gid).bank_details_confirmed_by is None


def test_the_web_page_shows_the_hold_and_the_confirm_button(world, approved, second_officer):
    services.update_bank_details(approved.grant, by=world.member, **NEW)
    detail = reverse("grants:detail", args=[approved.grant_id])
    step = reverse("grants:grant_step", args=[approved.grant_id, "confirm_bank_details"])
    page = client(second_officer).get(detail).content.decode()
    assert 'id="bank-unconfirmed"' in page and step in page
    assert step not in client(world.member).get(detail).content.decode()
    assert client(world.member).post(step).status_code == 403

    response = client(second_officer).post(step)
    assert response.status_code == 302
    stored = Grant.objects.get(pk=approved.grant_id)
    assert not stored.bank_details_unconfirmed and stored.bank_details_confirmed_by == second_officer
    assert 'id="bank-unconfirmed"' not in client(second_officer).get(detail).content.decode()


def test_same_details_again_change_nothing(world, approved):
    before = Message.objects.count()
    services.update_bank_details(
        approved.grant, by=world.member, payee_name="ПБ Вигадана", payee_bank="Тестбанк", payee_iban=IBAN
    )
    assert Message.objects.count() == before
    assert not Grant.objects.get(pk=approved.grant_id).bank_details_unconfirmed
