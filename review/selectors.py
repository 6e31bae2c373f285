"""Read-side querysets for the jury: scoping first, so what a user may not see is never fetched."""

from typing import Any

from django.db.models import Case, Count, Exists, F, Prefetch, Q, QuerySet, When
from django.utils.translation import gettext as _

from accounts.models import User
from applications.models import Application
from applications.selectors import questions_for
from contests.models import ContestRole, Criterion, FormField
from core.compiled import Compiled
from review.models import Juror, JuryNote, OrganisationConflict, Review, Round, Score, ShortlistEntry

# Applications that reach the jury: screened eligible, or already in review or decided.
REVIEWABLE_STATES = (
    Application.State.ELIGIBLE,
    Application.State.UNDER_REVIEW,
    Application.State.AWARDED,
    Application.State.NOT_AWARDED,
)


def round_applications(round_: Round) -> QuerySet[Application]:
    """The applications a round reviews: its shortlist, or every eligible one of the contest."""
    if round_.shortlist.exists():
        return round_.shortlist.all()
    return Application.objects.filter(contest_id=round_.contest_id, state__in=REVIEWABLE_STATES)


def shortlist_entries(round_: Round) -> QuerySet[ShortlistEntry]:
    """The round's shortlist entries (live and taken off), with what a page or the API shows."""
    return (
        ShortlistEntry.objects.filter(round=round_)
        .select_related("application__nomination", "application__organisation", "added_by", "removed_by")
        .order_by("application__nomination__title", "position", "application__number", "pk")
    )


def round_criteria(round_: Round, nomination_id: int | None = None) -> QuerySet[Criterion]:
    """The criteria a round scores by (its own choice, or all the contest's), for one nomination
    when given: common criteria and those of the nomination."""
    # One query: the round's chosen criteria, or when it chose none, every criterion of its contest.
    chosen = Round.criteria.through.objects.filter(round_id=round_.pk)
    criteria = Criterion.objects.filter(
        Q(pk__in=chosen.values("criterion_id")) | (Q(contest_id=round_.contest_id) & ~Exists(chosen))
    )
    if nomination_id is not None:
        criteria = criteria.filter(Q(nomination__isnull=True) | Q(nomination_id=nomination_id))
    return criteria.order_by("order", "pk")


def criteria_of_round(round_: Round) -> list[Criterion]:
    """`round_criteria(round_)`, read through SQL compiled once per process (`core.compiled`):
    every ranking and every submission reads it first."""
    return list(
        Criterion.objects.raw(*_ROUND_CRITERIA.bind({_ROUND: round_.pk, _CONTEST: round_.contest_id}))
    )


# Stand-ins for the round's and contest's ids in the compiled query: no row has a negative id.
_ROUND, _CONTEST = -1, -2
_ROUND_CRITERIA = Compiled(lambda: round_criteria(Round(pk=_ROUND, contest_id=_CONTEST)))

# --- what a person may see ----------------------------------------------------------------------


def reviews_visible_to(user: User, *, own_in_any_state: bool = False) -> QuerySet[Review]:
    """Jurors see their own live reviews (a conflicted pair has none: the database refuses it);
    organisers every review of their contests. `own_in_any_state` adds the juror's declined ones,
    for a step on a review that another request has just declined: it answers 409, not 404."""
    if not user.is_authenticated:
        return Review.objects.none()
    organised = ContestRole.objects.filter(user=user, role=ContestRole.Role.ORGANISER).values("contest")
    own = Q(juror__user=user) if own_in_any_state else Q(juror__user=user, state__in=Review.LIVE_STATES)
    return Review.objects.filter(own | Q(round__contest__in=organised))


def assignments_visible_to(user: User) -> QuerySet[Review]:
    """Who reviews what (GET /api/v1/review-assignments/): every review of the contests the user
    organises, in any state, and the user's own reviews as a juror, declined ones too."""
    if not user.is_authenticated:
        return Review.objects.none()
    organised = ContestRole.objects.filter(user=user, role=ContestRole.Role.ORGANISER).values("contest")
    return Review.objects.filter(Q(round__contest__in=organised) | Q(juror__user=user))


