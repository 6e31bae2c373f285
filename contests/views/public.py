"""Public contest pages: the open calls, a contest, its regulations document."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from contests import selectors
from contests.models import Contest
from contests.navigation import nomination_links, public_links
from contests.views.access import visible_contest
from core import clock

# --- public pages -------------------------------------------------------------------------


HOME_PAGE_SIZE = 20


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    # Paginated: the page's work stays the same however many calls a country runs.
    open_calls = Paginator(selectors.open_calls(), HOME_PAGE_SIZE).get_page(request.GET.get("open"))
    others = Paginator(selectors.past_public_contests(), HOME_PAGE_SIZE).get_page(request.GET.get("past"))
    return render(
        request, "contests/home.html", {"open_calls": open_calls, "others": others, "now": clock.now()}
    )


def _label_parts(contest: Contest) -> None:
    """Give criteria and form fields their nomination from the prefetched list (no extra queries)."""
    by_id = {n.pk: n for n in contest.nominations.all()}
    for part in [*contest.criteria.all(), *contest.form_fields.all()]:
        part.nomination_obj = by_id.get(part.nomination_id)


@require_safe
def contest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contest = visible_contest(request, pk, structure=True)
    _label_parts(contest)
    for nomination in contest.nominations.all():  # "Apply in this nomination", for everyone
        nomination.links = nomination_links(request.user, contest, nomination)
    return render(
        request,
        "contests/detail.html",
        {
            "contest": contest,
            "can_change": request.user.has_perm("contests.change_contest", contest),
            "links": public_links(request.user, contest),
            "now": clock.now(),
        },
    )


@require_safe
def regulations_document(request: HttpRequest, pk: int) -> FileResponse:
    contest = visible_contest(request, pk)
    if not contest.regulations_document:
        raise Http404
    name = contest.regulations_document.name.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1] if "." in name else "bin"
    return FileResponse(
        contest.regulations_document.open("rb"), filename=f"regulations-{contest.pk}.{extension}"
    )
