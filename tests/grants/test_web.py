"""The grants' web pages: who sees what (404 for outsiders), the grantee's report form, the
officer's review, payment (once per form), new grants and termination; errors next to fields."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from contests.models import ContestRole
from grants import services
from grants.models import AuditEntry, Disbursement, Grant, GrantReport, IndicatorActual, Spending
from tests.factories import grant as give_role
from tests.grants.conftest import World

pytestmark = pytest.mark.django_db


class Funded:
    """An active grant with two indicators, targets, two budget lines and a tranche waiting for
    the first interim report (due 20.03.2025)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.grant = world.active()
        officer = world.officer
        self.readers = services.add_indicator(
            world.contest, by=officer, name="Відвідувачі навчені", unit="осіб", direction="higher"
        )
        self.events = services.add_indicator(
            world.contest, by=officer, name="Заходи", unit="подій", direction="higher"
        )
        self.report = self.grant.reports.order_by("due_on").first()
        services.set_target(
            self.grant, by=officer, indicator=self.readers, period_end=self.report.period_end, value=100
        )
        services.set_target(
            self.grant, by=officer, indicator=self.events, period_end=self.report.period_end, value=4
        )
        self.laptops = services.add_budget_line(self.grant, by=officer, title="Ноутбуки", planned="30000")
        self.training = services.add_budget_line(self.grant, by=officer, title="Навчання", planned="10000")
        self.first = services.schedule_tranche(
            self.grant, by=officer, planned_on=date(2025, 1, 15), amount="20000"
        )
        self.second = services.schedule_tranche(
            self.grant, by=officer, planned_on=date(2025, 4, 1), amount="20000", after_report=self.report
        )

    def report_data(self, **extra) -> dict:
        return {
            "narrative": "Навчили 120 відвідувачів користуватися Дією.",
            f"actual_{self.readers.pk}": "120",
            f"actual_{self.events.pk}": "5",
            f"spent_{self.laptops.pk}": "28000.50",
            f"spent_{self.training.pk}": "4000",
            **extra,
        }

    def submit(self) -> GrantReport:
        services.save_report(
            self.report,
            by=self.world.member,
            narrative="Навчили відвідувачів.",
            actuals={self.readers.pk: 120, self.events.pk: 5},
            spending={self.laptops.pk: "28000.50"},
        )
        return services.submit_report(self.report, by=self.world.member)


@pytest.fixture
def funded(world) -> Funded:
    return Funded(world)


def client(user=None) -> Client:
    web = Client()
    if user is not None:
        web.force_login(user)
    return web


def pages(funded: Funded) -> list[str]:
    grant, report, tranche = funded.grant, funded.report, funded.first
    return [
        reverse("grants:detail", args=[grant.pk]),
        reverse("grants:report", args=[report.pk]),
        reverse("grants:pay_tranche", args=[tranche.pk]),
        reverse("grants:dashboard", args=[grant.contest_id]),
        reverse("grants:offer", args=[grant.contest_id]),
        reverse("grants:export", args=[grant.contest_id, "grants", "csv"]),
        reverse("grants:chart_csv", args=[grant.contest_id, "burndown"]),
    ]


# --- who sees what --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "juror", "organiser"])
def test_others_get_404_everywhere(funded, who):
    web = client(getattr(funded.world, who))
    for url in pages(funded):
        assert web.get(url).status_code == 404, url
    posts = [
        reverse("grants:terminate", args=[funded.grant.pk]),
        reverse("grants:review_report", args=[funded.report.pk]),
        reverse("grants:approve_tranche", args=[funded.first.pk]),
        reverse("grants:pay_tranche", args=[funded.first.pk]),
        reverse("grants:report", args=[funded.report.pk]),
    ]
    for url in posts:
        assert web.post(url, {"reason": "x", "narrative": "x"}).status_code == 404, url
    assert Grant.objects.get(pk=funded.grant.pk).state == Grant.State.ACTIVE


