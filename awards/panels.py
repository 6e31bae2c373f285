"""The awards' panels on lower apps' pages (core.panels)."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from applications.models import Application
from awards.selectors import documents_of_application, unfinished_work
from contests.models import Contest
from contests.steps import CONTEST

GUARDED_STEPS = ("decide", "announce")


def unfinished_panel(request: HttpRequest, contest: Contest) -> str:
    """Before the decision or the announcement, what is still unfinished: reviews not submitted,
    proposed winners awaiting approval, entries not screened. Shown where the person may take
    one of those steps now; nothing otherwise. Registered for "contests.steps"."""
    allowed = set(CONTEST.allowed_names(contest, request.user))
    if not allowed & set(GUARDED_STEPS):
        return ""
    return render_to_string(
        "awards/partials/unfinished.html",
        {"unfinished": unfinished_work(contest), "contest": contest},
        request=request,
    )


def documents_panel(request: HttpRequest, application: Application) -> str:
    """The application's diplomas and certificates the person may download (its library's
    members, the contest's organisers); nothing otherwise. Registered for "applications.detail"."""
    documents = documents_of_application(request.user, application)
    if not documents:
        return ""
    return render_to_string(
        "awards/partials/application_documents.html", {"documents": documents}, request=request
    )
