"""Web pages of special awards and of the documents beyond the winners' diplomas: the
organiser's page of a contest (define awards, choose who receives them, issue certificates and
letters of thanks with their progress), and the holder's list of their documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from applications.models import Application
from awards import certificates, selectors, special
from awards.models import CHOOSING_STATES, Diploma, IssueRun, SpecialAward
from awards.special_forms import ChooseForm, SpecialAwardForm
from contests.models import Contest
from core.exceptions import TransitionRefused
from core.web import add_errors, tell_refused


def _contest(request: HttpRequest, pk: int) -> Contest:
    """404 unless the user organises the contest or chairs its jury."""
    return get_object_or_404(selectors.contests_choosing_for(request.user), pk=pk)


def _require(request: HttpRequest, perm: str, contest: Contest) -> None:
    if not request.user.has_perm(perm, contest):
        raise PermissionDenied(_("You may not do this."))


def _choosable(contest: Contest) -> list[Application]:
    return list(
        Application.objects.filter(contest=contest, state__in=special.CHOOSABLE_STATES)
        .select_related("organisation")
        .order_by("number", "pk")
    )


def _page(request, contest, *, award_form=None, choose_forms=None, status=200) -> HttpResponse:
    user = request.user
    may_define = user.has_perm("awards.define_special_awards", contest) and not special.define_problems(
        contest
    )
    may_choose = user.has_perm("awards.choose_special_award", contest) and contest.state in CHOOSING_STATES
    awards = selectors.special_awards_of(contest)
    applications = _choosable(contest) if may_choose else []
    choose_forms = choose_forms or {}
    for award in awards:
        award.form = choose_forms.get(award.pk) or ChooseForm(
            applications=applications, prefix=f"award-{award.pk}"
        )
    may_issue = user.has_perm("awards.issue_documents", contest)
    runs: dict[str, IssueRun] = {}
    for run in IssueRun.objects.filter(contest=contest).order_by("-pk"):
        runs.setdefault(run.kind, run)  # the latest of each kind
    context = {
        "contest": contest,
        "awards": awards,
        "award_form": award_form or SpecialAwardForm(),
        "may_define": may_define,
        "may_choose": may_choose,
        "may_issue": may_issue,
        "announced": contest.state in certificates.RESULT_STATES,
        "runs": [
            {
                "kind": kind,
                "label": label,
                "run": runs.get(kind),
                "owed": certificates.owed_total(contest, kind),
            }
            for kind, label in IssueRun.Kind.choices
        ],
        "issued": {kind: certificates.issued_count(contest, kind) for kind in Diploma.Kind.values},
    }
    return render(request, "awards/special.html", context, status=status)


@login_required
@require_safe
def page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _contest(request, pk))


@login_required
@require_POST
def create_award(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk)
    _require(request, "awards.define_special_awards", contest)
    form = SpecialAwardForm(request.POST)
    if form.is_valid():
        try:
            special.create_award(contest, **form.cleaned_data)
        except (ValidationError, TransitionRefused) as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The special award is added."))
            return redirect("awards:special", pk=contest.pk)
    return _page(request, contest, award_form=form, status=400)


def _award(request: HttpRequest, pk: int) -> SpecialAward:
    return get_object_or_404(
        SpecialAward.objects.select_related("contest").filter(
            contest__in=selectors.contests_choosing_for(request.user).values("pk")
        ),
        pk=pk,
    )


@login_required
@require_POST
def delete_award(request: HttpRequest, pk: int) -> HttpResponse:
    award = _award(request, pk)
    _require(request, "awards.define_special_awards", award.contest)
    try:
        special.delete_award(award)
    except TransitionRefused as error:
        tell_refused(request, error)
    else:
        messages.success(request, _("The special award is removed."))
    return redirect("awards:special", pk=award.contest_id)


@login_required
@require_POST
def choose(request: HttpRequest, pk: int) -> HttpResponse:
    award = _award(request, pk)
    contest = award.contest
    _require(request, "awards.choose_special_award", contest)
    form = ChooseForm(request.POST, applications=_choosable(contest), prefix=f"award-{award.pk}")
    if form.is_valid():
        application = Application.objects.get(pk=form.cleaned_data["application"])
        try:
            special.choose(award, application, by=request.user, reason=form.cleaned_data["reason"])
        except (ValidationError, TransitionRefused) as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The award is given."))
            return redirect("awards:special", pk=contest.pk)
    return _page(request, contest, choose_forms={award.pk: form}, status=400)


@login_required
@require_POST
def unchoose(request: HttpRequest, pk: int, application: int) -> HttpResponse:
    award = _award(request, pk)
    _require(request, "awards.choose_special_award", award.contest)
    try:
        special.unchoose(award, application)
    except (ValidationError, TransitionRefused) as error:
        tell_refused(request, error)
    else:
        messages.success(request, _("The award is taken back."))
    return redirect("awards:special", pk=award.contest_id)


@login_required
@require_POST
def issue(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    contest = _contest(request, pk)
    _require(request, "awards.issue_documents", contest)
    if kind not in IssueRun.Kind.values:
        raise PermissionDenied
    try:
        run = certificates.start_issue(contest, kind, by=request.user)
    except TransitionRefused as error:
        tell_refused(request, error)
    else:
        run.refresh_from_db()
        messages.success(
            request,
            _("Issuing started: %(done)s of %(total)s issued so far.")
            % {"done": run.done, "total": run.total},
        )
    return redirect("awards:special", pk=contest.pk)


@login_required
@require_safe
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a run, polled by the page (htmx) while it runs."""
    run = get_object_or_404(
        IssueRun.objects.filter(contest__in=selectors.contests_choosing_for(request.user).values("pk")), pk=pk
    )
    _require(request, "awards.issue_documents", run.contest)
    return render(request, "awards/partials/issue_run.html", {"run": run})


@login_required
@require_safe
def my_documents(request: HttpRequest) -> HttpResponse:
    """The signed-in person's documents: their libraries' diplomas and certificates, their
    letters of thanks as a juror (and, for organisers, their contests')."""
    documents = selectors.documents_visible_to(request.user).order_by(
        "-awarded_on", "contest_title", "kind", "pk"
    )
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    return render(request, "awards/my_documents.html", {"page": page})
