"""Running a grant from its page: the signed agreement (and downloading it), the payee's bank
details, the tranche plan, the budget lines and the indicator targets (activation and completion
are catalogue steps: grants/views/steps.py).
Each form posts here; on an error the grant page comes back with the form as typed and the
errors next to its fields."""

from dataclasses import dataclass
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from applications.downloads import attachment_response
from core.files import EXTENSIONS
from core.web import REFUSALS, add_errors, run_step
from grants import services
from grants.forms import BankDetailsForm, BudgetLineForm, SignAgreementForm, TargetForm, TrancheForm
from grants.models import Grant, Indicator
from grants.views.common import grant_for
from grants.views.grantee import render_grant, reporting_periods


def _grant(request: HttpRequest, pk: int, perm: str) -> Grant:
    grant = grant_for(request, pk)
    if not request.user.has_perm(perm, grant):
        raise PermissionDenied(_("You may not do this."))
    return grant


def _done(request: HttpRequest, grant: Grant, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("grants:detail", pk=grant.pk)


def _again(request: HttpRequest, pk: int, name: str, form) -> HttpResponse:
    return render_grant(request, grant_for(request, pk), forms={name: form}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the signed agreement: the page of the catalogue's step "sign_agreement". Its form
    is on the grant page (a GET goes there); on an error the page comes back with it."""
    grant = _grant(request, pk, "grants.sign_agreement")
    if request.method == "GET":
        return redirect(reverse("grants:detail", args=[grant.pk]) + "#sign-heading")
    form = SignAgreementForm(request.POST, request.FILES)
    if form.is_valid() and run_step(request, grant, "sign_agreement", form.cleaned_data, form=form):
        return _done(request, grant, _("The signed agreement is recorded."))
    return _again(request, pk, "sign_form", form)


@login_required
@require_POST
def bank_details(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk, "grants.change_bank_details")
    form = BankDetailsForm(request.POST)
    if form.is_valid():
        try:
            services.update_bank_details(grant, by=request.user, request=request, **form.cleaned_data)
        except REFUSALS as error:
            add_errors(form, error)
        else:
            return _done(request, grant, _("The bank details are saved."))
    return _again(request, pk, "bank_form", form)


@login_required
@require_POST
def tranche(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk, "grants.manage_tranches")
    form = TrancheForm(request.POST, reports=grant.reports.order_by("due_on"))
    if form.is_valid():
        try:
            services.schedule_tranche(grant, by=request.user, **form.cleaned_data)
        except REFUSALS as error:
            add_errors(form, error)
        else:
            return _done(request, grant, _("The tranche is planned."))
    return _again(request, pk, "tranche_form", form)


@login_required
@require_POST
def budget_line(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk, "grants.change_grant")
    form = BudgetLineForm(request.POST)
    if form.is_valid():
        try:
            services.add_budget_line(
                grant, by=request.user, order=grant.budget_lines.count(), **form.cleaned_data
            )
        except REFUSALS as error:
            add_errors(form, error)
        else:
            return _done(request, grant, _("The budget line is added."))
    return _again(request, pk, "line_form", form)


@login_required
@require_POST
def target(request: HttpRequest, pk: int) -> HttpResponse:
    """Set or change the grant's target for an indicator in a reporting period. Grantees read the
    targets on the grant page; for anyone but the contest's grant officers this answers 404."""
    grant = grant_for(request, pk)
    if not request.user.has_perm("grants.change_grant", grant):
        raise Http404
    form = TargetForm(
        request.POST,
        indicators=Indicator.objects.filter(contest_id=grant.contest_id).order_by("order", "pk"),
        reports=reporting_periods(grant),
    )
    if form.is_valid():
        try:
            services.set_target(grant, by=request.user, **form.cleaned_data)
        except REFUSALS as error:
            add_errors(form, error)
        else:
            return _done(request, grant, _("The target is saved."))
    return _again(request, pk, "target_form", form)


# --- the agreement's files ----------------------------------------------------------------------

AGREEMENT_FILES = {"draft": "agreement_draft", "signed": "agreement_signed"}
KINDS = {extension: kind for kind, extension in EXTENSIONS.items()}


@dataclass(frozen=True)
class AgreementFile:
    """What applications.downloads.attachment_response reads of a file to serve."""

    file: FieldFile
    kind: str
    original_name: str


def agreement_download(grant: Grant, which: str) -> AgreementFile | None:
    stored = getattr(grant, AGREEMENT_FILES[which])
    if not stored:
        return None
    extension = PurePosixPath(stored.name).suffix.lstrip(".").lower()
    if which == "draft":
        title = _("Draft agreement, grant %(number)s") % {"number": grant.pk}
    else:
        title = _("Signed agreement, grant %(number)s") % {"number": grant.pk}
    return AgreementFile(stored, KINDS.get(extension, extension), f"{title}.{extension or 'bin'}")


@login_required
@require_safe
def agreement_file(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    """The draft or the signed agreement, for the contest's grant officers and the grantee's
    members (anyone else: 404), served through the storage as the applications' attachments."""
    grant = grant_for(request, pk)
    if which not in AGREEMENT_FILES:
        raise Http404
    download = agreement_download(grant, which)
    if download is None:
        raise Http404
    return attachment_response(
        download,  # type: ignore[arg-type]
        by=request.user,
        application_id=grant.application_id,
        request=request,
    )
