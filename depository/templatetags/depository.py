from django import template

from applications.models import Application
from depository.models import SELECTABLE_APPLICATION_STATES
from depository.views import consent_context

register = template.Library()


@register.inclusion_tag("depository/partials/consent.html", takes_context=True)
def consent_panel(context: template.Context, application: Application) -> dict:
    """The consent form for the applicant's members; nothing for others or for drafts."""
    request = context["request"]
    if application.state not in SELECTABLE_APPLICATION_STATES:
        return {"can_consent": False}
    data = consent_context(application, request.user)
    data["request"] = request
    data["csrf_token"] = context.get("csrf_token")
    return data
