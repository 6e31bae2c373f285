from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django_fsm import TransitionNotAllowed

from accounts.models import Organisation
from campaigns import selectors, services
from campaigns.models import Campaign, CampaignReport, IndicatorActual
from core import clock
from core.exceptions import TransitionRefused
from notifications.models import Message


def test_audience_by_region_kind_and_list(world):
    assert set(selectors.audience_of(world.campaign)) == {world.poltava, world.lviv}
    campaign = services.update_campaign(world.campaign, audience_kinds=[Organisation.Kind.REGIONAL_LIBRARY])
    assert list(selectors.audience_of(campaign)) == []
    campaign = services.update_campaign(campaign, audience_organisations=[world.kharkiv])
    assert list(selectors.audience_of(campaign)) == [world.kharkiv]


def test_audience_by_contest_takes_live_applicants_only(world):
    from applications.models import Application
    from tests.review.factories import ApplicationFactory

    live = ApplicationFactory(organisation=world.kharkiv)
    ApplicationFactory(contest=live.contest, organisation=world.lviv, state=Application.State.DRAFT)
    campaign = services.update_campaign(world.campaign, audience_regions=[], audience_contest=live.contest)
    assert list(selectors.audience_of(campaign)) == [world.kharkiv]


def test_open_creates_one_report_per_organisation_and_tells_members(world):
    services.open_campaign(world.campaign, by=world.organiser)
    campaign = Campaign.objects.get(pk=world.campaign.pk)
    assert campaign.state == Campaign.State.OPEN
    assert set(campaign.reports.values_list("organisation", flat=True)) == {world.poltava.pk, world.lviv.pk}
    told = set(Message.objects.filter(event="campaigns.requested").values_list("user", flat=True))
    assert told == {world.alice.pk, world.bohdan.pk}


def test_open_refused_without_audience_and_state_unchanged(world):
    services.update_campaign(world.campaign, audience_regions=[])
    with pytest.raises(TransitionRefused):
        services.open_campaign(world.campaign, by=world.organiser)
    assert Campaign.objects.get(pk=world.campaign.pk).state == Campaign.State.DRAFT
    assert not CampaignReport.objects.exists()


def test_audience_is_fixed_once_open(opened):
    with pytest.raises(ValidationError):
        services.update_campaign(opened.campaign, audience_regions=["kyiv"])


def test_submit_needs_required_answers(opened):
    with pytest.raises(TransitionRefused) as refused:
        services.submit_report(opened.report, by=opened.alice)
    assert "Measures taken" in " ".join(refused.value.reasons)
    assert CampaignReport.objects.get(pk=opened.report.pk).state == CampaignReport.State.DUE


def test_save_checks_answers_like_an_application(opened):
    with pytest.raises(ValidationError):
        services.save_report(opened.report, by=opened.alice, answers={"nope": "x"})
    with pytest.raises(ValidationError):
        services.save_report(opened.report, by=opened.alice, actuals={opened.indicator.pk: "many"})
    assert CampaignReport.objects.get(pk=opened.report.pk).answers == {}


def test_return_and_resubmit(opened):
    report = services.save_report(
        opened.report, by=opened.alice, answers={"measures": "Курси"}, actuals={opened.indicator.pk: "4"}
    )
    services.submit_report(report, by=opened.alice)
    with pytest.raises(TransitionRefused):  # a note is required
        services.return_report(report, by=opened.organiser, note=" ")
    services.return_report(report, by=opened.organiser, note="Додайте кількість учасників")
    report = CampaignReport.objects.get(pk=report.pk)
    assert report.state == CampaignReport.State.RETURNED
    assert report.return_note == "Додайте кількість учасників"
    assert report.correction_due_at is not None
    assert Message.objects.filter(event="campaigns.returned", user=opened.alice).exists()
    services.save_report(report, by=opened.alice, answers={"measures": "Курси, 40 учасників"})
    services.submit_report(report, by=opened.alice)
    services.accept_report(report, by=opened.organiser)
    assert CampaignReport.objects.get(pk=report.pk).state == CampaignReport.State.ACCEPTED
    with pytest.raises(ValidationError):  # accepted: no more changes
        services.save_report(report, by=opened.alice, answers={"measures": "інше"})


def test_accept_only_from_submitted(opened):
    with pytest.raises(TransitionNotAllowed):
        services.accept_report(opened.report, by=opened.organiser)


def test_closed_campaign_refuses_submission(opened):
    services.save_report(opened.report, by=opened.alice, answers={"measures": "Курси"})
    services.close_campaign(opened.campaign, by=opened.organiser)
    with pytest.raises((TransitionRefused, ValidationError)):
        services.submit_report(opened.report, by=opened.alice)


def test_summary_late_and_indicator_totals(opened):
    services.set_targets(opened.campaign, [{"indicator": opened.indicator.pk, "target": "10"}])
    report = services.save_report(
        opened.report, by=opened.alice, answers={"measures": "Курси"}, actuals={opened.indicator.pk: "4"}
    )
    services.submit_report(report, by=opened.alice)
    summary = selectors.campaign_summary(opened.campaign)
    assert (summary["requested"], summary["submitted"], summary["late"]) == (2, 1, 0)
    assert list(selectors.late_reporters(opened.campaign)) == []
    with time_machine.travel(clock.now() + timedelta(days=11)):
        summary = selectors.campaign_summary(opened.campaign)
        assert summary["late"] == 1
        assert list(selectors.late_reporters(opened.campaign)) == [opened.lviv]
        regions = {row["region"]: row for row in summary["by_region"]}
        assert regions["lviv"]["late"] == 1 and regions["poltava"]["submitted"] == 1
    totals = {row["region"]: row for row in summary["indicator_totals"]}
    assert str(totals["poltava"]["target"]) == "10.00" and str(totals["poltava"]["actual"]) == "4.00"
    assert str(totals["lviv"]["actual"]) == "0"
    assert IndicatorActual.objects.count() == 1


def test_visibility(opened, staff):
    from django.contrib.auth.models import AnonymousUser

    assert list(selectors.campaigns_visible_to(AnonymousUser())) == []
    assert list(selectors.reports_visible_to(opened.alice)) == [opened.report]
    assert list(selectors.campaigns_visible_to(opened.hanna)) == []
    assert set(selectors.reports_visible_to(opened.organiser)) == {opened.report, opened.other_report}
    assert selectors.campaigns_visible_to(staff).count() == 1


def test_sending_the_same_audience_back_is_no_change(opened):
    campaign = services.update_campaign(
        opened.campaign, title="Нова назва", audience_regions=["lviv", "poltava"], audience_organisations=[]
    )
    assert campaign.title == "Нова назва"
