"""The organiser's workshop: their contests, creating and editing one, running its steps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from contests import selectors, services
from contests.forms import (
    ContestForm,
)
from contests.models import Contest, ContestRole
from contests.navigation import contest_links
from contests.views.access import contest_for, visible_contest
from contests.views.parts import PARTS, parts_section
from core import versioning
from core.fsm import history_rows
from core.web import add_errors, step_view

# --- organiser pages ---------------------------------------------------------------------


@login_required
@require_safe
def organise(request: HttpRequest) -> HttpResponse:
    contests = (
        selectors.contests_organised_by(request.user)
        .prefetch_related(Prefetch("roles", queryset=ContestRole.objects.all()))
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "contests/organise.html",
        {"contests": contests, "can_add": request.user.has_perm("contests.add_contest")},
    )


@login_required
def contest_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("contests.add_contest"):
        raise PermissionDenied(_("You may not create contests."))
    form = ContestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            contest = services.create_contest(
                by=request.user, classifiers=form.chosen_classifiers() or (), **form.service_fields()
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The contest was created as a draft."))
            return redirect("contests:manage", pk=contest.pk)
    return render(request, "contests/contest_form.html", {"form": form, "contest": None})


@login_required
def contest_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contest = contest_for(request, pk)
    editable = Contest.objects.get(pk=contest.pk)  # the form changes its instance while validating
    form = ContestForm(request.POST or None, request.FILES or None, instance=editable)
    version = contest.version
    if request.method == "POST" and form.is_valid():
        try:
            with versioning.editing_as(request.user):  # who saved it, for the next stale form
                services.update_contest(
                    editable,
                    classifiers=form.chosen_classifiers(),
                    version=versioning.parse_version(request.POST.get("version")),
                    **form.service_fields(),
                )
        except ValidationError as error:
            add_errors(form, error)
        except versioning.StaleVersion as stale:  # the input stays in the form; saving again is deliberate
            form.add_error(None, _stale_message(contest, form, stale))
        else:
            messages.success(request, _("The contest was saved."))
            return redirect("contests:manage", pk=contest.pk)
    return render(
        request, "contests/contest_form.html", {"form": form, "contest": contest, "version": version}
    )


def _stale_message(contest: Contest, form: ContestForm, stale: versioning.StaleVersion) -> str:
    labels = [str(form.fields[name].label) if name in form.fields else name for name in stale.changed]
    who, when = contest.change_of(stale.changed[0]) if stale.changed else ("", None)
    return _(
        "Someone saved this contest after you opened this page (%(who)s, %(when)s): %(fields)s. Nothing "
        "was overwritten and your input is kept below; compare it with the contest's page and save again "
        "to keep yours."
    ) % {
        "who": who or _("someone"),
        "when": contest.moment_label(when) if when else "",
        "fields": ", ".join(labels) or _("its settings"),
    }


@login_required
def contest_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contest = contest_for(request, pk)
    if request.method == "POST":
        try:
            services.delete_contest(contest)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("contests:manage", pk=pk)
        messages.success(request, _("The draft was deleted."))
        return redirect("contests:organise")
    return render(request, "contests/contest_delete.html", {"contest": contest})


@login_required
@require_safe
def contest_manage(request: HttpRequest, pk: int) -> HttpResponse:
    contest = contest_for(request, pk)
    return render(
        request,
        "contests/manage.html",
        {
            "contest": contest,
            "sections": [parts_section(contest, kind) for kind in PARTS],
            "links": contest_links(request.user, contest),
            "can_delete": contest.is_draft and request.user.has_perm("contests.change_contest", contest),
            "can_clone": request.user.has_perm("contests.clone_contest", contest),
            "history": history_rows(contest),
            "publish_problems": contest.publish_problems() if contest.is_draft else [],
        },
    )


# Every step of the contest, its own and those higher apps registered (core.steps).
contest_transition = step_view(visible_contest, lambda contest: reverse("contests:manage", args=[contest.pk]))


# --- ready-made questions ------------------------------------------------------------------


@login_required
@require_POST
def add_case_structure(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the case-structure questions (problem, solution, results…) the form lacks."""
    contest = contest_for(request, pk)
    try:
        added = services.add_case_structure(contest, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if added:
            messages.success(
                request,
                ngettext(
                    "%(count)d question of the case structure was added.",
                    "%(count)d questions of the case structure were added.",
                    len(added),
                )
                % {"count": len(added)},
            )
        else:
            messages.info(request, _("The form already has every question of the case structure."))
    return redirect(reverse("contests:manage", args=[pk]) + "#form-fields")
