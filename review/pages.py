"""Helpers of the jury's web pages that are neither services nor selectors of the app: loading
objects for a page (404 outside the user's scope), the organiser's "remind jurors now", and the
submitted reviews shown on one page of the progress board."""

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from contests.models import Contest
from contests.selectors import contests_organised_by
from contests.services import scope_of
from core import clock
from core.exceptions import TransitionRefused
from notifications.services import notify
from review.events import DUE
from review.models import Review, Round
from review.selectors import reviews_visible_to, rounds_organised_by


def review_for(request: HttpRequest, pk: int) -> Review:
    """The review if the user may see it (its juror without a conflict, or an organiser); else 404."""
    review = get_object_or_404(
        reviews_visible_to(request.user).select_related(
            "round__contest", "juror__user", "application__nomination", "application__organisation"
        ),
        pk=pk,
    )
    if not request.user.has_perm("review.view_review", review):
        raise Http404
    return review


def round_for(request: HttpRequest, pk: int, perm: str = "review.manage_round") -> Round:
    """A round of a contest the user organises, with the permission; else 404."""
    round_ = get_object_or_404(rounds_organised_by(request.user).select_related("contest"), pk=pk)
    if not request.user.has_perm(perm, round_):
        raise Http404
    return round_


def organised_contest(request: HttpRequest, pk: int) -> Contest:
    """A contest the user organises and may change; else 404 (outsiders never learn it exists)."""
    contest = get_object_or_404(contests_organised_by(request.user), pk=pk)
    if not request.user.has_perm("contests.change_contest", contest):
        raise Http404
    return contest


def remind_jurors(round_: Round) -> int:
    """The review-due message, now, to every active juror with unfinished reviews in the round;
    the organiser pressed the button, so it goes even if the scheduled reminders already went.
    Returns how many jurors were reminded."""
    if not round_.is_open:
        raise TransitionRefused([_("Reminders go only while the round is open.")])
    contest = round_.contest
    unfinished = (
        Review.objects.filter(round=round_, state__in=Review.WRITABLE_STATES, juror__user__is_active=True)
        .values("juror__user")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {row["juror__user"]: row["count"] for row in unfinished}
    users = User.objects.in_bulk(list(counts))
    now = clock.now()
    days = max((round_.due_at - now).days, 0) if round_.due_at else ""
    for user_id, count in counts.items():
        notify(
            DUE.key,
            [users[user_id]],
            {
                "contest": contest.title,
                "round": round_.title,
                "due": contest.moment_label(round_.due_at) if round_.due_at else _("the end of the round"),
                "count": str(count),
                "days": str(days),
                "link": settings.SITE_URL + reverse("review:queue"),
            },
            dedupe_key=f"review-due-manual:round-{round_.pk}:{now.isoformat()}",
            scope=scope_of(contest),
        )
    return len(counts)


def assignments_by_application(round_: Round, application_ids: list[int]) -> dict[int, list[Review]]:
    """Every review of these applications in the round (any state), with its juror: who reviews
    which entry, for the progress board (the API's GET /review-assignments/). One query."""
    found: dict[int, list[Review]] = {}
    reviews = (
        Review.objects.filter(round=round_, application_id__in=application_ids)
        .select_related("juror__user")
        .order_by("application_id", "juror__user__full_name", "pk")
    )
    for review in reviews:
        found.setdefault(review.application_id, []).append(review)
    return found


def submitted_reviews_by_application(round_: Round, application_ids: list[int]) -> dict[int, list[Review]]:
    """The submitted reviews of these applications in the round, with their jurors: one query."""
    found: dict[int, list[Review]] = {}
    reviews = (
        Review.objects.filter(round=round_, application_id__in=application_ids, state=Review.State.SUBMITTED)
        .select_related("juror__user")
        .order_by("application_id", "juror__user__full_name", "pk")
    )
    for review in reviews:
        found.setdefault(review.application_id, []).append(review)
    return found
