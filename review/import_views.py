"""The jurors' import of a contest: upload page and templates; preview, progress and result are
the accounts' import pages. Only the contest's organisers (contests.manage_roles)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.import_views import template_response, upload_page
from accounts.models import ImportJob
from contests.views.access import contest_for
from review.imports import scope_of


@login_required
def jurors_import(request: HttpRequest, pk: int) -> HttpResponse:
    contest = contest_for(request, pk, perm="contests.manage_roles")
    return upload_page(
        request,
        kind=ImportJob.Kind.JURORS,
        scope=scope_of(contest),
        context={
            "title": _("Import jurors of “%(contest)s”") % {"contest": contest.title},
            "intro": _(
                "Upload a table of jurors. Every row is checked and shown before anything is saved. People "
                "with an account join the jury at once; others get an e-mailed invitation and join the jury "
                "when they accept it. Nominations are titles separated by semicolons; expertise is category "
                "codes of the contest's classifiers."
            ),
            "back_url": reverse("contests:people", args=[contest.pk]),
            "back_label": _("Back to the contest's people"),
            "template_csv": reverse("review_imports:jurors_template_csv", args=[contest.pk]),
            "template_xlsx": reverse("review_imports:jurors_template_xlsx", args=[contest.pk]),
        },
    )


@login_required
@require_safe
def jurors_template(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    contest_for(request, pk, perm="contests.manage_roles")
    return template_response(ImportJob.Kind.JURORS, fmt, "jurors-template")