def rounds_organised_by(user: User) -> QuerySet[Round]:
    if not user.is_authenticated:
        return Round.objects.none()
    organised = ContestRole.objects.filter(user=user, role=ContestRole.Role.ORGANISER).values("contest")
    return Round.objects.filter(contest__in=organised)


def _criteria_counts(rounds: set[int]) -> dict[tuple[int, int | None], int]:
    """How many criteria each (round, nomination) scores by, for progress bars: two queries."""
    per_round: dict[int, list[int | None]] = {}
    chosen = Round.criteria.through.objects.filter(round_id__in=rounds)
    for round_id, nomination_id in chosen.values_list("round_id", "criterion__nomination_id"):
        per_round.setdefault(round_id, []).append(nomination_id)
    if rest := rounds - set(per_round):
        every = Criterion.objects.filter(contest__review_rounds__in=rest)
        for round_id, nomination_id in every.values_list("contest__review_rounds", "nomination_id"):
            per_round.setdefault(round_id, []).append(nomination_id)
    counts: dict[tuple[int, int | None], int] = {}
    for round_id, nominations in per_round.items():
        common = nominations.count(None)
        counts[(round_id, None)] = common
        for nomination_id in set(nominations) - {None}:
            counts[(round_id, nomination_id)] = common + nominations.count(nomination_id)
    return counts


def juror_queue(user: User) -> list[Review]:
    """The juror's reviews, the unfinished first (assigned, in progress, reopened), then the
    submitted, then the declined; within each, open rounds first and then by due date. With
    progress: `review.scored` of `review.needed` criteria. A constant number of queries."""
    reviews = list(
        Review.objects.filter(juror__user=user)
        .select_related("round__contest", "application__nomination")
        .annotate(scored=Count("scores"))
        .annotate(
            finished=Case(
                When(state__in=Review.WRITABLE_STATES, then=0),
                When(state=Review.State.SUBMITTED, then=1),
                default=2,
            )
        )
        .annotate(open_first=Case(When(round__state=Round.State.OPEN, then=0), default=1))
        .order_by(
            "finished", "open_first", F("round__due_at").asc(nulls_last=True), "application__number", "pk"
        )
    )
    counts = _criteria_counts({r.round_id for r in reviews})
    for review in reviews:
        nomination = review.application.nomination_id
        review.needed = counts.get((review.round_id, nomination), counts.get((review.round_id, None), 0))
        review.openable = review.state in Review.LIVE_STATES  # a declined review's page is gone
    return reviews


def shown_questions(review: Review) -> list[tuple[FormField, Any]]:
    """The application's answers as a juror may see them: in blind review, the questions marked
    identifying never leave the server (neither in HTML nor in the API)."""
    application = review.application
    questions = questions_for(application)
    if review.round.contest.blind_review:
        questions = [q for q in questions if not q.identifying]
    return [(q, application.answers.get(q.key)) for q in questions]


def shows_applicant(review: Review) -> bool:
    return not review.round.contest.blind_review


def peers_visible(review: Review) -> bool:
    """May this juror see the other jurors' scores on the application now?"""
    rule = review.round.score_visibility
    if rule == Round.ScoreVisibility.ALWAYS:
        return True
    if rule == Round.ScoreVisibility.AFTER_OWN:
        return review.state == Review.State.SUBMITTED
    return False


def anonymous_labels(round_: Round) -> dict[int, str]:
    """Juror id → "Juror 1", "Juror 2"…, stable within the round (by juror id)."""
    ids = sorted(set(Review.objects.filter(round=round_).values_list("juror_id", flat=True)))
    return {pk: _("Juror %(n)s") % {"n": n} for n, pk in enumerate(ids, start=1)}


def peer_reviews(review: Review) -> list[Review]:
    """Other jurors' submitted reviews of the same application in the same round, with scores,
    each labelled anonymously (`peer.label`); empty unless the round's rule allows it now."""
    if not peers_visible(review):
        return []
    peers = list(
        Review.objects.filter(
            round_id=review.round_id, application_id=review.application_id, state=Review.State.SUBMITTED
        )
        .exclude(pk=review.pk)
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("juror_id")
    )
    labels = anonymous_labels(review.round)
    for peer in peers:
        peer.label = labels.get(peer.juror_id, "")
    return peers


