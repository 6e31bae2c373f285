from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from campaigns import services
from campaigns.models import Campaign
from notifications import reminders
from notifications.models import Message

KYIV = ZoneInfo("Europe/Kyiv")


def test_schedule_creates_each_period_once(world):
    template = world.campaign
    schedule = services.create_schedule(template, by=world.organiser, days=["10-20", "03-20"], lead_days=14)
    assert schedule.days == ["03-20", "10-20"]
    with time_machine.travel(datetime(2031, 3, 1, 9, tzinfo=KYIV)):  # 19 days before: not yet
        assert services.run_schedules() == []
    with time_machine.travel(datetime(2031, 3, 10, 9, tzinfo=KYIV)):
        [made] = services.run_schedules()
        assert services.run_schedules() == []  # a second run (beat, a page) makes nothing
        assert made.state == Campaign.State.OPEN
        assert made.due_at == datetime(2031, 3, 20, 18, tzinfo=KYIV)
        assert list(made.questions.values_list("key", flat=True)) == ["measures"]
        assert made.indicators.count() == 1
        assert set(made.reports.values_list("organisation", flat=True)) == {world.poltava.pk, world.lviv.pk}
    with time_machine.travel(datetime(2031, 10, 10, 9, tzinfo=KYIV)):
        [autumn] = services.run_schedules()
        assert autumn.period_key == "2031-10-20"
    assert Campaign.objects.filter(schedule=schedule).count() == 3  # the template and two periods


def test_schedule_refuses_bad_days(world):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.create_schedule(world.campaign, by=world.organiser, days=["13-40"])


def test_reminders_before_and_overdue_go_once(opened):
    due = opened.campaign.due_at
    with time_machine.travel(due - timedelta(days=7)):
        reminders.run_all()
        reminders.run_all()
    due_messages = Message.objects.filter(event="campaigns.due")
    assert set(due_messages.values_list("user", flat=True)) == {opened.alice.pk, opened.bohdan.pk}
    assert due_messages.filter(user=opened.alice, channel=Message.Channel.INAPP).count() == 1
    report = services.save_report(opened.report, by=opened.alice, answers={"measures": "Курси"})
    services.submit_report(report, by=opened.alice)
    with time_machine.travel(due + timedelta(days=1, hours=1)):
        reminders.run_all()
        reminders.run_all()
    overdue = Message.objects.filter(event="campaigns.overdue")
    assert set(overdue.values_list("user", flat=True)) == {opened.bohdan.pk}  # Alice reported
    assert overdue.filter(channel=Message.Channel.INAPP).count() == 1
    with time_machine.travel(due + timedelta(days=3)):  # not a chasing day
        reminders.run_all()
    assert Message.objects.filter(event="campaigns.overdue").count() == overdue.count()
