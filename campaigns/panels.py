from django.http import HttpRequest
from django.template.loader import render_to_string

from accounts.models import Organisation
from campaigns.selectors import organisation_reports


def organisation_panel(request: HttpRequest, organisation: Organisation) -> str:
    """The organisation's campaign reports (core.panels place "accounts.organisation"), for its
    members: what is due, returned or done."""
    if not request.user.has_perm("accounts.view_organisation", organisation):
        return ""
    reports = list(organisation_reports(organisation)[:20])
    if not reports:
        return ""
    return render_to_string(
        "campaigns/partials/organisation_panel.html",
        {"organisation": organisation, "reports": reports},
        request=request,
    )
