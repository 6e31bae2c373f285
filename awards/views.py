"""Web pages of the awards: the organisers' choice of winners, the public results, diplomas."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from applications.models import Application
from awards import diplomas, selectors, services
from awards.forms import CitationForm, NoteForm, ProposeForm, SettingsForm, VerifyForm
from awards.models import CHOOSING_STATES, Decision, Diploma
from contests.models import Contest
from core.exceptions import TransitionRefused

STEPS = {"decide": services.decide, "announce": services.announce}
DECISION_STEPS = {
    "approve": (services.approve, "awards.approve_decision"),
    "withdraw": (services.withdraw, "awards.withdraw_decision"),
}


def _choosing_contest(request: HttpRequest, pk: int, perm: str = "awards.view_decisions") -> Contest:
    """404 unless the user organises the contest or chairs its jury; 403 without `perm`."""
    contest = get_object_or_404(selectors.contests_choosing_for(request.user), pk=pk)
    if not request.user.has_perm(perm, contest):
        raise PermissionDenied(_("You may not do this."))
    return contest


def _refused(request: HttpRequest, error: Exception) -> None:
    if isinstance(error, TransitionRefused):
        reasons = error.reasons
    elif isinstance(error, ValidationError):
        reasons = error.messages
    elif isinstance(error, ConcurrentTransition):
        reasons = [_("Someone changed this at the same moment. Reload and try again.")]
    else:
        reasons = [_("This step is not possible from the current state. Reload the page and check.")]
    for reason in reasons:
        messages.error(request, reason)


@login_required
@require_GET
def organise(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _choosing_contest(request, pk)
    candidates = selectors.candidates(contest)
    decisions = list(
        selectors.live_decisions(contest).select_related(
            "application__organisation", "nomination", "proposed_by", "approved_by"
        )
    )
    by_nomination = []
    for nomination in contest.nominations.order_by("order", "pk"):
        rows = [c for c in candidates if c.row.nomination_id == nomination.pk]
        taken = sum(1 for d in decisions if d.nomination_id == nomination.pk)
        by_nomination.append({"nomination": nomination, "rows": rows, "taken": taken})
    return render(
        request,
        "awards/organise.html",
        {
            "contest": contest,
            "nominations": by_nomination,
            "decisions": decisions,
            "taken": len(decisions),
            "choosing": contest.state in CHOOSING_STATES,
            "can_propose": request.user.has_perm("awards.propose_winner", contest),
            "can_step": request.user.has_perm("contests.decide_contest", contest),
            "settings_form": SettingsForm(instance=services.settings_of(contest)),
            "round": selectors.latest_round(contest),
        },
    )


@login_required
@require_POST
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _choosing_contest(request, pk, "awards.propose_winner")
    form = ProposeForm(request.POST)
    if form.is_valid():
        application = get_object_or_404(Application, pk=form.cleaned_data["application"], contest=contest)
        try:
            services.propose(
                application,
                by=request.user,
                reason=form.cleaned_data["reason"],
                citation=form.cleaned_data["citation"],
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Proposed. Another organiser or the jury chair approves it."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("awards:organise", pk=contest.pk)


def _decision(request: HttpRequest, pk: int) -> Decision:
    return get_object_or_404(
        selectors.decisions_visible_to(request.user).select_related("contest", "proposed_by"), pk=pk
    )


@login_required
@require_POST
def decision_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in DECISION_STEPS:
        raise Http404
    decision = _decision(request, pk)
    service, perm = DECISION_STEPS[name]
    if not request.user.has_perm(perm, decision):
        raise PermissionDenied(_("You may not do this."))
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        service(decision, by=request.user, note=note)
    except (TransitionRefused, TransitionNotAllowed, ConcurrentTransition) as error:
        _refused(request, error)
    else:
        messages.success(request, _("Done."))
    return redirect("awards:organise", pk=decision.contest_id)


@login_required
@require_POST
def citation(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    if not request.user.has_perm("awards.change_decision", decision):
        raise PermissionDenied(_("You may not do this."))
    form = CitationForm(request.POST, instance=decision)
    if form.is_valid():
        try:
            services.update_citation(decision, citation=form.cleaned_data["citation"])
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("The citation is saved."))
    return redirect("awards:organise", pk=decision.contest_id)


@login_required
@require_POST
def award_settings(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _choosing_contest(request, pk, "awards.change_award_settings")
    form = SettingsForm(request.POST, instance=services.settings_of(contest))
    if form.is_valid():
        try:
            services.update_settings(contest, **form.cleaned_data)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("The settings are saved."))
    return redirect("awards:organise", pk=contest.pk)


@login_required
@require_POST
def step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in STEPS:
        raise Http404
    contest = _choosing_contest(request, pk, f"contests.{name}_contest")
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        STEPS[name](contest, by=request.user, note=note)
    except (TransitionRefused, TransitionNotAllowed, ConcurrentTransition) as error:
        _refused(request, error)
    else:
        contest.refresh_from_db()
        messages.success(
            request, _("Done. The contest is now: %(state)s.") % {"state": contest.get_state_display()}
        )
    return redirect("awards:organise", pk=contest.pk)


# --- public -------------------------------------------------------------------------------------


@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """Nothing before the announcement: the page does not exist until then."""
    contest = get_object_or_404(selectors.announced_contests(), pk=pk)
    mine = {d.decision_id: d for d in selectors.diplomas_of(request.user, contest)}
    can_download_all = request.user.has_perm("awards.propose_winner", contest)
    nominations = []
    for nomination, winners in selectors.winners_by_nomination(contest):
        for winner in winners:
            winner.downloadable = can_download_all or winner.pk in mine
        nominations.append((nomination, winners))
    return render(
        request,
        "awards/results.html",
        {
            "contest": contest,
            "nominations": nominations,
            "published": getattr(contest, "published_results", None),
        },
    )


@require_GET
def results_file(request: HttpRequest, pk: int) -> FileResponse:
    contest = get_object_or_404(selectors.announced_contests().select_related("published_results"), pk=pk)
    published = getattr(contest, "published_results", None)
    if published is None:
        raise Http404
    return FileResponse(
        published.file.open("rb"),
        as_attachment=True,
        filename=f"results-{contest.pk}.json",
        content_type="application/json",
    )


@login_required
@require_GET
def diploma(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF, to the winner's organisation and the organisers; 404 to anyone else."""
    found = get_object_or_404(
        Diploma.objects.select_related("decision__contest", "decision__application__organisation"),
        pk=pk,
        decision__contest__state__in=selectors.RESULT_STATES,
    )
    if not request.user.has_perm("awards.download_diploma", found):
        raise Http404
    response = HttpResponse(diplomas.pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="diploma-{found.code}.pdf"'
    return response


@require_GET
def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Anyone checks a diploma by its code; an unknown code is told so, on the same page."""
    form = VerifyForm(request.GET or None, initial={"code": code})
    asked = code or (form.cleaned_data["code"] if form.is_valid() else "")
    found = selectors.diploma_by_code(asked) if asked else None
    return render(request, "awards/verify.html", {"form": form, "asked": asked, "diploma": found})
