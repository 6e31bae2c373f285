"""The organiser's jury page of a contest: jurors, rounds and their steps, automatic and manual
assignment, recusal and the conflicts of interest. Every write goes through review.services; a
round's steps are the catalogue's (review.steps.ROUND), run by core.web, and every refusal is shown
by core.web's one helper."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, Q, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from applications.models import Application
from contests.models import Contest
from core.web import REFUSALS, add_errors, step_view, tell_refused
from review import services
from review.forms import (
    AssignApplicationForm,
    AssignJurorForm,
    JurorForm,
    RecuseForm,
    RoundForm,
)
from review.models import Conflict, Juror, OrganisationConflict, Review, Round
from review.pages import organised_contest, round_for
from review.selectors import REVIEWABLE_STATES, round_applications


def _jury_url(contest: Contest, round_: Round | None = None) -> str:
    url = reverse("review:jury", args=[contest.pk])
    return f"{url}?round={round_.pk}#assignment" if round_ is not None else url


def _chosen_round(request: HttpRequest, rounds: list[Round]) -> Round | None:
    wanted = request.GET.get("round", "")
    for round_ in rounds:
        if str(round_.pk) == wanted:
            return round_
    open_rounds = [r for r in rounds if r.is_open]
    return open_rounds[0] if open_rounds else (rounds[-1] if rounds else None)


def _jurors(contest: Contest):
    return contest.jurors.select_related("user").order_by("user__full_name", "pk")


def _assignable(round_: Round):
    return round_applications(round_).order_by("number", "pk")


def _contest_applications(contest: Contest):
    return Application.objects.filter(contest=contest, state__in=REVIEWABLE_STATES).order_by("number", "pk")


def _jury_page(request: HttpRequest, contest: Contest, *, status: int = 200, **forms) -> HttpResponse:
    rounds = list(contest.review_rounds.order_by("number"))
    chosen = _chosen_round(request, rounds)
    if "round" in forms:
        chosen = forms.pop("round")
    jurors = (
        _jurors(contest)
        .prefetch_related("nominations", "expertise")
        .annotate(live=Count("reviews", filter=Q(reviews__state__in=Review.LIVE_STATES)))
    )
    context = {
        "contest": contest,
        "jurors": jurors,
        "juror_form": forms.get("juror_form") or JurorForm(contest=contest),
        "rounds": rounds,
        "round_form": forms.get("round_form") or RoundForm(contest=contest),
        "chosen": chosen,
        "conflicts": Conflict.objects.filter(juror__contest=contest)
        .select_related("juror__user", "application", "recorded_by")
        .order_by("application__number", "pk"),
        # Declared conflicts with organisations, those awaiting a decision first.
        "declarations": OrganisationConflict.objects.filter(juror__contest=contest)
        .select_related("juror__user", "juror__contest", "organisation", "decided_by")
        .order_by(
            Case(When(state=OrganisationConflict.State.PENDING, then=0), default=1), "-created_at", "-pk"
        ),
        "recuse_form": forms.get("recuse_form")
        or RecuseForm(jurors=_jurors(contest), applications=_contest_applications(contest)),
        "can_create_round": not contest.is_finished,
        "chosen_closed": chosen is not None and chosen.state == Round.State.CLOSED,
    }
    if chosen is not None and chosen.state != Round.State.CLOSED:
        context["assign_juror_form"] = forms.get("assign_juror_form") or AssignJurorForm(
            jurors=_jurors(contest), applications=_assignable(chosen), prefix="by-juror"
        )
        context["assign_application_form"] = forms.get("assign_application_form") or AssignApplicationForm(
            jurors=_jurors(contest), applications=_assignable(chosen), prefix="by-application"
        )
    return render(request, "review/jury.html", context, status=status)


@login_required
@require_safe
def jury(request: HttpRequest, pk: int) -> HttpResponse:
    return _jury_page(request, organised_contest(request, pk))


# --- jurors -------------------------------------------------------------------------------------


@login_required
@require_POST
def juror_add(request: HttpRequest, pk: int) -> HttpResponse:
    contest = organised_contest(request, pk)
    form = JurorForm(request.POST, contest=contest)
    if form.is_valid():
        data = form.cleaned_data
        try:
            juror = services.add_juror(
                contest,
                user=form.user,
                by=request.user,
                nominations=data["nominations"],
                expertise=data.get("expertise") or (),
                region=data["region"],
                max_load=data["max_load"],
                chair=data["chair"],
            )
        except REFUSALS as error:
            add_errors(form, error)
        else:
            messages.success(request, _("%(name)s is on the jury.") % {"name": juror.user.display_name})
            return redirect(_jury_url(contest) + "#jurors")
    return _jury_page(request, contest, juror_form=form)


@login_required
@require_POST
def juror_remove(request: HttpRequest, pk: int, juror_pk: int) -> HttpResponse:
    contest = organised_contest(request, pk)
    juror = get_object_or_404(Juror.objects.filter(contest=contest).select_related("user"), pk=juror_pk)
    try:
        services.remove_juror(juror, by=request.user)
    except REFUSALS as error:
        tell_refused(request, error)
    else:
        messages.success(request, _("%(name)s left the jury.") % {"name": juror.user.display_name})
    return redirect(_jury_url(contest) + "#jurors")


# --- rounds -------------------------------------------------------------------------------------


@login_required
@require_POST
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    contest = organised_contest(request, pk)
    form = RoundForm(request.POST, contest=contest)
    if form.is_valid():
        try:
            round_ = services.create_round(contest, by=request.user, **form.service_fields())
        except REFUSALS as error:
            add_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” was planned.") % {"title": round_.title})
            return redirect(_jury_url(contest, round_))
    return _jury_page(request, contest, round_form=form)


# A round's steps (open, close: the buttons `{% steps round %}` renders), back to its assignment.
round_step = step_view(round_for, lambda round_: _jury_url(round_.contest, round_))


# --- assignment ---------------------------------------------------------------------------------


def report_message(report) -> str:
    return _(
        "Assigned %(created)s reviews; %(unfilled)s places left unfilled. Load per juror from %(low)s to "
        "%(high)s (spread %(spread)s). Match of expertise %(affinity)s of at most %(bound)s."
    ) % {
        "created": report.created,
        "unfilled": report.unfilled,
        "low": report.load_min,
        "high": report.load_max,
        "spread": report.load_spread,
        "affinity": report.affinity,
        "bound": report.affinity_bound,
    }


@login_required
@require_POST
def auto_assign(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    if round_.state == Round.State.CLOSED:
        messages.error(request, _("This round is closed."))
    else:
        try:
            report = services.auto_assign_and_notify(round_, by=request.user)
        except REFUSALS as error:
            tell_refused(request, error)
        else:
            (messages.warning if report.unfilled else messages.success)(request, report_message(report))
    return redirect(_jury_url(round_.contest, round_))


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Manual assignment: one juror to applications ("by-juror") or one application to jurors."""
    round_ = round_for(request, pk)
    contest = round_.contest
    if round_.state == Round.State.CLOSED:
        messages.error(request, _("This round is closed."))
        return redirect(_jury_url(contest, round_))
    by_juror = request.POST.get("direction") != "application"
    options = {"jurors": _jurors(contest), "applications": _assignable(round_)}
    if by_juror:
        form = AssignJurorForm(request.POST, prefix="by-juror", **options)
        name = "assign_juror_form"
    else:
        form = AssignApplicationForm(request.POST, prefix="by-application", **options)
        name = "assign_application_form"
    if form.is_valid():
        data = form.cleaned_data
        if by_juror:
            pairs = [(data["juror"], application) for application in data["applications"]]
        else:
            pairs = [(juror, data["application"]) for juror in data["jurors"]]
        try:
            made = services.assign(round_, pairs, by=request.user)
        except REFUSALS as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(count)s new reviews assigned; pairs already assigned were left as they were.")
                % {"count": len(made)},
            )
            return redirect(_jury_url(contest, round_))
    return _jury_page(request, contest, round=round_, **{name: form})


@login_required
@require_POST
def recuse(request: HttpRequest, pk: int) -> HttpResponse:
    contest = organised_contest(request, pk)
    form = RecuseForm(request.POST, jurors=_jurors(contest), applications=_contest_applications(contest))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.recuse(data["juror"], data["application"], by=request.user, reason=data["reason"])
        except REFUSALS as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was recused from application %(number)s.")
                % {"name": data["juror"].user.display_name, "number": data["application"].number},
            )
            return redirect(_jury_url(contest) + "#conflicts")
    return _jury_page(request, contest, recuse_form=form)
