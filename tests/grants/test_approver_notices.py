"""Approvers hear that there is work, and overdue reports are chased (issue 15, point 14):
a submitted report and a tranche awaiting approval tell the grant officers; a report past its due
date reminds the grantee and sends each officer ONE list. Each in the inbox and by e-mail."""

from collections import Counter
from datetime import date

import pytest

from contests.models import ContestRole
from grants import services
from grants.models import GrantReport
from notifications.models import Message
from notifications.reminders import run_all
from notifications.rendering import render
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def counts(event: str) -> Counter:
    """(user, channel) → messages of `event`."""
    return Counter(Message.objects.filter(event=event).values_list("user_id", "channel"))


def inbox(user, event: str) -> list[Message]:
    return list(Message.objects.filter(user=user, event=event, channel=Message.Channel.INAPP))


@pytest.fixture
def second_officer(world):
    officer = UserFactory(full_name="Друга Грантова Офіцерка")
    grant(world.contest, officer, ContestRole.Role.GRANT_OFFICER)
    return officer


def test_a_submitted_report_tells_every_grant_officer_in_the_inbox_and_by_email(world, second_officer):
    g = world.active("1000.00")
    report = g.reports.order_by("due_on").first()
    report = services.save_report(report, by=world.member, narrative="Провели 12 вигаданих занять")
    services.submit_report(report, by=world.member)
    assert counts("grants.report_submitted") == {
        (world.officer.pk, "inapp"): 1,
        (world.officer.pk, "email"): 1,
        (second_officer.pk, "inapp"): 1,
        (second_officer.pk, "email"): 1,
    }
    # Nobody else: not the organiser who is no grant officer, not the grantee who submitted.
    assert not inbox(world.organiser, "grants.report_submitted")
    assert not inbox(world.member, "grants.report_submitted")
    [message] = inbox(world.officer, "grants.report_submitted")
    text = render(message.event, "en", message.context).text
    assert world.application.title in text and world.member.full_name in text


def test_a_resubmitted_report_is_work_again(world):
    g = world.active("1000.00")
    report = g.reports.order_by("due_on").first()
    report = services.save_report(report, by=world.member, narrative="Провели 12 вигаданих занять")
    services.submit_report(report, by=world.member)
    services.request_report_changes(report, by=world.officer, note="Додайте вигадані фото")
    report = services.save_report(GrantReport.objects.get(pk=report.pk), by=world.member, narrative="І фото")
    services.submit_report(report, by=world.member)
    assert len(inbox(world.officer, "grants.report_submitted")) == 2


def test_a_refused_submission_tells_nobody(world):
    g = world.active("1000.00")
    report = g.reports.order_by("due_on").first()
    report = services.save_report(report, by=world.member, narrative="Провели 12 вигаданих занять")
    services.submit_report(report, by=world.member)
    with pytest.raises(Exception):  # noqa: B017 - submitted already: TransitionNotAllowed
        services.submit_report(GrantReport.objects.get(pk=report.pk), by=world.member)
    assert len(inbox(world.officer, "grants.report_submitted")) == 1


def test_a_tranche_awaiting_approval_tells_the_other_officers(world, second_officer):
    g = world.active("1000.00")
    services.schedule_tranche(g, by=world.officer, planned_on=date(2025, 3, 1), amount="400.00")
    assert counts("grants.tranche_awaits_approval") == {
        (second_officer.pk, "inapp"): 1,
        (second_officer.pk, "email"): 1,
    }  # not the officer who planned it
    [message] = inbox(second_officer, "grants.tranche_awaits_approval")
    # Stored as values; written out in the recipient's language when rendered (core.formats).
    assert message.context["amount"] == {"$money": "400.00", "currency": "UAH"}
    assert message.context["planned_on"] == {"$date": "2025-03-01"}


def test_a_refused_tranche_tells_nobody(world, second_officer):
    from django.core.exceptions import ValidationError

    g = world.active("1000.00")
    with pytest.raises(ValidationError):
        services.schedule_tranche(g, by=world.officer, planned_on=date(2025, 3, 1), amount="5000.00")
    assert not Message.objects.filter(event="grants.tranche_awaits_approval").exists()


def test_overdue_reports_are_chased_after_the_due_date(world, time_machine, second_officer):
    g = world.active("1000.00")
    interim = g.reports.get(due_on=date(2025, 3, 20))
    # The day before the due date: the old reminder, no overdue one yet.
    time_machine.move_to("2025-03-19 08:00Z")
    run_all()
    assert len(inbox(world.member, "grants.report_due")) == 1  # 1 day before
    assert not inbox(world.member, "grants.report_overdue")
    # The day after: the grantee and, as a list, each officer.
    time_machine.move_to("2025-03-21 08:00Z")
    run_all()
    run_all()  # beat firing twice sends nothing twice
    [overdue] = inbox(world.member, "grants.report_overdue")
    assert overdue.context["days"] == "1" and overdue.context["due"] == {"$date": "2025-03-20"}
    assert (
        Message.objects.filter(user=world.member, event="grants.report_overdue", channel="email").count() == 1
    )
    for officer in (world.officer, second_officer):
        [digest] = inbox(officer, "grants.reports_overdue")
        assert digest.context["count"] == 1
        assert [r["application"] for r in digest.context["reports"]] == [world.application.title]
    # Between the chasing days nothing; a week after the due date again.
    time_machine.move_to("2025-03-24 08:00Z")
    run_all()
    assert len(inbox(world.member, "grants.report_overdue")) == 1
    time_machine.move_to("2025-03-27 08:00Z")
    run_all()
    assert len(inbox(world.member, "grants.report_overdue")) == 2
    assert len(inbox(world.officer, "grants.reports_overdue")) == 2
    # Submitted: no longer chased.
    interim = services.save_report(interim, by=world.member, narrative="Нарешті")
    services.submit_report(interim, by=world.member)
    time_machine.move_to("2025-04-03 08:00Z")
    run_all()
    assert len(inbox(world.member, "grants.report_overdue")) == 2


def test_an_officer_gets_one_list_for_many_overdue_reports(world, time_machine):
    first = world.active("1000.00")
    world.application = world.awarded()
    world.application.organisation.memberships.create(user=UserFactory(full_name="Друга Грантоотримувачка"))
    second = world.offer("2000.00")
    from tests.grants.conftest import IBAN, pdf

    second = services.update_bank_details(
        second, by=world.officer, payee_name="ПБ Друга", payee_bank="Тестбанк", payee_iban=IBAN
    )
    second = services.sign_agreement(second, by=world.officer, signed_copy=pdf(), signed_on=date(2025, 1, 10))
    services.activate_grant(second, by=world.officer)
    time_machine.move_to("2025-03-21 08:00Z")
    run_all()
    grantees = Message.objects.filter(event="grants.report_overdue", channel=Message.Channel.INAPP)
    assert grantees.count() == 2  # one per grantee member and report
    [digest] = inbox(world.officer, "grants.reports_overdue")
    assert digest.context["count"] == 2
    assert {r["organisation"] for r in digest.context["reports"]} == {
        first.application.organisation.name,
        second.application.organisation.name,
    }
    text = render(digest.event, "en", digest.context).text
    assert "2 grant reports are overdue" in text
    assert Message.objects.filter(event="grants.reports_overdue", channel=Message.Channel.EMAIL).count() == 1
