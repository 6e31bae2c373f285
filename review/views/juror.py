"""The juror's pages: the queue, and one review's page (answers, scores with autosave, submit,
decline, other jurors' scores and the jury's notes once the round's rule allows). The review's
steps (core.steps, review.steps.REVIEW) run through core.web, like every other page's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core import clock, versioning
from core.forms import summary_item
from core.web import REFUSALS, add_errors, run_step, step_view
from review import services
from review.files import answers_shown
from review.forms import DeclineForm, NoteForm, ScoresForm, comment_name, score_name
from review.models import Review
from review.pages import review_for
from review.selectors import (
    juror_queue,
    jury_notes,
    notes_visible,
    peer_reviews,
    round_criteria,
    shows_applicant,
)
from review.steps import REVIEW


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    reviews = juror_queue(request.user)
    return render(request, "review/queue.html", {"reviews": reviews, "now": clock.now()})


# --- one review ---------------------------------------------------------------------------------


def _criteria(review: Review):
    return list(round_criteria(review.round, review.application.nomination_id))


def _form(review: Review, criteria, data=None) -> ScoresForm:
    kwargs = {"criteria": criteria, "require_comment": review.round.require_overall_comment}
    if data is not None:
        return ScoresForm(data, **kwargs)
    initial = {"overall_comment": review.overall_comment}
    for score in review.scores.all():
        initial[f"score_{score.criterion_id}"] = score.value
        initial[f"comment_{score.criterion_id}"] = score.comment
    return ScoresForm(initial=initial, **kwargs)


def _is_own(request: HttpRequest, review: Review) -> bool:
    return review.juror.user_id == request.user.pk


def _local_time(review: Review) -> str:
    return dateformat.format(review.round.contest.local(clock.now()), "H:i")


def save_report(review: Review, criteria, form: ScoresForm, errors: dict[int, str]) -> dict:
    """What a refused save of the scores leaves, for the page and the autosave's status line: the
    scores stored (autosaved earlier: the service refuses a batch with a bad score as a whole),
    each bad score with its message, and the good ones typed since that wait for it."""
    stored = {s.criterion_id: s for s in review.scores.all()}
    typed = form.scores()
    saved, invalid, waiting = [], [], []
    for criterion in criteria:
        score = stored.get(criterion.pk)
        entry = typed.get(criterion.pk, {})
        row = {"id": criterion.pk, "title": criterion.title, "target": f"id_{score_name(criterion)}"}
        if criterion.pk in errors:
            invalid.append({**row, "message": errors[criterion.pk]})
        elif (str(score.value) if score else "", score.comment if score else "") != (
            entry.get("value", ""),
            entry.get("comment", ""),
        ):
            waiting.append(row)
        if score is not None:
            saved.append({**row, "value": score.value})
    saved_line = (
        _("Already saved: %(scores)s.")
        % {"scores": "; ".join(f"«{row['title']}» — {row['value']}" for row in saved)}
        if saved
        else _("None of your scores is saved yet.")
    )
    return {"saved": saved, "invalid": invalid, "waiting": waiting, "saved_line": saved_line}


def _score_summary(review: Review, criteria, form: ScoresForm) -> dict:
    """The error summary of the scores form: each bad score linking to its input, what else is not
    saved yet, and what is saved all the same (the autosave kept the good scores)."""
    if not form.errors:
        return {"items": []}
    errors = {c.pk: " ".join(form[score_name(c)].errors) for c in criteria if form[score_name(c)].errors}
    report = save_report(review, criteria, form, errors)
    items = [summary_item(error) for error in form.non_field_errors()]
    items += [summary_item(r["message"], target=r["target"], label=r["title"]) for r in report["invalid"]]
    items += [
        summary_item(
            _("not saved yet; it will be saved once the marked scores are corrected."),
            target=r["target"],
            label=r["title"],
        )
        for r in report["waiting"]
    ]
    for name in ("overall_comment",):
        items += [
            summary_item(e, target=form[name].auto_id, label=form[name].label) for e in form[name].errors
        ]
    return {"items": items, "after": [report["saved_line"]]}


def _score_page(
    request: HttpRequest,
    review: Review,
    *,
    form: ScoresForm | None = None,
    decline_form: DeclineForm | None = None,
    note_form: NoteForm | None = None,
) -> HttpResponse:
    user = request.user
    criteria = _criteria(review)
    form = form or _form(review, criteria)
    own = _is_own(request, review)
    organiser = user.has_perm("review.manage_round", review.round)
    can_score = own and user.has_perm("review.score_review", review) and review.round.is_open
    answers = answers_shown(user, review)  # with the files the user may read (review.files)
    show_notes = organiser or (own and notes_visible(review))
    return render(
        request,
        "review/score.html",
        {
            "review": review,
            "application": review.application,
            "round": review.round,
            "contest": review.round.contest,
            "answers": answers,
            "show_applicant": organiser or shows_applicant(review),
            "form": form,
            "rows": [
                {"criterion": c, "score": form[score_name(c)], "comment": form[comment_name(c)]}
                for c in criteria
            ],
            "can_score": can_score,
            "summary": _score_summary(review, criteria, form) if form.is_bound else {"items": []},
            "submitted": review.state == Review.State.SUBMITTED,
            "decline_form": decline_form or DeclineForm(),
            "peers": peer_reviews(review) if own else [],
            "criteria": criteria,
            "show_notes": show_notes,
            "notes": jury_notes(review.round, review.application, viewer=user) if show_notes else [],
            "note_form": note_form or NoteForm(),
            "now": clock.now(),
        },
    )


@login_required
def score(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the page. POST (no JavaScript, or the Submit button): save the scores, then submit."""
    review = review_for(request, pk)
    if request.method != "POST":
        return _score_page(request, review)
    if not (_is_own(request, review) and request.user.has_perm("review.score_review", review)):
        messages.error(request, _("This review can no longer be changed."))
        return redirect("review:score", pk=pk)
    criteria = _criteria(review)
    form = _form(review, criteria, request.POST)
    try:
        review = services.save_scores(
            review,
            by=request.user,
            scores=form.scores(),
            overall_comment=form.overall(),
            version=versioning.parse_version(request.POST.get("version")),
        )
    except ValidationError as error:
        form.put_service_errors(error)
        return _score_page(request, review, form=form)
    except versioning.StaleVersion:
        review.refresh_from_db()  # the page carries the current version: saving again is deliberate
        form.add_error(None, _stale_message(review))
        return _score_page(request, review, form=form)
    if "submit" not in request.POST:
        messages.success(request, _("Your scores were saved at %(time)s.") % {"time": _local_time(review)})
        return redirect("review:score", pk=pk)
    # The scores are saved (a draft at least); now the catalogue's step, refused with its reasons.
    if run_step(request, review, "submit", {}):
        return redirect("review:score", pk=pk)
    return _score_page(request, review, form=form)


