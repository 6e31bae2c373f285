"""The organiser's workshop: their contests, creating and editing one, running its steps."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from contests import selectors, services
from contests.forms import (
    ContestForm,
    TransitionForm,
    add_service_errors,
)
from contests.models import Contest, ContestRole
from contests.views.access import contest_for
from contests.views.parts import PARTS, parts_section
from core.exceptions import TransitionRefused
from core.fsm import history_rows, transitions_from_state

# What each transition's button says, and a line explaining it.
STEP_LABELS = {
    "publish": (gettext_lazy("Publish the call"), gettext_lazy("Make the call public.")),
    "close": (
        gettext_lazy("Close the call"),
        gettext_lazy("Stop accepting applications and start screening."),
    ),
    "start_review": (gettext_lazy("Start the review"), gettext_lazy("Hand the applications to the jury.")),
    "decide": (gettext_lazy("Record the decision"), gettext_lazy("The winners are chosen, not yet public.")),
    "announce": (gettext_lazy("Announce the results"), gettext_lazy("Make the results public.")),
    "archive": (gettext_lazy("Archive"), gettext_lazy("Keep the contest for reference only.")),
    "cancel": (
        gettext_lazy("Cancel the contest"),
        gettext_lazy("Stop the contest for good. Give the reason in the note."),
    ),
}


# --- organiser pages ---------------------------------------------------------------------


@login_required
@require_GET
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
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contest was created as a draft."))
            return redirect("contests:manage", pk=contest.pk)
    return render(request, "contests/contest_form.html", {"form": form, "contest": None})


@login_required
def contest_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contest = contest_for(request, pk)
    editable = Contest.objects.get(pk=contest.pk)  # the form changes its instance while validating
    form = ContestForm(request.POST or None, request.FILES or None, instance=editable)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contest(editable, classifiers=form.chosen_classifiers(), **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contest was saved."))
            return redirect("contests:manage", pk=contest.pk)
    return render(request, "contests/contest_form.html", {"form": form, "contest": contest})


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


@dataclass
class Step:
    name: str
    label: str
    help: str
    form: TransitionForm


def _steps(request: HttpRequest, contest: Contest) -> list[Step]:
    steps = []
    for name in transitions_from_state(contest):
        if name in services.TRANSITION_SERVICES and request.user.has_perm(
            f"contests.{name}_contest", contest
        ):
            label, help_text = STEP_LABELS.get(name, (name, ""))
            form = TransitionForm(prefix=name)
            if name != "close":
                del form.fields["force"]
            steps.append(Step(name, str(label), str(help_text), form))
    steps.sort(key=lambda step: step.name == "cancel")  # the destructive step comes last
    return steps


@login_required
@require_GET
def contest_manage(request: HttpRequest, pk: int) -> HttpResponse:
    contest = contest_for(request, pk)
    return render(
        request,
        "contests/manage.html",
        {
            "contest": contest,
            "sections": [parts_section(contest, kind) for kind in PARTS],
            "steps": _steps(request, contest),
            "can_clone": request.user.has_perm("contests.clone_contest", contest),
            "history": history_rows(contest),
            "publish_problems": contest.publish_problems() if contest.state == Contest.State.DRAFT else [],
        },
    )


@login_required
@require_POST
def contest_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in services.TRANSITION_SERVICES:
        raise Http404
    contest = contest_for(request, pk, perm=f"contests.{name}_contest")
    form = TransitionForm(request.POST, prefix=name)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("contests:manage", pk=pk)
    kwargs = {"by": request.user, "note": form.cleaned_data["note"]}
    if name == "close":
        kwargs["force"] = form.cleaned_data["force"]
    label = STEP_LABELS.get(name, (name, ""))[0]
    try:
        services.TRANSITION_SERVICES[name](contest, **kwargs)
    except TransitionRefused as refused:
        messages.error(request, _("“%(step)s” was refused:") % {"step": label})
        for reason in refused.reasons:
            messages.error(request, reason)
    except TransitionNotAllowed:
        messages.error(
            request,
            _("“%(step)s” is not possible in the contest's current state. Reload the page and check.")
            % {"step": label},
        )
    except ConcurrentTransition:
        messages.error(request, _("Someone changed this contest at the same moment. Reload and try again."))
    else:
        contest = Contest.objects.get(pk=pk)
        messages.success(
            request, _("Done. The contest is now: %(state)s.") % {"state": contest.get_state_display()}
        )
    return redirect("contests:manage", pk=pk)


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
