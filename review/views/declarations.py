"""Conflicts of interest declared with a whole organisation: the juror's page (declare one, see
theirs and the organisers' answers) and the organisers' steps on a declaration (accept, reject:
review.steps.ORGANISATION_CONFLICT, run by core.web; the list is on the contest's jury page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from contests.models import Contest
from core.web import REFUSALS, add_errors, step_view
from review import services
from review.forms import DeclarationForm
from review.models import Juror, OrganisationConflict
from review.selectors import organisation_conflicts_visible_to

FINISHED = (Contest.State.ANNOUNCED, Contest.State.ARCHIVED, Contest.State.CANCELLED)


def _seats(request: HttpRequest):
    """The person's seats on juries of contests still running."""
    return (
        Juror.objects.filter(user=request.user)
        .exclude(contest__state__in=FINISHED)
        .select_related("contest")
        .order_by("contest__title", "pk")
    )


@login_required
def declarations(request: HttpRequest) -> HttpResponse:
    """GET: the juror's declarations and the form. POST: declare one."""
    seats = _seats(request)
    form = DeclarationForm(request.POST or None, seats=seats)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            juror = data["seat"]
            if not request.user.has_perm("review.declare_organisation_conflict", juror):
                raise PermissionDenied
            try:
                services.declare_organisation_conflict(
                    juror, organisation=data["organisation"], note=data["note"], by=request.user
                )
            except REFUSALS as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Your conflict of interest with %(organisation)s is recorded: no application of it "
                        "will be assigned to you. The organisers were told and will review it."
                    )
                    % {"organisation": data["organisation"].name},
                )
                return redirect(reverse("review:declarations"))
        status = 400
    own = (
        OrganisationConflict.objects.filter(juror__user=request.user)
        .select_related("juror__contest", "organisation")
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "review/declarations.html",
        {"form": form, "seats": seats, "declarations": own},
        status=status,
    )


def declaration_for(request: HttpRequest, pk: int) -> OrganisationConflict:
    """A declaration the person may see (theirs, or of their contest's jury); else 404."""
    return get_object_or_404(
        organisation_conflicts_visible_to(request.user).select_related(
            "juror__contest", "juror__user", "organisation"
        ),
        pk=pk,
    )


def _back(declaration: OrganisationConflict) -> str:
    return reverse("review:jury", args=[declaration.juror.contest_id]) + "#declarations"


# The organisers' steps on a declaration (accept, reject: the buttons `{% steps declaration %}`
# renders on the jury page).
organisation_conflict_step = step_view(declaration_for, _back)
