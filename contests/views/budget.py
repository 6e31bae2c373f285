"""The grant budget: open to organisers and grant officers until the contest is archived."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from contests import services
from contests.forms import GrantBudgetForm
from contests.views.access import contest_for
from core import versioning
from core.web import add_errors


def _back(request: HttpRequest, contest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return reverse("contests:detail", args=[contest.pk])


@login_required
def grant_budget(request: HttpRequest, pk: int) -> HttpResponse:
    """A small form (on the contest's organiser page and the grants dashboard) posts here; on a
    refusal this page shows it with the field error and the amount typed."""
    contest = contest_for(request, pk, perm="contests.change_grant_budget")
    form = GrantBudgetForm(request.POST or None, initial={"grant_budget": contest.grant_budget})
    if request.method == "POST" and form.is_valid():
        try:
            with versioning.editing_as(request.user):
                services.set_grant_budget(contest, amount=form.cleaned_data["grant_budget"], by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The grant budget was saved."))
            return redirect(_back(request, contest))
    return render(
        request,
        "contests/grant_budget.html",
        {
            "contest": contest,
            "form": form,
            "next": _back(request, contest),
            "problems": services.grant_budget_problems(contest),
        },
        status=400 if form.errors else 200,
    )
