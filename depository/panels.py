from django.http import HttpRequest
from django.template.loader import render_to_string

from applications.models import Application
from depository.models import SELECTABLE_APPLICATION_STATES
from depository.views import consent_context


def consent_panel(request: HttpRequest, application: Application) -> str:
    """The consent form on the application's page for the applicant's members; nothing for others
    or for drafts. Registered in core.panels for "applications.detail"."""
    if application.state not in SELECTABLE_APPLICATION_STATES:
        return ""
    data = consent_context(application, request.user)
    if not data.get("can_consent"):
        return ""
    return render_to_string("depository/partials/consent.html", data, request=request)
