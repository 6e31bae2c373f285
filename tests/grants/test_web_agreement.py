"""From an offer to an active grant on its web page: the signed agreement, the payee's bank
details, activation, the tranche plan and the budget; errors next to their fields."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from grants import services
from grants.models import Disbursement, Grant
from tests.grants.conftest import IBAN, PDF

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    web = Client()
    web.force_login(user)
    return web


def test_the_officer_and_the_grantee_bring_an_offered_grant_to_life(world):
    grant = world.offer()
    officer, member = client(world.officer), client(world.member)
    page = officer.get(reverse("grants:detail", args=[grant.pk])).content.decode()
    assert reverse("grants:sign", args=[grant.pk]) in page

    copy = SimpleUploadedFile("uhoda.pdf", PDF, content_type="application/pdf")
    response = officer.post(
        reverse("grants:sign", args=[grant.pk]), {"signed_copy": copy, "signed_on": "2025-01-05"}
    )
    assert response.status_code == 302
    assert Grant.objects.get(pk=grant.pk).state == Grant.State.AGREEMENT_SIGNED

    # No bank details yet: activation says why, and nothing changes.
    response = officer.post(reverse("grants:activate", args=[grant.pk]), follow=True)
    assert "Fill in the payee" in response.content.decode()
    assert Grant.objects.get(pk=grant.pk).state == Grant.State.AGREEMENT_SIGNED

    details = {"payee_name": "ПБ Вигадана", "payee_bank": "Тестбанк", "payee_iban": IBAN}
    assert member.post(reverse("grants:bank_details", args=[grant.pk]), details).status_code == 302
    assert officer.post(reverse("grants:activate", args=[grant.pk])).status_code == 302
    grant = Grant.objects.get(pk=grant.pk)
    assert grant.state == Grant.State.ACTIVE and grant.payee_iban == IBAN

    report = grant.reports.order_by("due_on").first()
    plan = {"planned_on": "2025-04-01", "amount": "15000.00", "after_report": report.pk}
    assert officer.post(reverse("grants:tranche", args=[grant.pk]), plan).status_code == 302
    tranche = Disbursement.objects.get(grant=grant)
    assert tranche.after_report == report and tranche.state == Disbursement.State.SCHEDULED
    line = {"title": "Ноутбуки", "planned": "20000"}
    assert officer.post(reverse("grants:budget_line", args=[grant.pk]), line).status_code == 302
    assert list(grant.budget_lines.values_list("title", flat=True)) == ["Ноутбуки"]


def test_errors_come_back_next_to_their_fields(world):
    grant = world.offer()
    officer = client(world.officer)
    response = officer.post(reverse("grants:sign", args=[grant.pk]), {"signed_on": "2025-01-05"})
    assert response.status_code == 400 and 'id="id_signed_copy_errors"' in response.content.decode()

    bad = {"payee_name": "ПБ", "payee_bank": "Тестбанк", "payee_iban": "UA00 1234"}
    response = client(world.member).post(reverse("grants:bank_details", args=[grant.pk]), bad)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_payee_iban_errors"' in page and 'value="UA00 1234"' in page

    response = officer.post(
        reverse("grants:tranche", args=[grant.pk]), {"planned_on": "2025-04-01", "amount": "99999.00"}
    )
    assert response.status_code == 400 and 'id="id_amount_errors"' in response.content.decode()
    assert not Disbursement.objects.exists()


def test_only_the_officer_signs_and_plans_and_outsiders_get_404(world):
    grant = world.offer()
    member = client(world.member)
    copy = SimpleUploadedFile("uhoda.pdf", PDF, content_type="application/pdf")
    assert member.post(reverse("grants:sign", args=[grant.pk]), {"signed_copy": copy}).status_code == 403
    assert member.post(reverse("grants:tranche", args=[grant.pk]), {}).status_code == 403
    for who in (world.outsider, world.juror, world.organiser):
        web = client(who)
        for name in ("sign", "bank_details", "activate", "tranche", "budget_line"):
            assert web.post(reverse(f"grants:{name}", args=[grant.pk]), {}).status_code == 404
    assert Grant.objects.get(pk=grant.pk).state == Grant.State.OFFERED


def test_the_officer_completes_a_grant_once_everything_is_paid_and_accepted(world):
    grant = world.active()
    officer = client(world.officer)
    complete = reverse("grants:grant_step", args=[grant.pk, "complete"])  # the catalogue's button
    page = officer.get(reverse("grants:detail", args=[grant.pk])).content.decode()
    assert "Some reports are not accepted yet." in page
    assert complete not in page
    response = officer.post(reverse("grants:complete", args=[grant.pk]), follow=True)
    assert "Some reports are not accepted yet." in response.content.decode()
    assert Grant.objects.get(pk=grant.pk).state == Grant.State.ACTIVE
    for report in grant.reports.all():
        services.save_report(report, by=world.member, narrative="Зроблено.")
        services.submit_report(report, by=world.member)
        services.accept_report(report, by=world.officer)
    assert complete in officer.get(reverse("grants:detail", args=[grant.pk])).content.decode()
    assert officer.post(reverse("grants:complete", args=[grant.pk])).status_code == 302
    assert Grant.objects.get(pk=grant.pk).state == Grant.State.COMPLETED
    assert client(world.member).post(reverse("grants:complete", args=[grant.pk])).status_code == 403
