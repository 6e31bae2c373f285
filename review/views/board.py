"""The organiser's progress board of a round: by juror and by application (50 a page), the
"remind jurors" button and reopening a submitted review (the catalogue's step, through core.web)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from core.web import REFUSALS, run_step, tell_refused
from review.forms import ReopenForm
from review.pages import (
    assignments_by_application,
    remind_jurors,
    round_for,
    submitted_reviews_by_application,
)
from review.selectors import progress_by_application, progress_by_juror, rounds_organised_by

PAGE_SIZE = 50


@login_required
@require_safe
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    page = Paginator(progress_by_application(round_), PAGE_SIZE).get_page(request.GET.get("page"))
    applications = list(page.object_list)
    submitted = submitted_reviews_by_application(round_, [a.pk for a in applications])
    assigned = assignments_by_application(round_, [a.pk for a in applications])
    # `{% may review "reopen" %}` asks about each review's round and contest: these, loaded once.
    prefetch_related_objects([round_.contest], "roles")
    for application in applications:
        application.submitted_reviews = submitted.get(application.pk, [])
        application.assignments = assigned.get(application.pk, [])  # who reviews it, and how far
        for review in application.submitted_reviews:
            review.round = round_
    jurors = progress_by_juror(round_)
    return render(
        request,
        "review/progress.html",
        {
            "round": round_,
            "contest": round_.contest,
            "jurors": jurors,
            "applications": applications,
            "page_obj": page,
            "reopen_form": ReopenForm(),
            "unfinished": sum(j.live - j.done for j in jurors),
        },
    )


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    try:
        count = remind_jurors(round_)
    except REFUSALS as error:
        tell_refused(request, error)
    else:
        if count:
            messages.success(
                request,
                ngettext(
                    "A reminder was sent to %(count)s juror.",
                    "Reminders were sent to %(count)s jurors.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, _("Every juror has finished their reviews: nobody was reminded."))
    return redirect("review:progress", pk=round_.pk)


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    review = get_object_or_404(
        round_.reviews.filter(round__in=rounds_organised_by(request.user)).select_related(
            "round__contest", "juror__user", "application"
        ),
        pk=review_pk,
    )
    if not request.user.has_perm("review.reopen_review", review):
        raise Http404
    back = reverse("review:progress", args=[round_.pk])
    if page := request.POST.get("page", ""):
        back += f"?page={page}" if page.isdigit() else ""
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tell the juror why the review is reopened."))
        return redirect(back)
    run_step(request, review, "reopen", {"note": form.cleaned_data["note"]})
    return redirect(back)
