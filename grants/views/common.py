"""Lookups shared by the grants' pages: a grant, report or tranche the user may see, or 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from contests.models import Contest
from core.exceptions import TransitionRefused
from grants import selectors
from grants.models import Disbursement, Grant, GrantReport

REFUSALS = (TransitionRefused, TransitionNotAllowed, ConcurrentTransition, ValidationError)


def grant_for(request: HttpRequest, pk: int) -> Grant:
    """A grant of the user's organisation or of a contest they are grant officer of; else 404."""
    grant = get_object_or_404(
        selectors.grants_visible_to(request.user).select_related("application__nomination"), pk=pk
    )
    if not request.user.has_perm("grants.view_grant", grant):
        raise Http404
    return grant


def report_for(request: HttpRequest, pk: int) -> GrantReport:
    report = get_object_or_404(selectors.reports_visible_to(request.user), pk=pk)
    report.grant = grant_for(request, report.grant_id)
    return report


def tranche_for(request: HttpRequest, pk: int) -> Disbursement:
    tranche = get_object_or_404(selectors.tranches_visible_to(request.user), pk=pk)
    tranche.grant = grant_for(request, tranche.grant_id)
    return tranche


def officer_contest(request: HttpRequest, pk: int) -> Contest:
    """A contest the user is a grant officer of; 404 for anyone else (organisers included)."""
    contest = get_object_or_404(selectors.contests_with_grants_for(request.user), pk=pk)
    if not request.user.has_perm("grants.offer_grant", contest):
        raise Http404
    return contest


def reasons_of(error: Exception) -> list[str]:
    if isinstance(error, TransitionRefused):
        return error.reasons
    if isinstance(error, ValidationError):
        return error.messages
    if isinstance(error, ConcurrentTransition):
        return [_("Someone changed this at the same moment. Reload and try again.")]
    return [_("This step is not possible from the current state. Reload the page and check.")]


def tell_refused(request: HttpRequest, error: Exception) -> None:
    for reason in reasons_of(error):
        messages.error(request, reason)


def add_errors(form, error: Exception) -> None:
    """A service's refusal on the form: field errors next to their fields, the rest on top."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    for reason in reasons_of(error):
        form.add_error(None, reason)