def test_anonymous_is_asked_to_log_in(funded):
    response = client().get(reverse("grants:detail", args=[funded.grant.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_grantee_sees_the_grant_but_not_the_officers_pages(funded):
    web = client(funded.world.member)
    page = web.get(reverse("grants:detail", args=[funded.grant.pk]))
    assert page.status_code == 200
    assert funded.grant.application.title in page.content.decode()
    assert reverse("grants:terminate", args=[funded.grant.pk]) not in page.content.decode()
    assert web.get(reverse("grants:dashboard", args=[funded.grant.contest_id])).status_code == 404
    assert web.get(reverse("grants:pay_tranche", args=[funded.first.pk])).status_code == 403
    assert web.post(reverse("grants:terminate", args=[funded.grant.pk]), {"reason": "x"}).status_code == 403


def test_the_index_lists_the_grantees_grant_and_the_officers_contest(funded):
    member_page = client(funded.world.member).get(reverse("grants:index")).content.decode()
    assert reverse("grants:detail", args=[funded.grant.pk]) in member_page
    assert "3 reports to write" in member_page
    officer_page = client(funded.world.officer).get(reverse("grants:index")).content.decode()
    assert reverse("grants:dashboard", args=[funded.world.contest.pk]) in officer_page
    outsider_page = client(funded.world.outsider).get(reverse("grants:index")).content.decode()
    assert reverse("grants:detail", args=[funded.grant.pk]) not in outsider_page


def test_the_navigation_and_the_manage_page_lead_to_grants(funded):
    home = client(funded.world.member).get(reverse("home")).content.decode()
    assert f'href="{reverse("grants:index")}"' in home
    officer_home = client(funded.world.officer).get(reverse("home")).content.decode()
    assert f'href="{reverse("grants:index")}"' in officer_home
    juror_home = client(funded.world.juror).get(reverse("home")).content.decode()
    assert f'href="{reverse("grants:index")}"' not in juror_home


# --- the grantee's report ------------------------------------------------------------------------


def test_the_grantee_submits_a_report_with_actuals_spending_and_a_file(funded, settings):
    web = client(funded.world.member)
    url = reverse("grants:report", args=[funded.report.pk])
    form = web.get(url).content.decode()
    assert "Target for this period: 100" in form
    upload = SimpleUploadedFile("акт.pdf", b"%PDF-1.4\n% invented act\n", content_type="application/pdf")
    response = web.post(url, {**funded.report_data(submit="1"), "attachments": [upload]})
    assert response.status_code == 302
    report = GrantReport.objects.get(pk=funded.report.pk)
    assert report.state == GrantReport.State.SUBMITTED
    assert report.narrative.startswith("Навчили 120")
    assert dict(IndicatorActual.objects.filter(report=report).values_list("indicator_id", "value")) == {
        funded.readers.pk: Decimal("120"),
        funded.events.pk: Decimal("5"),
    }
    assert dict(Spending.objects.filter(report=report).values_list("line_id", "amount")) == {
        funded.laptops.pk: Decimal("28000.50"),
        funded.training.pk: Decimal("4000"),
    }
    assert [a.original_name for a in report.attachments.all()] == ["акт.pdf"]
    page = web.get(url).content.decode()
    assert "Submitted" in page and "акт.pdf" in page
    attachment = report.attachments.get()
    download = web.get(reverse("grants:report_file", args=[report.pk, attachment.pk]))
    assert download.status_code == 200
    assert (
        client(funded.world.outsider)
        .get(reverse("grants:report_file", args=[report.pk, attachment.pk]))
        .status_code
        == 404
    )


def test_a_bad_figure_is_shown_next_to_its_field_and_nothing_is_lost(funded):
    web = client(funded.world.member)
    url = reverse("grants:report", args=[funded.report.pk])
    response = web.post(url, funded.report_data(**{f"actual_{funded.readers.pk}": "-3", "submit": "1"}))
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_actual_{funded.readers.pk}_errors"' in page
    assert "Навчили 120 відвідувачів" in page  # the narrative typed stays in the form
    assert 'value="28000.50"' in page
    report = GrantReport.objects.get(pk=funded.report.pk)
    assert report.state == GrantReport.State.DUE and report.narrative == ""
    assert not IndicatorActual.objects.filter(report=report).exists()


def test_a_bad_file_saves_nothing_and_says_so_at_the_files(funded):
    web = client(funded.world.member)
    url = reverse("grants:report", args=[funded.report.pk])
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00 not a document", content_type="application/pdf")
    response = web.post(url, {**funded.report_data(save="1"), "attachments": [bad]})
    assert response.status_code == 400
    assert 'id="id_attachments_errors"' in response.content.decode()
    report = GrantReport.objects.get(pk=funded.report.pk)
    assert report.narrative == "" and not report.attachments.exists()


def test_submitting_without_a_narrative_keeps_the_draft_and_points_at_the_narrative(funded):
    web = client(funded.world.member)
    url = reverse("grants:report", args=[funded.report.pk])
    response = web.post(url, funded.report_data(narrative="", submit="1"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_narrative_errors"' in page and "Describe what was done in the period." in page
    report = GrantReport.objects.get(pk=funded.report.pk)
    assert report.state == GrantReport.State.DUE
    assert IndicatorActual.objects.filter(report=report).count() == 2  # the draft was saved


def test_saving_a_draft_keeps_the_report_open(funded):
    web = client(funded.world.member)
    url = reverse("grants:report", args=[funded.report.pk])
    assert web.post(url, funded.report_data(save="1")).status_code == 302
    report = GrantReport.objects.get(pk=funded.report.pk)
    assert report.state == GrantReport.State.DUE and report.narrative.startswith("Навчили")
    assert 'value="120.00"' in web.get(url).content.decode() or 'value="120"' in web.get(url).content.decode()


# --- the officer's review and payments --------------------------------------------------------------


def test_the_officer_accepts_the_report_and_the_waiting_tranche_is_released(funded):
    funded.submit()
    web = client(funded.world.officer)
    page = web.get(reverse("grants:report", args=[funded.report.pk])).content.decode()
    assert "Check the report" in page and "Навчили відвідувачів." in page
    response = web.post(reverse("grants:review_report", args=[funded.report.pk]), {"decision": "accept"})
    assert response.status_code == 302
    assert GrantReport.objects.get(pk=funded.report.pk).state == GrantReport.State.ACCEPTED
    assert Disbursement.objects.get(pk=funded.second.pk).state == Disbursement.State.APPROVED


def test_asking_for_changes_needs_a_note_next_to_the_note_field(funded):
    funded.submit()
    web = client(funded.world.officer)
    url = reverse("grants:review_report", args=[funded.report.pk])
    response = web.post(url, {"decision": "request_changes", "note": ""})
    assert response.status_code == 400
    assert 'id="id_note_errors"' in response.content.decode()
    assert GrantReport.objects.get(pk=funded.report.pk).state == GrantReport.State.SUBMITTED
    assert web.post(url, {"decision": "request_changes", "note": "Додайте фото."}).status_code == 302
    report = GrantReport.objects.get(pk=funded.report.pk)
    assert report.state == GrantReport.State.CHANGES_REQUESTED
    member_page = client(funded.world.member).get(reverse("grants:report", args=[report.pk])).content.decode()
    assert "Додайте фото." in member_page and 'name="narrative"' in member_page


def test_a_double_submitted_payment_pays_once(funded):
    web = client(funded.world.officer)
    detail = reverse("grants:detail", args=[funded.grant.pk])
    assert web.post(reverse("grants:approve_tranche", args=[funded.first.pk])).status_code == 302
    assert Disbursement.objects.get(pk=funded.first.pk).state == Disbursement.State.APPROVED
    url = reverse("grants:pay_tranche", args=[funded.first.pk])
    form = web.get(url)
    key = form.context["form"]["idempotency_key"].value()
    assert key and f'value="{key}"' in form.content.decode()
    data = {"paid_on": "2025-01-20", "payment_reference": "ПД-0042", "idempotency_key": key}
    first, second = web.post(url, data), web.post(url, data)
    assert first.status_code == second.status_code == 302 and first["Location"] == detail
    tranche = Disbursement.objects.get(pk=funded.first.pk)
    assert tranche.state == Disbursement.State.PAID and tranche.payment_reference == "ПД-0042"
    assert AuditEntry.objects.filter(action="tranche.paid").count() == 1
    assert "ПД-0042" in web.get(detail).content.decode()


def test_a_payment_without_a_reference_is_refused_at_the_field(funded):
    web = client(funded.world.officer)
    services.approve_tranche(funded.first, by=funded.world.officer)
    url = reverse("grants:pay_tranche", args=[funded.first.pk])
    response = web.post(url, {"paid_on": "2025-01-20", "payment_reference": "", "idempotency_key": "k-1"})
    assert response.status_code == 400
    assert 'id="id_payment_reference_errors"' in response.content.decode()
    assert 'value="k-1"' in response.content.decode()  # the same key, so a retry still pays once
    assert Disbursement.objects.get(pk=funded.first.pk).state == Disbursement.State.APPROVED


def test_a_payment_in_the_future_is_refused_at_the_date(funded):
    web = client(funded.world.officer)
    services.approve_tranche(funded.first, by=funded.world.officer)
    url = reverse("grants:pay_tranche", args=[funded.first.pk])
    response = web.post(url, {"paid_on": "2099-01-20", "payment_reference": "ПД-1", "idempotency_key": "k-2"})
    assert response.status_code == 400
    assert 'id="id_paid_on_errors"' in response.content.decode()


def test_a_tranche_waiting_for_a_report_cannot_be_approved(funded):
    web = client(funded.world.officer)
    response = web.post(reverse("grants:approve_tranche", args=[funded.second.pk]), follow=True)
    assert "waits for the report due on 2025-03-20" in response.content.decode()
    assert Disbursement.objects.get(pk=funded.second.pk).state == Disbursement.State.SCHEDULED


# --- creating and terminating grants -----------------------------------------------------------------


def test_the_officer_offers_a_grant_to_an_awarded_application(world):
    web = client(world.officer)
    url = reverse("grants:offer", args=[world.contest.pk])
    page = web.get(url).content.decode()
    assert world.application.title in page
    data = {
        "application": world.application.pk,
        "amount": "25000.00",
        "purpose": "Курси цифрової грамотності",
        "starts_on": "2025-02-01",
        "ends_on": "2025-11-30",
    }
    response = web.post(url, data)
    grant = Grant.objects.get(application=world.application)
    assert response.status_code == 302 and response["Location"] == reverse("grants:detail", args=[grant.pk])
    assert grant.amount == Decimal("25000.00") and grant.state == Grant.State.OFFERED


def test_an_offer_over_the_budget_is_refused_at_the_amount(world):
    web = client(world.officer)
    url = reverse("grants:offer", args=[world.contest.pk])
    data = {
        "application": world.application.pk,
        "amount": "150000.00",
        "purpose": "Курси",
        "starts_on": "2025-02-01",
        "ends_on": "2025-11-30",
    }
    response = web.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_amount_errors"' in page and "left" in page
    assert "Курси" in page  # what was typed stays
    assert not Grant.objects.exists()


def test_termination_needs_a_reason_and_cancels_unpaid_tranches(funded):
    web = client(funded.world.officer)
    url = reverse("grants:terminate", args=[funded.grant.pk])
    response = web.post(url, {"reason": ""})
    assert response.status_code == 400 and 'id="id_reason_errors"' in response.content.decode()
    assert Grant.objects.get(pk=funded.grant.pk).state == Grant.State.ACTIVE
    assert web.post(url, {"reason": "Бібліотеку закрито на ремонт."}).status_code == 302
    grant = Grant.objects.get(pk=funded.grant.pk)
    assert (
        grant.state == Grant.State.TERMINATED and grant.termination_reason == "Бібліотеку закрито на ремонт."
    )
    assert set(grant.tranches.values_list("state", flat=True)) == {Disbursement.State.CANCELLED}


def test_the_manage_page_links_grants_for_an_organiser_who_is_grant_officer(funded):
    contest = funded.world.contest
    url = reverse("contests:manage", args=[contest.pk])
    dashboard = reverse("grants:dashboard", args=[contest.pk])
    organiser = funded.world.organiser
    assert dashboard not in client(organiser).get(url).content.decode()
    give_role(contest, organiser, ContestRole.Role.GRANT_OFFICER)
    assert dashboard in client(organiser).get(url).content.decode()