@login_required
@require_POST
def autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: save the draft as it is now; answer the status line and each criterion's errors."""
    review = review_for(request, pk)
    if not request.htmx:
        return score(request, pk)
    criteria = _criteria(review)
    context = {"criteria": criteria, "errors": [], "general_error": "", "error_by_id": {}, "report": None}
    if not (_is_own(request, review) and request.user.has_perm("review.score_review", review)):
        context["general_error"] = _("This review can no longer be changed.")
        return render(request, "review/partials/save_status.html", context)
    form = _form(review, criteria, request.POST)
    try:
        services.save_scores(
            review,
            by=request.user,
            scores=form.scores(),
            overall_comment=form.overall(),
            version=versioning.parse_version(request.POST.get("version")),
        )
    except versioning.StaleVersion:
        review.refresh_from_db()
        context["general_error"] = _stale_message(review)
    except ValidationError as error:
        titles = {str(c.pk): c.title for c in criteria}
        if hasattr(error, "error_dict"):
            for key, errors in error.error_dict.items():
                message = " ".join(m for e in errors for m in e.messages)
                if key in titles:
                    context["errors"].append({"id": key, "title": titles[key], "message": message})
                    context["error_by_id"][int(key)] = message
                else:
                    context["general_error"] = message
        else:
            context["general_error"] = " ".join(error.messages)
        if context["error_by_id"]:
            context["report"] = save_report(review, criteria, form, context["error_by_id"])
    else:
        context["saved_at"] = _local_time(review)
    context["version"] = Review.objects.values_list("version", flat=True).get(pk=review.pk)
    return render(request, "review/partials/save_status.html", context)


def _stale_message(review: Review) -> str:
    """The scores were saved elsewhere (another window) since this page was loaded."""
    return _(
        "These scores were changed elsewhere (another window?) at %(time)s, after you opened this page, "
        "and were not overwritten. Your input is kept here: check it, then save again to keep it."
    ) % {"time": dateformat.format(review.round.contest.local(review.updated_at), "H:i")}


# Any step of a review (the buttons `{% steps review %}` renders): back to the review's page.
review_step = step_view(review_for, lambda review: reverse("review:score", args=[review.pk]))


@login_required
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    """The juror's own decline form (its fields worded for the juror): the catalogue's step."""
    review = review_for(request, pk)
    if not (_is_own(request, review) and REVIEW.may(review, request.user, "decline")):
        messages.error(request, _("This review can no longer be declined."))
        return redirect("review:score", pk=pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        data = {"note": form.cleaned_data["reason"], "conflict": form.cleaned_data["conflict"]}
        if run_step(request, review, "decline", data):
            return redirect("review:queue")
    return _score_page(request, review, decline_form=form)


@login_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    review = review_for(request, pk)
    organiser = request.user.has_perm("review.manage_round", review.round)
    if not (organiser or (_is_own(request, review) and notes_visible(review))):
        raise PermissionDenied(_("Jurors join the discussion after submitting their own review."))
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(
                review.round, review.application, by=request.user, text=form.cleaned_data["text"]
            )
        except REFUSALS as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your note was added."))
            return redirect(reverse("review:score", args=[pk]) + "#notes")
    return _score_page(request, review, note_form=form)