def notes_visible(review: Review) -> bool:
    """Jurors join the discussion once they have submitted their own review."""
    return review.state == Review.State.SUBMITTED


def jury_notes(round_: Round, application: Application, *, viewer: Any) -> list[JuryNote]:
    """The discussion of an application in a round, each note's `author_label` as `viewer` may
    read it (label_note_authors)."""
    notes = list(
        JuryNote.objects.filter(round=round_, application=application)
        .select_related("author")
        .order_by("-consensus", "created_at", "pk")
    )
    return label_note_authors(round_, notes, viewer)


def label_note_authors(round_: Round, notes: list[JuryNote], viewer: Any) -> list[JuryNote]:
    """Jurors stay anonymous to each other (issue 16): a juror reads a fellow juror's note as
    "Juror 2", the same label as on that juror's scores (anonymous_labels), and their own as
    "You". The contest's organisers, and everyone when the round chose a named discussion, read
    real names. An organiser who is not on the jury signs with their name."""
    if round_.named_discussion or viewer.has_perm("review.manage_round", round_):
        for note in notes:
            note.author_label = note.author.display_name if note.author else "—"
        return notes
    labels = anonymous_labels(round_)  # juror seat -> "Juror N"
    seats = dict(Juror.objects.filter(contest_id=round_.contest_id).values_list("user_id", "pk"))
    for note in notes:
        seat = seats.get(note.author_id)
        if note.author_id is None:
            note.author_label = "—"
        elif note.author_id == viewer.pk:
            note.author_label = _("You")
        elif seat is not None:
            note.author_label = labels.get(seat) or _("A juror")
        else:
            note.author_label = note.author.display_name
    return notes


# --- the organiser's board ------------------------------------------------------------------


def _state_counts(group_by: str, round_: Round) -> dict[int, dict[str, int]]:
    rows = (
        Review.objects.filter(round=round_)
        .values(group_by)
        .annotate(**{state: Count("pk", filter=Q(state=state)) for state in Review.State.values})
        .order_by()
    )
    return {row[group_by]: {s: row[s] for s in Review.State.values} for row in rows}


def progress_by_juror(round_: Round) -> list[Juror]:
    """Each juror of the contest with `juror.counts` by review state and `juror.done` (submitted
    of live). Two queries whatever the size of the jury."""
    counts = _state_counts("juror_id", round_)
    jurors = list(
        Juror.objects.filter(contest_id=round_.contest_id)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    for juror in jurors:
        juror.counts = counts.get(juror.pk, dict.fromkeys(Review.State.values, 0))
        juror.live = sum(juror.counts[s] for s in Review.LIVE_STATES)
        juror.done = juror.counts[Review.State.SUBMITTED]
    return jurors


def progress_by_application(round_: Round) -> QuerySet[Application]:
    """The round's applications annotated with their reviews by state (one query, pageable)."""
    in_round = Q(reviews__round=round_)
    return (
        round_applications(round_)
        .select_related("nomination", "organisation")
        .annotate(
            assigned=Count("reviews", filter=in_round & Q(reviews__state__in=Review.LIVE_STATES)),
            submitted=Count("reviews", filter=in_round & Q(reviews__state=Review.State.SUBMITTED)),
            declined=Count("reviews", filter=in_round & Q(reviews__state=Review.State.DECLINED)),
        )
        .order_by("number", "pk")
    )


def organisation_conflicts_visible_to(user: User) -> QuerySet[OrganisationConflict]:
    """Jurors see their own declared conflicts with organisations; organisers those of the
    jurors of their contests."""
    if not user.is_authenticated:
        return OrganisationConflict.objects.none()
    organised = ContestRole.objects.filter(user=user, role=ContestRole.Role.ORGANISER).values("contest")
    return OrganisationConflict.objects.filter(Q(juror__user=user) | Q(juror__contest__in=organised))
