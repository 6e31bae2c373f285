from django.http import HttpRequest
from django.template.loader import render_to_string

from accounts.models import Organisation
from eservices.models import EService


def organisation_panel(request: HttpRequest, organisation: Organisation) -> str:
    """The organisation's e-services and the way to its list, for its members (core.panels place
    "accounts.organisation")."""
    if not request.user.has_perm("eservices.add_eservice", organisation):
        return ""
    counts = {"all": 0, "published": 0}
    for published in EService.objects.filter(organisation=organisation).values_list("published", flat=True):
        counts["all"] += 1
        counts["published"] += int(published)
    return render_to_string(
        "eservices/partials/organisation_panel.html",
        {"organisation": organisation, **counts},
        request=request,
    )
