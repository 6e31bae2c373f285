from django.http import HttpRequest
from django.template.loader import render_to_string

from applications.models import Application
from depository.models import SELECTABLE_APPLICATION_STATES
from depository.selectors import published_cases_of
from depository.views import consent_context
from eservices.models import EService


def consent_panel(request: HttpRequest, application: Application) -> str:
    """The consent form on the application's page for the applicant's members; nothing for others
    or for drafts. Registered in core.panels for "applications.detail"."""
    if application.state not in SELECTABLE_APPLICATION_STATES:
        return ""
    data = consent_context(application, request.user)
    if not data.get("can_consent"):
        return ""
    return render_to_string("depository/partials/consent.html", data, request=request)


def eservice_cases_panel(request: HttpRequest, service: EService) -> str:
    """The published cases describing an e-service, on its public page (core.panels place
    "eservices.detail"); nothing when there are none."""
    cases = list(published_cases_of(service))
    if not cases:
        return ""
    return render_to_string("depository/partials/eservice_cases.html", {"cases": cases}, request=request)
