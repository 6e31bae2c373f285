"""Read side of the awards: scoping first, so what a user may not see is never fetched."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import ngettext

from accounts.models import Membership, User
from applications.models import Application
from awards.models import Decision, Diploma, SpecialAward, SpecialAwardChoice
from contests.models import Contest, ContestRole, Nomination
from core import clock
from grants.models import Disbursement, Grant
from review.models import Juror, Review, Round
from review.ranking import RankedRow, rank

RESULT_STATES = (Contest.State.ANNOUNCED, Contest.State.ARCHIVED)


def latest_round(contest: Contest) -> Round | None:
    """The round whose ranking decides: the contest's last."""
    return contest.review_rounds.order_by("-number").first()


def contests_choosing_for(user: User) -> QuerySet[Contest]:
    """Contests whose winners the user may see before announcement: as organiser or jury chair."""
    if not user.is_authenticated:
        return Contest.objects.none()
    organised = ContestRole.objects.filter(user=user, role=ContestRole.Role.ORGANISER).values("contest")
    chaired = Juror.objects.filter(user=user, chair=True).values("contest")
    return Contest.objects.filter(Q(pk__in=organised) | Q(pk__in=chaired))


def decisions_visible_to(user: User) -> QuerySet[Decision]:
    return Decision.objects.filter(contest__in=contests_choosing_for(user).values("pk"))


def live_decisions(contest: Contest) -> QuerySet[Decision]:
    return Decision.objects.filter(contest=contest, state__in=Decision.LIVE_STATES)


@dataclass
class Candidate:
    row: RankedRow
    application: Application
    decision: Decision | None
    # A higher-ranked application of the same nomination is not chosen: needs a reason.
    out_of_order: bool

    @property
    def proposable(self) -> bool:
        """Not chosen yet and still in the running: it may be proposed as a winner."""
        return self.decision is None and self.application.state == Application.State.UNDER_REVIEW


def candidates(contest: Contest, nomination: Nomination | None = None) -> list[Candidate]:
    """The latest round's ranking with each application's live decision, in ranking order.
    A constant number of queries."""
    round_ = latest_round(contest)
    if round_ is None:
        return []
    ranking = rank(round_, nomination_id=nomination.pk if nomination else None)
    applications = Application.objects.select_related("organisation", "nomination").in_bulk(
        [row.application_id for row in ranking.rows]
    )
    decisions = {d.application_id: d for d in live_decisions(contest).select_related("proposed_by")}
    chosen_below: dict[int, bool] = {}
    result = []
    for row in reversed(ranking.rows):
        # Walking up from the bottom: is anything chosen below this row in its nomination?
        decision = decisions.get(row.application_id)
        skipped = chosen_below.get(row.nomination_id, False) and decision is None
        result.append(Candidate(row, applications[row.application_id], decision, skipped))
        if row.application_id in decisions:
            chosen_below[row.nomination_id] = True
    result.reverse()
    return result


def nomination_rows(contest: Contest, application: Application) -> list[RankedRow]:
    """The latest round's ranking of `application`'s nomination (empty without a round)."""
    round_ = latest_round(contest)
    return rank(round_, nomination_id=application.nomination_id).rows if round_ else []


def passed_over(contest: Contest, application: Application, rows: list[RankedRow]) -> list[Application]:
    """Applications of `application`'s nomination ranked above it (in `rows`) and not chosen."""
    chosen = set(live_decisions(contest).values_list("application_id", flat=True))
    above = []
    for row in rows:
        if row.application_id == application.pk:
            break
        if row.application_id not in chosen:
            above.append(row.application_id)
    by_id = Application.objects.in_bulk(above)
    return [by_id[pk] for pk in above]


def rank_position(application: Application, rows: list[RankedRow]) -> int | None:
    return next((r.position_in_nomination for r in rows if r.application_id == application.pk), None)


# --- public -------------------------------------------------------------------------------------


def announced_contests() -> QuerySet[Contest]:
    return Contest.objects.filter(state__in=RESULT_STATES)


def winners_by_nomination(contest: Contest) -> list[tuple[Nomination, list[Decision]]]:
    """Approved winners per nomination, by place: what the results page shows. Two queries."""
    winners = (
        Decision.objects.filter(contest=contest, state=Decision.State.APPROVED)
        .select_related("application__organisation", "diploma")
        .order_by("place", "rank_position", "pk")
    )
    nominations = contest.nominations.order_by("order", "pk").prefetch_related(
        Prefetch("award_decisions", queryset=winners, to_attr="winners")
    )
    return [(n, n.winners) for n in nominations]


def diploma_by_code(code: str) -> Diploma | None:
    normalised = code.strip().upper().replace(" ", "")
    if not normalised:
        return None
    return (
        Diploma.objects.select_related("contest")
        .filter(code=normalised, contest__state__in=RESULT_STATES)
        .first()
    )


def diplomas_of(user: User, contest: Contest) -> QuerySet[Diploma]:
    """The user's organisations' diplomas in the contest (for the results page's links)."""
    if not user.is_authenticated:
        return Diploma.objects.none()
    return Diploma.objects.filter(
        contest=contest, kind=Diploma.Kind.WINNER, application__organisation__memberships__user=user
    )


