"""Web pages of the awards: the organisers' choice of winners, the public results, diplomas.
The steps (a decision's approval or withdrawal, the contest's decision and announcement) are the
catalogues' (awards.steps), run by core.web; every refusal is shown by core.web's one helper."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from applications.models import Application
from awards import diplomas, selectors, services
from awards.forms import CitationForm, ProposeForm, SettingsForm, VerifyForm
from awards.models import CHOOSING_STATES, Decision, Diploma
from contests.models import Contest
from core.web import REFUSALS, step_view, tell_refused

# The contest's steps the awards own (registered on contests.steps.CONTEST by awards.steps).
CONTEST_STEPS = ("decide", "announce")


def _choosing_contest(request: HttpRequest, pk: int, perm: str = "awards.view_decisions") -> Contest:
    """404 unless the user organises the contest or chairs its jury; 403 without `perm`."""
    contest = get_object_or_404(selectors.contests_choosing_for(request.user), pk=pk)
    if not request.user.has_perm(perm, contest):
        raise PermissionDenied(_("You may not do this."))
    return contest


def _organise_url(contest_id: int) -> str:
    return reverse("awards:organise", args=[contest_id])


@login_required
@require_safe
def organise(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _choosing_contest(request, pk)
    candidates = selectors.candidates(contest)
    decisions = list(
        selectors.live_decisions(contest).select_related(
            "application__organisation", "nomination", "proposed_by", "approved_by"
        )
    )
    # `{% steps decision %}` asks about each decision's contest and its roles: loaded once.
    prefetch_related_objects([contest], "roles")
    for decision in decisions:
        decision.contest = contest
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
        except REFUSALS as error:
            tell_refused(request, error)
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


# A decision's steps (awards.steps.DECISION: approve, withdraw), back to the awards page.
decision_step = step_view(_decision, lambda decision: _organise_url(decision.contest_id))


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
        except REFUSALS as error:
            tell_refused(request, error)
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
        except REFUSALS as error:
            tell_refused(request, error)
        else:
            messages.success(request, _("The settings are saved."))
    return redirect("awards:organise", pk=contest.pk)


_contest_step = step_view(_choosing_contest, lambda contest: _organise_url(contest.pk))


def step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """The contest's decision and announcement from the awards page (the contest's other steps
    are on its own page): the catalogue's steps, back to the awards page."""
    if name not in CONTEST_STEPS:
        raise Http404
    return _contest_step(request, pk, name)


# --- public -------------------------------------------------------------------------------------


@require_safe
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
            "special_awards": selectors.special_awards_of(contest),
        },
    )


@require_safe
def how_to_verify(request: HttpRequest) -> HttpResponse:
    """For the curious and for auditors: how a published ranking is checked, with the command."""
    return render(request, "awards/how_to_verify.html")


@require_safe
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
@require_safe
def diploma(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF (any kind), to its holder and the organisers; 404 to anyone else."""
    found = get_object_or_404(
        Diploma.objects.select_related("contest", "application__organisation", "juror"),
        pk=pk,
        contest__state__in=selectors.RESULT_STATES,
    )
    if not request.user.has_perm("awards.download_diploma", found):
        raise Http404
    response = HttpResponse(diplomas.pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.kind}-{found.code}.pdf"'
    return response


@require_safe
def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Anyone checks a diploma by its code; an unknown code is told so, on the same page."""
    form = VerifyForm(request.GET or None, initial={"code": code})
    asked = code or (form.cleaned_data["code"] if form.is_valid() else "")
    found = selectors.diploma_by_code(asked) if asked else None
    return render(request, "awards/verify.html", {"form": form, "asked": asked, "diploma": found})
