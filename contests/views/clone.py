"""Next year's contest from this year's: a new draft with the same structure, dates moved on."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from contests import services
from contests.forms import CloneForm
from contests.views.access import contest_for
from core.web import add_errors


@login_required
def contest_clone(request: HttpRequest, pk: int) -> HttpResponse:
    source = contest_for(request, pk, perm="contests.clone_contest")
    form = CloneForm(request.POST or None, initial={"title": services.suggested_title(source)})
    if request.method == "POST" and form.is_valid():
        try:
            contest = services.clone_contest(
                source,
                by=request.user,
                title=form.chosen_title(),
                shift_years=form.cleaned_data["shift_years"],
                include_jury=form.cleaned_data["include_jury"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(title)s” was created as a draft from “%(source)s”. Check it before publishing.")
                % {"title": contest.title, "source": source.title},
            )
            return redirect("contests:manage", pk=contest.pk)
    return render(request, "contests/contest_clone.html", {"form": form, "contest": source})
