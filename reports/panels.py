"""A link from a campaign's page to its analytic reports (core.panels place "campaigns.detail"),
for the campaign's managers."""

from django.http import HttpRequest
from django.template.loader import render_to_string


def campaign_panel(request: HttpRequest, campaign) -> str:
    if not request.user.has_perm("reports.add_analyticreport", campaign):
        return ""
    return render_to_string("reports/analytic/campaign_panel.html", {"campaign": campaign}, request=request)
