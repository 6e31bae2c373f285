"""Who may do what with campaigns (see models' docstring for who manages one)."""

import rules

from accounts.rules import is_organisation_admin, is_organisation_member


@rules.predicate
def may_create_campaigns(user) -> bool:
    """Staff and the Organisers group (those who may create contests)."""
    return user.is_authenticated and (user.is_staff or user.has_perm("contests.add_contest"))


@rules.predicate
def manages_campaign(user, campaign) -> bool:
    if campaign is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if getattr(campaign, "perm_user", None) == user.pk:  # selectors.with_campaign_permissions
        return campaign.user_manages
    return campaign.managers.filter(pk=user.pk).exists() or is_organisation_admin(user, campaign.owner)


@rules.predicate
def manages_report_campaign(user, report) -> bool:
    if report is None or not user.is_authenticated:
        return False
    if getattr(report, "perm_user", None) == user.pk:  # selectors.with_report_permissions
        return report.user_manages
    return manages_campaign(user, report.campaign)


@rules.predicate
def reports_for(user, report) -> bool:
    """A member of the reporting organisation."""
    if report is None or not user.is_authenticated:
        return False
    if getattr(report, "perm_user", None) == user.pk:  # selectors.with_report_permissions
        return report.user_member
    return is_organisation_member(user, report.organisation)


@rules.predicate
def manages_schedule(user, schedule) -> bool:
    return schedule is not None and manages_campaign(user, schedule.template)


rules.add_perm("campaigns.add_campaign", may_create_campaigns)
rules.add_perm("campaigns.manage_campaign", manages_campaign)
rules.add_perm("campaigns.open_campaign", manages_campaign)
rules.add_perm("campaigns.close_campaign", manages_campaign)
rules.add_perm("campaigns.view_report", reports_for | manages_report_campaign)
rules.add_perm("campaigns.fill_report", reports_for)
rules.add_perm("campaigns.submit_report", reports_for)
rules.add_perm("campaigns.review_report", manages_report_campaign)
rules.add_perm("campaigns.manage_schedule", manages_schedule)
