"""Every transition and guard of grants, tranches and reports, through the services."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_fsm import TransitionNotAllowed

from applications.models import Application
from core.exceptions import TransitionRefused
from grants import selectors, services
from grants.models import AuditEntry, Disbursement, Grant, GrantReport, Indicator
from notifications.models import Message

from .conftest import IBAN, pdf


@pytest.fixture(autouse=True)
def _mid_2025(time_machine):
    time_machine.move_to("2025-06-01 09:00Z")


def events_to(user) -> list[str]:
    return list(
        Message.objects.filter(user=user, channel=Message.Channel.INAPP).values_list("event", flat=True)
    )


# --- offering and the budget ------------------------------------------------------------------


def test_offer_schedules_reports_audits_and_notifies(world):
    grant = world.offer("40000.00")
    assert grant.state == Grant.State.OFFERED and grant.currency == "UAH"
    assert [(r.kind, r.due_on) for r in grant.reports.order_by("due_on")] == [
        ("interim", date(2025, 3, 20)),
        ("interim", date(2025, 10, 20)),
        ("final", date(2026, 1, 30)),
    ]
    assert AuditEntry.objects.filter(grant=grant, action="grant.offered", amount=Decimal("40000.00")).exists()
    assert "grants.offered" in events_to(world.member)
    assert services.schedule_reports(grant) and grant.reports.count() == 3  # idempotent


def test_report_schedule_over_two_years():
    plan = services.report_due_dates(date(2025, 4, 1), date(2026, 11, 30))
    assert [d for _k, _s, _e, d in plan] == [
        date(2025, 10, 20),
        date(2026, 3, 20),
        date(2026, 10, 20),
        date(2026, 12, 30),
    ]
    assert plan[1][1] == date(2025, 10, 21)  # periods follow each other


def test_budget_selector(world):
    world.offer("40000.00")
    other = world.offer("25000.00", application=world.awarded())
    budget = selectors.budget_of(world.contest)
    assert (budget.total, budget.committed, budget.paid, budget.remaining) == (
        Decimal("100000.00"),
        Decimal("65000.00"),
        Decimal("0.00"),
        Decimal("35000.00"),
    )
    services.terminate_grant(other, by=world.officer, note="Організація відмовилась")
    assert selectors.budget_of(world.contest).committed == Decimal("40000.00")
    assert selectors.budgets_of([world.contest])[world.contest.pk] == selectors.budget_of(world.contest)


def test_offer_over_budget_refused(world):
    world.offer("90000.00")
    with pytest.raises(ValidationError) as error:
        world.offer("10000.01", application=world.awarded())
    assert "amount" in error.value.message_dict
    assert Grant.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": Decimal("-1")}, "amount"),
        ({"amount": Decimal("10.001")}, "amount"),
        ({"amount": Decimal("0")}, "amount"),
        ({"currency": "EUR"}, "currency"),
        ({"starts_on": date(2025, 5, 1), "ends_on": date(2025, 5, 1)}, "ends_on"),
    ],
)
def test_offer_bad_input(world, kwargs, field):
    amount = kwargs.pop("amount", Decimal("100.00"))
    with pytest.raises(ValidationError) as error:
        world.offer(str(amount), **kwargs)
    assert field in error.value.message_dict
    assert not Grant.objects.exists() and not AuditEntry.objects.exists()


def test_offer_needs_an_awarded_application(world):
    Application.objects.filter(pk=world.application.pk).update(state=Application.State.NOT_AWARDED)
    with pytest.raises(ValidationError, match="awarded"):
        world.offer()
    grant = world.offer(application=world.awarded())
    with pytest.raises(ValidationError, match="already"):
        world.offer(application=grant.application)


def test_update_terms_only_while_offered(world):
    grant = world.offer("1000.00")
    grant = services.update_grant(grant, by=world.officer, amount="2000.00", ends_on=date(2026, 6, 30))
    assert grant.amount == Decimal("2000.00")
    assert grant.reports.filter(kind="final", due_on=date(2026, 7, 30)).exists()
    with pytest.raises(ValidationError):
        services.update_grant(grant, by=world.officer, amount="200000.00")
    services.sign_agreement(grant, by=world.officer, signed_copy=pdf(), signed_on=date(2025, 1, 2))
    with pytest.raises(ValidationError, match="offered"):
        services.update_grant(Grant.objects.get(pk=grant.pk), by=world.officer, purpose="Інше")


# --- the grant's life -------------------------------------------------------------------------


def test_grant_happy_path_to_completion(world):
    grant = world.active("1000.00")
    assert grant.state == Grant.State.ACTIVE and grant.agreement_signed.name.endswith(".pdf")
    tranche = services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 2, 1), amount="1000")
    services.approve_tranche(tranche, by=world.officer)
    services.pay_tranche(
        tranche, by=world.officer, idempotency_key="a", payment_reference="P1", paid_on=date(2025, 2, 1)
    )
    with pytest.raises(TransitionRefused, match="not accepted"):
        services.complete_grant(grant, by=world.officer)
    for report in grant.reports.all():
        services.save_report(report, by=world.member, narrative="Провели 12 занять")
        services.submit_report(report, by=world.member)
        services.accept_report(report, by=world.officer)
    grant = services.complete_grant(Grant.objects.get(pk=grant.pk), by=world.officer)
    assert grant.state == Grant.State.COMPLETED


def test_sign_needs_copy_and_date(world):
    grant = world.offer()
    with pytest.raises(TransitionRefused) as refused:
        services.sign_agreement(grant, by=world.officer)
    assert len(refused.value.reasons) == 2
    grant.refresh_from_db()
    assert grant.state == Grant.State.OFFERED
    bad = pdf("x.pdf")
    bad.file.write(b"not a pdf")
    bad.file.seek(0)
    bad.file.truncate()
    bad.file.write(b"MZ fake exe")
    bad.file.seek(0)
    with pytest.raises(ValidationError, match="type"):
        services.sign_agreement(grant, by=world.officer, signed_copy=bad, signed_on=date(2025, 1, 1))


def test_activate_needs_bank_details(world):
    grant = services.sign_agreement(
        world.offer(), by=world.officer, signed_copy=pdf(), signed_on=date(2025, 1, 2)
    )
    with pytest.raises(TransitionRefused, match="IBAN"):
        services.activate_grant(grant, by=world.officer)
    with pytest.raises(ValidationError) as error:
        services.update_bank_details(
            grant, by=world.member, payee_name="ПБ", payee_bank="Банк", payee_iban="UA00"
        )
    assert "payee_iban" in error.value.message_dict
    services.update_bank_details(grant, by=world.member, payee_name="ПБ", payee_bank="Банк", payee_iban=IBAN)
    assert (
        services.activate_grant(Grant.objects.get(pk=grant.pk), by=world.officer).state == Grant.State.ACTIVE
    )


def test_wrong_state_transitions(world):
    grant = world.offer()
    with pytest.raises(TransitionNotAllowed):
        services.activate_grant(grant, by=world.officer)
    with pytest.raises(TransitionNotAllowed):
        services.complete_grant(grant, by=world.officer)


def test_terminate_needs_reason_and_cancels_unpaid_tranches(world):
    grant = world.active("1000.00")
    paid = services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 2, 1), amount="300")
    services.approve_tranche(paid, by=world.officer)
    services.pay_tranche(
        paid, by=world.officer, idempotency_key="p", payment_reference="P", paid_on=date(2025, 3, 1)
    )
    approved = services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 6, 1), amount="300")
    services.approve_tranche(approved, by=world.officer)
    scheduled = services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 9, 1), amount="400")
    with pytest.raises(TransitionRefused, match="reason"):
        services.terminate_grant(grant, by=world.officer, note="  ")
    assert Grant.objects.get(pk=grant.pk).state == Grant.State.ACTIVE
    grant = services.terminate_grant(grant, by=world.officer, note="Порушення умов договору")
    assert grant.state == Grant.State.TERMINATED and grant.termination_reason == "Порушення умов договору"
    states = dict(Disbursement.objects.values_list("pk", "state"))
    assert states == {paid.pk: "paid", approved.pk: "cancelled", scheduled.pk: "cancelled"}
    # What the terminated grant paid stays committed; the rest returns to the budget.
    assert selectors.budget_of(world.contest).committed == Decimal("300.00")
    with pytest.raises(TransitionNotAllowed):
        services.terminate_grant(grant, by=world.officer, note="ще раз")


# --- tranches ---------------------------------------------------------------------------------


def test_tranches_never_exceed_the_grant(world):
    grant = world.offer("1000.00")
    services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 2, 1), percentage="60")
    with pytest.raises(ValidationError) as error:
        services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 3, 1), amount="400.01")
    assert "amount" in error.value.message_dict
    last = services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 3, 1), amount="400.00")
    services.cancel_tranche(last, by=world.officer)
    services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 4, 1), amount="400.00")
    assert selectors.grant_totals(grant)["unplanned"] == Decimal("0.00")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"amount": "10", "planned_on": date(2024, 12, 31)}, "planned_on"),
        ({"amount": "10", "planned_on": date(2026, 1, 1)}, "planned_on"),
        ({}, "amount"),
        ({"amount": "10", "percentage": "5"}, "amount"),
        ({"percentage": "101"}, "percentage"),
    ],
)
def test_tranche_bad_input(world, kwargs, field):
    grant = world.offer("1000.00")
    kwargs.setdefault("planned_on", date(2025, 5, 1))
    with pytest.raises(ValidationError) as error:
        services.schedule_tranche(grant, by=world.officer, **kwargs)
    assert field in error.value.message_dict
    assert not Disbursement.objects.exists()


def test_approve_waits_for_the_report_and_accepting_releases(world):
    grant = world.active("1000.00")
    report = grant.reports.get(due_on=date(2025, 3, 20))
    tranche = services.schedule_tranche(
        grant, by=world.officer, planned_on=date(2025, 4, 1), amount="500", after_report=report
    )
    with pytest.raises(TransitionRefused, match="waits for the report"):
        services.approve_tranche(tranche, by=world.officer)
    assert Disbursement.objects.get(pk=tranche.pk).state == Disbursement.State.SCHEDULED
    services.save_report(report, by=world.member, narrative="Звіт")
    services.submit_report(report, by=world.member)
    services.accept_report(report, by=world.officer)
    tranche.refresh_from_db()
    assert tranche.state == Disbursement.State.APPROVED and tranche.approved_by == world.officer
    assert "grants.report_accepted" in events_to(world.member)


def test_approve_needs_an_active_grant(world):
    grant = world.offer("1000.00")
    tranche = services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 4, 1), amount="5")
    with pytest.raises(TransitionRefused, match="active"):
        services.approve_tranche(tranche, by=world.officer)


def test_idempotent_payment_pays_once(world):
    grant = world.active("1000.00")
    tranche = services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 4, 1), amount="500")
    services.approve_tranche(tranche, by=world.officer)
    pay = {"by": world.officer, "payment_reference": "PP-7", "paid_on": date(2025, 4, 2)}
    first = services.pay_tranche(tranche, idempotency_key="retry-me", **pay)
    again = services.pay_tranche(tranche, idempotency_key="retry-me", **pay)
    assert first.pk == again.pk and again.state == Disbursement.State.PAID
    assert AuditEntry.objects.filter(action="tranche.paid").count() == 1
    assert events_to(world.member).count("grants.tranche_paid") == 1
    with pytest.raises(TransitionRefused, match="already paid"):
        services.pay_tranche(tranche, idempotency_key="another", **pay)
    other = services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 4, 1), amount="5")
    services.approve_tranche(other, by=world.officer)
    with pytest.raises(TransitionRefused, match="another payment"):
        services.pay_tranche(other, idempotency_key="retry-me", **pay)
    assert selectors.budget_of(world.contest).paid == Decimal("500.00")


def test_pay_needs_approval_and_sane_date(world):
    grant = world.active("1000.00")
    tranche = services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 4, 1), amount="5")
    with pytest.raises(TransitionNotAllowed):
        services.pay_tranche(
            tranche, by=world.officer, idempotency_key="k", payment_reference="P", paid_on=date(2025, 4, 2)
        )
    services.approve_tranche(tranche, by=world.officer)
    for bad in (date(2024, 12, 1), date(2025, 6, 2)):
        with pytest.raises(ValidationError) as error:
            services.pay_tranche(
                tranche, by=world.officer, idempotency_key="k", payment_reference="P", paid_on=bad
            )
        assert "paid_on" in error.value.message_dict
    assert Disbursement.objects.get(pk=tranche.pk).state == Disbursement.State.APPROVED


def test_cancel_from_paid_refused(world):
    grant = world.active("1000.00")
    tranche = services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 4, 1), amount="5")
    services.approve_tranche(tranche, by=world.officer)
    services.pay_tranche(
        tranche, by=world.officer, idempotency_key="k", payment_reference="P", paid_on=date(2025, 4, 2)
    )
    with pytest.raises(TransitionNotAllowed):
        services.cancel_tranche(tranche, by=world.officer)


# --- reports and indicators -------------------------------------------------------------------


def test_report_cycle_with_changes_requested(world):
    grant = world.active("1000.00")
    line = services.add_budget_line(grant, by=world.officer, title="Ноутбуки", planned="800")
    indicator = services.add_indicator(
        world.contest, by=world.officer, name="Відвідувачі", unit="осіб", direction="higher"
    )
    report = grant.reports.get(due_on=date(2025, 3, 20))
    with pytest.raises(TransitionRefused, match="Describe"):
        services.submit_report(report, by=world.member)
    services.save_report(
        report,
        by=world.member,
        narrative="Зроблено",
        actuals={indicator.pk: "120"},
        spending={line.pk: "750.50"},
    )
    services.add_report_attachment(report, by=world.member, upload=pdf("акт.pdf"))
    report = services.submit_report(report, by=world.member)
    with pytest.raises(ValidationError, match="submitted"):
        services.save_report(report, by=world.member, narrative="пізно")
    with pytest.raises(TransitionRefused, match="change"):
        services.request_report_changes(report, by=world.officer, note="")
    report = services.request_report_changes(report, by=world.officer, note="Додайте фото")
    assert report.state == GrantReport.State.CHANGES_REQUESTED
    assert "grants.report_changes_requested" in events_to(world.member)
    services.submit_report(report, by=world.member)
    report = services.accept_report(GrantReport.objects.get(pk=report.pk), by=world.officer)
    assert report.state == GrantReport.State.ACCEPTED
    with pytest.raises(TransitionNotAllowed):
        services.accept_report(report, by=world.officer)


def test_report_input_is_checked(world):
    grant = world.active("1000.00")
    report = grant.reports.first()
    for kwargs in ({"spending": {999: "1"}}, {"actuals": {999: "1"}}):
        with pytest.raises(ValidationError):
            services.save_report(report, by=world.member, **kwargs)
    with pytest.raises(ValidationError):
        services.add_budget_line(grant, by=world.officer, title="Все", planned="1000.01")


def test_overdue_in_the_contest_time_zone(world, time_machine):
    grant = world.active("1000.00")
    report = grant.reports.get(due_on=date(2025, 3, 20))
    # 20 March 23:30 UTC is already 21 March in Kyiv: the report is overdue there.
    time_machine.move_to("2025-03-20 23:30Z")
    assert list(selectors.overdue_reports()) == [report]
    world.contest.time_zone = "America/New_York"
    world.contest.save()
    assert list(selectors.overdue_reports()) == []


def test_indicator_results_per_grant_region_and_overall(world, django_assert_num_queries):
    indicator = services.add_indicator(
        world.contest, by=world.officer, name="Заняття", unit="шт", direction="higher"
    )
    fewer = services.add_indicator(
        world.contest, by=world.officer, name="Скарги", unit="шт", direction="lower"
    )
    grants = []
    for _ in range(3):
        grant = world.active("1000.00") if not grants else None
        if grant is None:
            application = world.awarded()
            application.organisation.memberships.create(user=world.member)
            grant = world.offer("1000.00", application=application)
            services.update_bank_details(
                grant, by=world.member, payee_name="ПБ", payee_bank="Б", payee_iban=IBAN
            )
            services.sign_agreement(grant, by=world.officer, signed_copy=pdf(), signed_on=date(2025, 1, 2))
            grant = services.activate_grant(Grant.objects.get(pk=grant.pk), by=world.officer)
        report = grant.reports.get(due_on=date(2025, 3, 20))
        services.set_target(
            grant, by=world.officer, indicator=indicator, period_end=report.period_end, value="10"
        )
        services.set_target(grant, by=world.officer, indicator=fewer, period_end=report.period_end, value="2")
        services.save_report(
            report, by=world.member, narrative="Так", actuals={indicator.pk: "12", fewer.pk: "3"}
        )
        services.submit_report(report, by=world.member)
        services.accept_report(report, by=world.officer)
        grants.append(grant)
    queryset = Grant.objects.filter(contest=world.contest)
    with django_assert_num_queries(3):
        by_grant = selectors.indicator_results_by_grant(queryset)
    first = {r.name: r for r in by_grant[grants[0].pk]}
    assert first["Заняття"].achieved and not first["Скарги"].achieved
    with django_assert_num_queries(3):
        overall = {r.name: r for r in selectors.indicator_results_overall(queryset)}
    assert overall["Заняття"].target == Decimal("30") and overall["Заняття"].actual == Decimal("36")
    region = grants[0].application.organisation.region
    assert {r.name for r in selectors.indicator_results_by_region(queryset)[region]} == {"Заняття", "Скарги"}
    with django_assert_num_queries(3):
        for_depository = selectors.accepted_indicator_results([g.application_id for g in grants])
    assert set(for_depository) == {g.application_id for g in grants}
    assert Indicator.objects.count() == 2


def test_report_due_reminders_once(world, time_machine):
    from notifications.reminders import run_all

    world.active("1000.00")
    time_machine.move_to("2025-10-13 08:00Z")  # 7 days before 20 October in Kyiv
    run_all()
    run_all()
    assert events_to(world.member).count("grants.report_due") == 1
    time_machine.move_to("2025-10-19 08:00Z")
    run_all()
    assert events_to(world.member).count("grants.report_due") == 2
