"""Who may do what with analytic reports: those who run the report's subject write, publish and
withdraw it (a contest's organisers; a campaign's managers, campaigns.manage_campaign); reading is
scoped by reports.analytic_selectors.reports_visible_to (drafts to those writers, published
reports of public subjects to everyone)."""

import rules

from campaigns.models import Campaign
from contests.rules import is_organiser


@rules.predicate
def runs_subject(user, subject) -> bool:
    """The object is a contest or a campaign a new report would be about."""
    if subject is None or not user.is_authenticated:
        return False
    if isinstance(subject, Campaign):
        return user.has_perm("campaigns.manage_campaign", subject)
    return is_organiser(user, subject)


@rules.predicate
def runs_report_subject(user, report) -> bool:
    return report is not None and runs_subject(user, report.subject)


rules.add_perm("reports.add_analyticreport", runs_subject)
rules.add_perm("reports.change_analyticreport", runs_report_subject)
rules.add_perm("reports.publish_analyticreport", runs_report_subject)