@dataclass
class Unfinished:
    """What is still open in a contest when an organiser records the decision or announces:
    reviews not submitted, proposed winners awaiting approval, entries nobody screened."""

    reviews: int = 0  # live reviews not yet submitted (assigned, in progress, reopened)
    jurors: int = 0  # jurors those reviews belong to
    approvals: int = 0  # proposed winners awaiting approval: these block the step outright
    unscreened: int = 0  # submitted entries not screened, or returned and still within their correction time

    def __bool__(self) -> bool:
        return bool(self.reviews or self.approvals or self.unscreened)

    @property
    def confirmable(self) -> bool:
        """Open work the organiser may go ahead despite, with a confirmation and a reason."""
        return bool(self.reviews or self.unscreened)

    def lines(self) -> list[str]:
        """Each unfinished thing as one sentence in the person's language."""
        lines = []
        if self.reviews:
            lines.append(
                ngettext(
                    "%(count)s review is not submitted (jurors: %(jurors)s).",
                    "%(count)s reviews are not submitted (jurors: %(jurors)s).",
                    self.reviews,
                )
                % {"count": self.reviews, "jurors": self.jurors}
            )
        if self.approvals:
            lines.append(
                ngettext(
                    "%(count)s proposed winner awaits approval.",
                    "%(count)s proposed winners await approval.",
                    self.approvals,
                )
                % {"count": self.approvals}
            )
        if self.unscreened:
            lines.append(
                ngettext(
                    "%(count)s application is not screened yet.",
                    "%(count)s applications are not screened yet.",
                    self.unscreened,
                )
                % {"count": self.unscreened}
            )
        return lines


def unfinished_work(contest: Contest) -> Unfinished:
    """What is unfinished in the contest, in three queries (shown before `decide` and `announce`)."""
    open_reviews = Review.objects.filter(round__contest=contest, state__in=Review.WRITABLE_STATES).aggregate(
        reviews=Count("pk"), jurors=Count("juror", distinct=True)
    )
    return Unfinished(
        reviews=open_reviews["reviews"],
        jurors=open_reviews["jurors"],
        approvals=Decision.objects.filter(contest=contest, state=Decision.State.PROPOSED).count(),
        unscreened=Application.objects.filter(
            Q(state=Application.State.SUBMITTED)
            | Q(state=Application.State.RETURNED, correct_by__gt=clock.now()),
            contest=contest,
        ).count(),
    )


OPEN_DATA_FIELDS = (
    *("state", "amount", "currency", "purpose", "starts_on", "ends_on", "created_at", "updated_at"),
    *("contest__title", "contest__time_zone", "contest__state"),
    *("application__title", "application__number", "application__state"),
    "application__nomination__title",
    *("application__organisation__name", "application__organisation__registry_code"),
    *("application__organisation__region", "application__organisation__settlement"),
)


def open_data_grants(contest: Contest | None = None) -> QuerySet[Grant]:
    """Grants published as open data (awards.opendata): those of winners of announced contests,
    with everything a record shows in two queries whatever their number (the grants with their
    contest, application, nomination and organisation; their paid tranches)."""
    grants = Grant.objects.filter(
        contest__state__in=RESULT_STATES, application__state=Application.State.AWARDED
    )
    if contest is not None:
        grants = grants.filter(contest=contest)
    paid = Disbursement.objects.filter(state=Disbursement.State.PAID).order_by("paid_on", "pk")
    return (
        grants.select_related("contest", "application__organisation", "application__nomination")
        # Only what a record shows: an application's answers alone outweigh the rest of the row.
        .only(*OPEN_DATA_FIELDS)
        .prefetch_related(Prefetch("tranches", queryset=paid, to_attr="paid_tranches"))
        .order_by("contest_id", "pk")
    )


# --- special awards and documents (certificates, letters of thanks) ---------------------------


def special_awards_visible_to(user: User) -> QuerySet[SpecialAward]:
    """The organisers and the jury chair see their contests' special awards at any time; everyone
    sees those of announced contests (the results show them)."""
    public = Q(contest__state__in=RESULT_STATES)
    if not user.is_authenticated:
        return SpecialAward.objects.filter(public)
    return SpecialAward.objects.filter(public | Q(contest__in=contests_choosing_for(user).values("pk")))


def special_awards_of(contest: Contest) -> list[SpecialAward]:
    """The contest's special awards with their choices (application and organisation): 2 queries."""
    choices = SpecialAwardChoice.objects.select_related(
        "application__organisation", "chosen_by", "diploma"
    ).order_by("pk")
    return list(contest.special_awards.order_by("pk").prefetch_related(Prefetch("choices", queryset=choices)))


def documents_visible_to(user: User) -> QuerySet[Diploma]:
    """Documents of announced contests: all of a contest to its organisers; to anyone else only
    their own (their library's, or their letter of thanks as a juror)."""
    if not user.is_authenticated:
        return Diploma.objects.none()
    organised = ContestRole.objects.filter(user=user, role=ContestRole.Role.ORGANISER).values("contest")
    memberships = Membership.objects.filter(user=user).values("organisation")
    return Diploma.objects.filter(contest__state__in=RESULT_STATES).filter(
        Q(contest__in=organised)
        | Q(application__organisation__in=memberships, juror__isnull=True)
        | Q(juror__user=user)
    )


def documents_of_application(user: User, application: Application) -> list[Diploma]:
    """The documents of one application that the user may download (its page's panel)."""
    return list(documents_visible_to(user).filter(application=application).order_by("kind", "pk"))
