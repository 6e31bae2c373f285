from django.http import HttpRequest
from django.template.loader import render_to_string

from accounts.models import Organisation
from congress.models import Invitation


def organisation_panel(request: HttpRequest, organisation: Organisation) -> str:
    """The organisation's invitations to present, for its members, when it has any (core.panels
    place "accounts.organisation")."""
    if not organisation.memberships.filter(user_id=request.user.pk).exists():
        return ""
    invitations = Invitation.objects.filter(organisation=organisation)
    if not invitations.exists():
        return ""
    waiting = invitations.filter(state=Invitation.State.INVITED).count()
    return render_to_string(
        "congress/partials/organisation_panel.html",
        {"organisation": organisation, "waiting": waiting},
        request=request,
    )
