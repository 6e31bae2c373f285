"""Race scenarios (tests/core/test_step_races.py) for issue 13's programme: campaigns, work plans,
congress, mailings and analytic reports. Each builder returns an object in the step's source state,
the person allowed to take the step and the request data; they reuse the apps' own test builders,
called as plain functions (not fixtures)."""

from collections.abc import Callable
from datetime import timedelta

from tests.factories import UserFactory

# --- analytic reports: the analytic tests' world, its report a draft (or published) ---------------


def _analytic_step(name: str) -> Callable:
    def build():
        from reports import services as report_services
        from tests.analytic.conftest import Analytic

        analytic = Analytic()
        report = analytic.report
        if name == "withdraw":
            report = report_services.publish(report, by=analytic.organiser)
        return report, analytic.organiser, {}

    return build


# --- campaigns: the campaign tests' world (two libraries asked to report) -------------------------


def _campaign_world():
    """tests/campaigns/conftest.py's world: two libraries asked to report, Poltava's member Alice."""
    from tests.campaigns.conftest import build_world

    world = build_world(UserFactory(full_name="Організатор Тестовий"))
    return world.organiser, world.campaign, world.poltava, world.alice


def _campaign_step(name: str) -> Callable:
    def build():
        from campaigns import services

        organiser, campaign, _, _ = _campaign_world()
        if name == "close":
            campaign = services.open_campaign(campaign, by=organiser)
        return campaign, organiser, {}

    return build


def _campaign_report_step(name: str, data: dict | None = None) -> Callable:
    def build():
        from campaigns import services
        from campaigns.models import Campaign

        organiser, campaign, poltava, alice = _campaign_world()
        services.open_campaign(campaign, by=organiser)
        campaign = Campaign.objects.get(pk=campaign.pk)
        report = campaign.reports.get(organisation=poltava)
        report = services.save_report(report, by=alice, answers={"measures": "Курси"}) or report
        report.refresh_from_db()
        if name == "submit":
            return report, alice, {}
        report = services.submit_report(report, by=alice)
        return report, organiser, data or {}

    return build


# --- congress: the congress tests' announced contest, a published case, an event ------------------


def _event(organiser, contest):
    from tests.congress.builders import new_event

    return new_event(organiser, contest)


def _event_step(name: str) -> Callable:
    def build():
        from congress import services
        from tests.congress.builders import announced_contest

        organiser = UserFactory(full_name="Організатор Тестовий")
        event = _event(organiser, announced_contest(organiser))
        if name != "publish":
            event = services.publish_event(event, by=organiser)
        return event, organiser, {}

    return build


def _invitation_step(name: str, data: dict | None = None) -> Callable:
    def build():
        from congress import services
        from core import clock
        from tests.congress.builders import announced_contest, published_case

        organiser = UserFactory(full_name="Організатор Тестовий")
        contest = announced_contest(organiser)
        event = _event(organiser, contest)
        case = published_case(contest, organiser, 1)
        [invitation] = services.invite(
            event, [case.practice], by=organiser, respond_by=clock.now() + timedelta(days=10)
        )
        person = organiser if name == "withdraw" else case.member
        return invitation, person, data or {}

    return build


# --- mailings: the mailing tests' world, a draft to the contest's applicants ----------------------


def _mailing_send():
    from tests.factories import grant, ready_contest
    from tests.mailings.conftest import build_world, draft

    organiser = UserFactory(full_name="Організатор Тестовий")
    other_organiser = UserFactory()
    grant(ready_contest(), other_organiser)
    world = build_world(organiser, other_organiser)
    mailing = draft(world.contest, organiser, {"kind": "applicants", "contest": world.contest.pk})
    return mailing, organiser, {}


# --- work plans: an active grant (the grants' world) with one planned activity --------------------


def _activity_step(name: str, data: dict | None = None) -> Callable:
    def build():
        from tests.workplan.conftest import World, activity

        world = World()
        a = activity(world.active(), world.member)
        return a, world.member, data or {}

    return build


PROGRAMME_SCENARIOS: dict[tuple[str, str], Callable] = {
    ("mailing", "send"): _mailing_send,
    ("analyticreport", "publish"): _analytic_step("publish"),
    ("analyticreport", "withdraw"): _analytic_step("withdraw"),
    ("campaign", "open"): _campaign_step("open"),
    ("campaign", "close"): _campaign_step("close"),
    ("campaignreport", "submit"): _campaign_report_step("submit"),
    ("campaignreport", "accept"): _campaign_report_step("accept"),
    ("campaignreport", "return_for_correction"): _campaign_report_step(
        "return_for_correction", {"note": "Уточніть кількість заходів."}
    ),
    ("event", "publish"): _event_step("publish"),
    ("event", "unpublish"): _event_step("unpublish"),
    ("event", "finish"): _event_step("finish"),
    ("invitation", "confirm"): _invitation_step("confirm"),
    ("invitation", "decline"): _invitation_step("decline", {"reason": "Не встигаємо підготуватися."}),
    ("invitation", "withdraw"): _invitation_step("withdraw", {"note": "Програму змінено."}),
    ("planactivity", "start"): _activity_step("start"),
    ("planactivity", "complete"): _activity_step("complete", {"note": "Провели майстер-клас для 20 осіб."}),
    ("planactivity", "cancel"): _activity_step("cancel"),
}
