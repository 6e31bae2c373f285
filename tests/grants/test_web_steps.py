"""The grants' buttons come from the catalogue (grants/steps.py): who may take a step in which state
sees it, posting it runs it through the one step view, and a refusal shows its reasons and changes
nothing. The old one-step addresses run the same steps."""

from datetime import date

import pytest
from django.urls import reverse

from grants import services
from grants.models import Disbursement, Grant, GrantReport
from tests.grants.conftest import IBAN, pdf
from tests.grants.test_web import Funded, client

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(world) -> Funded:
    return Funded(world)


def grant_step(grant: Grant, name: str) -> str:
    return reverse("grants:grant_step", args=[grant.pk, name.replace("_", "-")])


def tranche_step(tranche: Disbursement, name: str) -> str:
    return reverse("grants:tranche_step", args=[tranche.pk, name])


def page_of(user, grant: Grant) -> str:
    return client(user).get(reverse("grants:detail", args=[grant.pk])).content.decode()


def test_the_officer_sees_activate_only_when_the_agreement_is_signed(world):
    grant = world.offer()
    assert grant_step(grant, "activate") not in page_of(world.officer, grant)
    page = page_of(world.officer, grant)
    assert reverse("grants:sign", args=[grant.pk]) in page  # the step's own page form
    services.update_bank_details(
        grant, by=world.member, payee_name="ПБ Вигадана", payee_bank="Тестбанк", payee_iban=IBAN
    )
    services.sign_agreement(grant, by=world.officer, signed_copy=pdf(), signed_on=date(2025, 1, 10))
    assert grant_step(grant, "activate") in page_of(world.officer, grant)
    # The grantee may not take the step: no button.
    assert grant_step(grant, "activate") not in page_of(world.member, grant)

    response = client(world.officer).post(grant_step(grant, "activate"))
    assert response.status_code == 302 and response["Location"] == reverse("grants:detail", args=[grant.pk])
    assert Grant.objects.get(pk=grant.pk).state == Grant.State.ACTIVE
    assert grant_step(grant, "activate") not in page_of(world.officer, grant)


def test_a_refused_step_shows_its_reasons_and_changes_nothing(world):
    grant = world.offer()
    services.sign_agreement(grant, by=world.officer, signed_copy=pdf(), signed_on=date(2025, 1, 10))
    response = client(world.officer).post(grant_step(grant, "activate"), follow=True)
    page = response.content.decode()
    assert "Fill in the payee" in page and "Activate the grant" in page
    assert Grant.objects.get(pk=grant.pk).state == Grant.State.AGREEMENT_SIGNED


def test_the_tranche_rows_offer_the_catalogues_steps(funded):
    officer_page = page_of(funded.world.officer, funded.grant)
    assert tranche_step(funded.first, "approve") in officer_page
    assert tranche_step(funded.first, "cancel") in officer_page
    assert reverse("grants:pay_tranche", args=[funded.first.pk]) not in officer_page  # not approved yet
    member_page = page_of(funded.world.member, funded.grant)
    assert tranche_step(funded.first, "approve") not in member_page

    officer = client(funded.world.officer)
    assert officer.post(tranche_step(funded.first, "approve")).status_code == 302
    assert Disbursement.objects.get(pk=funded.first.pk).state == Disbursement.State.APPROVED
    page = page_of(funded.world.officer, funded.grant)
    assert tranche_step(funded.first, "approve") not in page
    assert reverse("grants:pay_tranche", args=[funded.first.pk]) in page  # step.page: the payment form


def test_a_tranche_waiting_for_its_report_is_refused_with_the_reason(funded):
    response = client(funded.world.officer).post(tranche_step(funded.second, "approve"), follow=True)
    assert "waits for the report due on 2025-03-20" in response.content.decode()
    assert Disbursement.objects.get(pk=funded.second.pk).state == Disbursement.State.SCHEDULED


def test_cancelling_a_tranche_with_a_note(funded):
    url = tranche_step(funded.first, "cancel")
    response = client(funded.world.officer).post(url, {"cancel-note": "Не потрібно."})
    assert response.status_code == 302
    tranche = Disbursement.objects.get(pk=funded.first.pk)
    assert tranche.state == Disbursement.State.CANCELLED and tranche.cancel_reason == "Не потрібно."


def test_who_may_not_gets_403_or_404_and_nothing_changes(funded):
    url = grant_step(funded.grant, "terminate")
    assert client(funded.world.member).post(url, {"terminate-note": "x"}).status_code == 403
    for who in (funded.world.outsider, funded.world.juror, funded.world.organiser):
        assert client(who).post(url, {"terminate-note": "x"}).status_code == 404
        assert client(who).post(tranche_step(funded.first, "approve")).status_code == 404
    assert client(funded.world.officer).post(grant_step(funded.grant, "fly")).status_code == 404
    assert Grant.objects.get(pk=funded.grant.pk).state == Grant.State.ACTIVE
    assert Disbursement.objects.get(pk=funded.first.pk).state == Disbursement.State.SCHEDULED


def test_terminating_through_the_step_needs_a_reason(funded):
    officer = client(funded.world.officer)
    url = grant_step(funded.grant, "terminate")
    officer.post(url, {"terminate-note": ""})
    assert Grant.objects.get(pk=funded.grant.pk).state == Grant.State.ACTIVE
    assert officer.post(url, {"terminate-note": "Бібліотеку закрито."}).status_code == 302
    assert Grant.objects.get(pk=funded.grant.pk).state == Grant.State.TERMINATED


def test_the_report_steps_run_and_return_where_asked(funded):
    funded.submit()
    report_page = reverse("grants:report", args=[funded.report.pk])
    url = reverse("grants:report_step", args=[funded.report.pk, "accept"])
    assert client(funded.world.member).post(url).status_code == 403
    response = client(funded.world.officer).post(url, {"next": report_page})
    assert response.status_code == 302 and response["Location"] == report_page
    assert GrantReport.objects.get(pk=funded.report.pk).state == GrantReport.State.ACCEPTED
    # Nothing left to review: the review form is gone.
    assert "Check the report" not in client(funded.world.officer).get(report_page).content.decode()


def test_the_sign_page_leads_to_the_form_on_the_grant_page(world):
    grant = world.offer()
    response = client(world.officer).get(reverse("grants:sign", args=[grant.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("grants:detail", args=[grant.pk]) + "#sign-heading"
    assert client(world.member).get(reverse("grants:sign", args=[grant.pk])).status_code == 403


def test_the_payment_page_offers_the_form_only_for_an_approved_tranche(funded):
    url = reverse("grants:pay_tranche", args=[funded.first.pk])
    officer = client(funded.world.officer)
    assert 'name="payment_reference"' not in officer.get(url).content.decode()
    services.approve_tranche(funded.first, by=funded.world.officer)
    assert 'name="payment_reference"' in officer.get(url).content.decode()
