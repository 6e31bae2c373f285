"""Lookups shared by the grants' pages: a grant, report or tranche the user may see, or 404;
and running a step whose page has a form of its own."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from contests.models import Contest
from grants import selectors
from grants.models import Disbursement, Grant, GrantReport


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
