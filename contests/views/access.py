"""Loading a contest for an organiser page: 404 outside what the user may see, 403 without the right."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from contests import selectors
from contests.models import Contest


def contest_for(request: HttpRequest, pk: int, perm: str = "contests.change_contest") -> Contest:
    """404 outside what the user may see, 403 without the permission."""
    contest = visible_contest(request, pk)
    if not request.user.has_perm(perm, contest):
        raise PermissionDenied(_("You may not change this contest."))
    return contest


def visible_contest(request: HttpRequest, pk: int, *, structure: bool = False) -> Contest:
    contests = selectors.contests_visible_to(request.user)
    if structure:
        contests = selectors.with_structure(contests)
    return get_object_or_404(contests, pk=pk)
