"""The organiser's shortlist of a later round: the page of one round's shortlist (add the top N
per nomination of an earlier round, pick applications by hand with a reason, take one off with
a reason, confirm it), and the ranking page's own forms that fill a later round's shortlist.
Every write goes through review.services; a refusal is shown with core.web's helpers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from applications.models import Application
from core.web import REFUSALS, add_errors, tell_refused
from review import services
from review.forms import RankingShortlistForm, ShortlistPickForm, ShortlistRemoveForm, ShortlistTopForm
from review.models import Round
from review.pages import round_for
from review.selectors import REVIEWABLE_STATES, shortlist_entries


def _sources(round_: Round):
    return round_.contest.review_rounds.filter(number__lt=round_.number).order_by("-number")


def _pickable(round_: Round):
    return (
        Application.objects.filter(contest_id=round_.contest_id, state__in=REVIEWABLE_STATES)
        .exclude(pk__in=round_.shortlist.values("pk"))
        .order_by("number", "pk")
    )


def shortlist_targets(source: Round):
    """Later rounds of the contest whose shortlist can still change."""
    return source.contest.review_rounds.filter(
        number__gt=source.number, state=Round.State.PLANNED, shortlist_confirmed_at__isnull=True
    ).order_by("number")


def added_message(count: int) -> str:
    if not count:
        return _("Every one of these is on the shortlist already: nothing changed.")
    return ngettext(
        "%(count)s application was put on the shortlist.",
        "%(count)s applications were put on the shortlist.",
        count,
    ) % {"count": count}


def _page(request: HttpRequest, round_: Round, *, status: int = 200, **forms) -> HttpResponse:
    entries = list(shortlist_entries(round_))
    may_change = not round_.shortlist_problems()
    sources = _sources(round_)
    return render(
        request,
        "review/shortlist.html",
        {
            "round": round_,
            "contest": round_.contest,
            "entries": [e for e in entries if e.removed_at is None],
            "removed": [e for e in entries if e.removed_at is not None],
            "may_change": may_change,
            "why_not": round_.shortlist_problems(),
            "left_off": services.left_off_shortlist(round_).count(),
            "top_form": forms.get("top_form") or ShortlistTopForm(sources=sources),
            "pick_form": forms.get("pick_form") or ShortlistPickForm(applications=_pickable(round_)),
            "has_sources": sources.exists(),
        },
        status=status,
    )


def _back(round_: Round) -> HttpResponse:
    return redirect(reverse("review:shortlist", args=[round_.pk]))


@login_required
@require_safe
def shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, round_for(request, pk))


@login_required
@require_POST
def shortlist_top(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    form = ShortlistTopForm(request.POST, sources=_sources(round_))
    if form.is_valid():
        try:
            added = services.shortlist_top(
                round_,
                source=form.cleaned_data["source_round"],
                per_nomination=form.cleaned_data["top_per_nomination"],
                by=request.user,
            )
        except REFUSALS as error:
            add_errors(form, error)
        else:
            messages.success(request, added_message(len(added)))
            return _back(round_)
    return _page(request, round_, top_form=form, status=400)


@login_required
@require_POST
def shortlist_pick(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    form = ShortlistPickForm(request.POST, applications=_pickable(round_))
    if form.is_valid():
        try:
            added = services.shortlist_pick(
                round_, form.cleaned_data["applications"], reason=form.cleaned_data["reason"], by=request.user
            )
        except REFUSALS as error:
            add_errors(form, error)
        else:
            messages.success(request, added_message(len(added)))
            return _back(round_)
    return _page(request, round_, pick_form=form, status=400)


@login_required
@require_POST
def shortlist_remove(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    form = ShortlistRemoveForm(request.POST, applications=round_.shortlist)
    if not form.is_valid():
        if "reason" in form.errors:
            messages.error(request, _("Give the reason for taking the application off the shortlist."))
        if "application" in form.errors:
            messages.error(request, _("This application is not on the shortlist."))
        return _back(round_)
    application = form.cleaned_data["application"]
    try:
        services.shortlist_remove(round_, application, reason=form.cleaned_data["reason"], by=request.user)
    except REFUSALS as error:
        tell_refused(request, error)
    else:
        messages.success(
            request,
            _("Application %(number)s was taken off the shortlist.") % {"number": application.number},
        )
    return _back(round_)


@login_required
@require_POST
def shortlist_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    try:
        told = services.confirm_shortlist(round_, by=request.user)
    except REFUSALS as error:
        tell_refused(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "The shortlist is confirmed; the applicants of %(count)s application left off it were told.",
                "The shortlist is confirmed; the applicants of %(count)s applications left off it were told.",
                told,
            )
            % {"count": told},
        )
    return _back(round_)


@login_required
@require_POST
def from_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranking page's forms: `pk` is the ranked (source) round; the target is chosen."""
    from review.views.results import ranking_page_response

    source = round_for(request, pk)
    mode = "pick" if request.POST.get("mode") == "pick" else "top"
    form = RankingShortlistForm(
        request.POST,
        targets=shortlist_targets(source),
        applications=Application.objects.filter(contest_id=source.contest_id),
        mode=mode,
        prefix=mode,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if mode == "top":
                added = services.shortlist_top(
                    data["target"], source=source, per_nomination=data["top_per_nomination"], by=request.user
                )
            else:
                added = services.shortlist_pick(
                    data["target"],
                    data["applications"],
                    reason=data["reason"],
                    by=request.user,
                    source=source,
                )
        except REFUSALS as error:
            add_errors(form, error)
        else:
            messages.success(request, added_message(len(added)))
            return redirect(reverse("review:shortlist", args=[data["target"].pk]))
    return ranking_page_response(request, source, shortlist_form=form, status=400)
