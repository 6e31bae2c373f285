"""The organiser's ranking of a round: the table (filters by nomination and method), one
application's breakdown with the jury's notes and the consensus note, and the score exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from applications.models import Application
from core import formats
from core.web import REFUSALS, add_errors
from review import services, uncertainty
from review.exports import scores_csv_response, scores_xlsx_response
from review.forms import ConsensusForm, RankingFilterForm, RankingShortlistForm
from review.models import Round
from review.pages import round_for
from review.ranking import breakdown as breakdown_of
from review.ranking import rank, ranking_page
from review.selectors import jury_notes, round_criteria
from review.uncertainty_chart import interval_chart

PER_PAGE = 50


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


def _parameters(round_: Round, ranking, criteria) -> list[tuple[str, str]]:
    """The method's parameters as (label, value) lines for the page."""
    weights = ranking.parameters.get("criteria", {})
    lines = [
        (_("Method"), Round.Method(ranking.method).label),
        (
            _("Scale of the totals"),
            _("%(low)s to %(high)s")
            % {"low": formats.number(ranking.scale[0]), "high": formats.number(ranking.scale[1])},
        ),
        (
            _("Weights"),
            "; ".join(f"{c.title}: {formats.number(weights.get(c.pk, c.weight))}" for c in criteria) or "—",
        ),
    ]
    if ranking.method == Round.Method.TRIMMED:
        share = ranking.parameters.get("trim_share", float(round_.trim_share))
        lines.append((_("Share trimmed at each end"), f"{formats.number(round(share * 100, 2))} %"))
    tie_break = next((c for c in criteria if c.pk == ranking.parameters.get("tie_break_criterion_id")), None)
    lines.append((_("Ties broken by"), tie_break.title if tie_break else _("earlier submission")))
    return lines


@login_required
@require_safe
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    return ranking_page_response(request, round_for(request, pk, "review.view_ranking"))


def ranking_page_response(
    request: HttpRequest, round_: Round, *, shortlist_form=None, status: int = 200
) -> HttpResponse:
    """The ranking page; `shortlist_form`, the shortlist form sent back with its errors."""
    from review.views.shortlist import shortlist_targets

    form = RankingFilterForm(request.GET, round_=round_)
    method = nomination = None
    if form.is_valid():
        method = form.cleaned_data["method"] or None
        nomination = form.cleaned_data["nomination"]
    filters = {
        "method": method or round_.method,
        "nomination_id": nomination.pk if nomination is not None else None,
    }
    wanted = _page_number(request)
    table, rows = ranking_page(round_, page=wanted, per_page=PER_PAGE, **filters)
    page_obj = Paginator(table.rows, PER_PAGE).get_page(wanted)
    if page_obj.number != wanted:
        table, rows = ranking_page(round_, page=page_obj.number, per_page=PER_PAGE, **filters)
    figures = uncertainty.for_round(round_, filters["method"])
    criteria = list(round_criteria(round_))
    targets = (
        shortlist_targets(round_)
        if request.user.has_perm("review.manage_round", round_)
        else Round.objects.none()
    )
    query = urlencode(
        {
            k: v
            for k, v in {"method": method or "", "nomination": nomination.pk if nomination else ""}.items()
            if v
        }
    )
    return render(
        request,
        "review/ranking.html",
        {
            "round": round_,
            "contest": round_.contest,
            "form": form,
            "ranking": table,
            "rows": _with_estimates(rows, figures, table.scale),
            "uncertainty": figures,
            "pending": isinstance(figures, uncertainty.Pending),
            "fragile": _fragile(round_, figures),
            "page_obj": page_obj,
            "query": query,
            "parameters": _parameters(round_, table, criteria),
            # A later planned round's shortlist is made here, from this ranking (review.views.shortlist).
            "shortlist_targets": targets,
            **_shortlist_forms(targets, shortlist_form),
        },
        status=status,
    )


def _with_estimates(rows, figures, scale: tuple[float, float]) -> list[tuple]:
    """(row, application, estimate or None, its interval chart) per row of the page."""
    found = uncertainty.page_estimates(figures, (row for row, _application in rows))
    out = []
    for row, application in rows:
        estimate = found.get(row.application_id)
        chart = interval_chart(estimate.low, estimate.high, estimate.score, scale) if estimate else ""
        out.append((row, application, estimate, chart))
    return out


def _fragile(round_: Round, figures) -> list[str]:
    """The nominations whose winner set is not robust, by title (one query whatever the figures
    say, so the page's query count does not depend on the data)."""
    titles = dict(round_.contest.nominations.values_list("pk", "title"))
    if not isinstance(figures, uncertainty.Uncertainty):
        return []
    return [titles.get(pk, str(pk)) for pk in figures.fragile_nominations]


def _shortlist_forms(targets, sent: RankingShortlistForm | None) -> dict:
    """The ranking page's two shortlist forms (top N, ticked rows); the one sent keeps its input
    and errors, and the rows it ticked stay ticked."""
    forms = {
        f"shortlist_{mode}_form": RankingShortlistForm(
            targets=targets, applications=Application.objects.none(), mode=mode, prefix=mode
        )
        for mode in ("top", "pick")
    }
    picked: set[int] = set()
    if sent is not None:
        forms[f"shortlist_{sent.mode}_form"] = sent
        picked = {int(pk) for pk in sent.data.getlist("pick-applications") if pk.isdigit()}
    return {**forms, "picked": picked}


def _application(round_: Round, application_pk: int) -> Application:
    return get_object_or_404(
        Application.objects.filter(contest_id=round_.contest_id).select_related("nomination", "organisation"),
        pk=application_pk,
    )


def _breakdown_page(request, round_: Round, application: Application, *, form=None) -> HttpResponse:
    detail = breakdown_of(round_, application)
    row = next((r for r in rank(round_).rows if r.application_id == application.pk), None)
    notes = jury_notes(round_, application, viewer=request.user)
    consensus = next((n for n in notes if n.consensus), None)
    criteria = detail.criteria
    return render(
        request,
        "review/breakdown.html",
        {
            "round": round_,
            "contest": round_.contest,
            "application": application,
            "detail": detail,
            "row": row,
            "reviews": [
                {"review": r, "cells": [r.scores.get(c.criterion_id) for c in criteria]}
                for r in detail.reviews
            ],
            "notes": [n for n in notes if not n.consensus],
            "consensus": consensus,
            "form": form or ConsensusForm(initial={"text": consensus.text if consensus else ""}),
        },
    )


@login_required
@require_safe
def breakdown(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    round_ = round_for(request, pk, "review.view_ranking")
    return _breakdown_page(request, round_, _application(round_, application_pk))


@login_required
@require_POST
def consensus(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    application = _application(round_, application_pk)
    form = ConsensusForm(request.POST)
    if form.is_valid():
        try:
            services.set_consensus(round_, application, by=request.user, text=form.cleaned_data["text"])
        except REFUSALS as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The consensus note was saved."))
            return redirect("review:breakdown", pk=round_.pk, application_pk=application.pk)
    return _breakdown_page(request, round_, application, form=form)


@login_required
@require_safe
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    round_ = round_for(request, pk, "review.view_ranking")
    if fmt == "csv":
        return scores_csv_response(round_)
    if fmt == "xlsx":
        return scores_xlsx_response(round_)
    raise Http404
