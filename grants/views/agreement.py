"""Running a grant from its page: the signed agreement, the payee's bank details, activation,
the tranche plan, the budget lines and completion. Each form posts here; on an error the grant
page comes back with the form as typed and the errors next to its fields."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants import services
from grants.forms import BankDetailsForm, BudgetLineForm, SignAgreementForm, TrancheForm
from grants.models import Grant
from grants.views.common import REFUSALS, add_errors, grant_for, tell_refused
from grants.views.grantee import render_grant


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
@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk, "grants.sign_agreement")
    form = SignAgreementForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.sign_agreement(grant, by=request.user, **form.cleaned_data)
        except REFUSALS as error:
            add_errors(form, error)
        else:
            return _done(request, grant, _("The signed agreement is recorded."))
    return _again(request, pk, "sign_form", form)


@login_required
@require_POST
def bank_details(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk, "grants.change_bank_details")
    form = BankDetailsForm(request.POST)
    if form.is_valid():
        try:
            services.update_bank_details(grant, by=request.user, **form.cleaned_data)
        except REFUSALS as error:
            add_errors(form, error)
        else:
            return _done(request, grant, _("The bank details are saved."))
    return _again(request, pk, "bank_form", form)


@login_required
@require_POST
def activate(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk, "grants.activate_grant")
    try:
        services.activate_grant(grant, by=request.user)
    except REFUSALS as error:
        tell_refused(request, error)
        return redirect("grants:detail", pk=grant.pk)
    return _done(request, grant, _("The grant is active: tranches can be approved and paid."))


@login_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk, "grants.complete_grant")
    try:
        services.complete_grant(grant, by=request.user)
    except REFUSALS as error:
        tell_refused(request, error)
        return redirect("grants:detail", pk=grant.pk)
    return _done(request, grant, _("The grant is completed."))


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
