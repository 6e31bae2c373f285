from django.http import HttpRequest
from django.template.loader import render_to_string

from accounts.models import Organisation
from webhooks.selectors import organisation_endpoints


def organisation_panel(request: HttpRequest, organisation: Organisation) -> str:
    """The link to the organisation's webhooks, for its administrators (core.panels place
    "accounts.organisation")."""
    if not request.user.has_perm("webhooks.manage_organisation_webhooks", organisation):
        return ""
    count = organisation_endpoints(organisation).count()
    return render_to_string(
        "webhooks/partials/organisation_panel.html",
        {"organisation": organisation, "count": count},
        request=request,
    )
