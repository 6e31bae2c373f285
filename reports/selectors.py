"""What the organiser's dashboard shows, counted in the database.

Every figure is one GROUP BY (or two, for the jury's progress), so the dashboard costs the same
dozen queries for ten applications or ten thousand: Python loops only over what the counts are
grouped by (states, nominations, regions, days, jurors, scale points), never over applications,
reviews or scores.

Which applications count: the states chart counts every one, drafts included; the nomination,
region and day charts count those ever submitted (everything but drafts), the same set as the
screening list, so each bar equals that list's length under the matching filter.
"""

import math
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.regions import Region
from applications.models import Application, IneligibilityReason
from contests.models import Contest, Criterion, Nomination
from core import formats
from review.models import Review, Round, Score
from review.selectors import REVIEWABLE_STATES, progress_by_juror, round_criteria

# The jury's states in the order a progress bar stacks them: done first, declined last.
REVIEW_STATES = (
    Review.State.SUBMITTED,
    Review.State.REOPENED,
    Review.State.IN_PROGRESS,
    Review.State.ASSIGNED,
    Review.State.DECLINED,
)
# A histogram keeps at most this many bars; wider scales are grouped into equal bins.
MAX_BINS = 30


@dataclass(frozen=True)
class Row:
    key: object  # what the row counts: a state, a primary key, a day, a score
    label: str
    values: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class Chart:
    """One figure of the dashboard: the numbers behind its picture, its table and its CSV."""

    name: str  # a slug, unique within the dashboard (the CSV's address)
    title: str
    kind: str  # "bars" (horizontal, series stacked), "columns" (a histogram) or "line" (cumulative)
    label_header: str
    series: tuple[str, ...]
    rows: list[Row]
    description: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not any(row.total for row in self.rows)


@dataclass(frozen=True)
class Dashboard:
    contest: Contest
    round: Round | None
    submitted: int  # applications ever submitted (all but drafts)
    applications: list[Chart]
    screening: list[Chart]
    review: list[Chart]
    scores: list[Chart]

    @property
    def charts(self) -> dict[str, Chart]:
        every = [*self.applications, *self.screening, *self.review, *self.scores]
        return {chart.name: chart for chart in every}


def report_round(contest: Contest) -> Round | None:
    """The round the figures are about: the open one, else the latest closed, else the latest planned."""
    return (
        Round.objects.filter(contest=contest)
        .select_related("contest")
        .annotate(
            priority=Case(
                When(state=Round.State.OPEN, then=Value(0)),
                When(state=Round.State.CLOSED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("priority", "-number")
        .first()
    )


def dashboard(contest: Contest) -> Dashboard:
    nominations = list(
        Nomination.objects.filter(contest=contest)
        .annotate(n=Count("applications", filter=~Q(applications__state=Application.State.DRAFT)))
        .order_by("order", "pk")
        .values_list("pk", "title", "n")
    )
    by_state: dict[str, int] = {}
    by_reason: dict[str, int] = {}
    for state, reason, n in (
        Application.objects.filter(contest=contest)
        .values_list("state", "ineligibility_reason")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_state[state] = by_state.get(state, 0) + n
        if state == Application.State.INELIGIBLE:
            by_reason[reason] = by_reason.get(reason, 0) + n
    round_ = report_round(contest)
    review: list[Chart] = []
    scores: list[Chart] = []
    if round_ is not None:
        review = [juror_progress_chart(round_), nomination_progress_chart(round_, nominations)]
        scores = score_charts(round_)
    return Dashboard(
        contest=contest,
        round=round_,
        submitted=sum(n for state, n in by_state.items() if state != Application.State.DRAFT),
        applications=[
            states_chart(by_state),
            nominations_chart(nominations),
            regions_chart(contest),
            reach_chart(contest),
            days_chart(contest),
        ],
        screening=[outcomes_chart(by_state), reasons_chart(by_reason)],
        review=review,
        scores=scores,
    )


# --- applications ---------------------------------------------------------------------------------


def states_chart(by_state: dict[str, int]) -> Chart:
    return Chart(
        name="states",
        title=_("Applications by state"),
        kind="bars",
        label_header=_("State"),
        series=(_("Applications"),),
        rows=[
            Row(value, str(label), (by_state.get(value, 0),)) for value, label in Application.State.choices
        ],
        description=_("Every application, drafts included."),
    )


def nominations_chart(nominations: list[tuple[int, str, int]]) -> Chart:
    return Chart(
        name="nominations",
        title=_("Applications by nomination"),
        kind="bars",
        label_header=_("Nomination"),
        series=(_("Applications"),),
        rows=[Row(pk, title, (n,)) for pk, title, n in nominations],
        description=_("Submitted applications (all but drafts)."),
    )


def regions_chart(contest: Contest) -> Chart:
    counts = dict(
        Application.objects.filter(contest=contest)
        .exclude(state=Application.State.DRAFT)
        .values_list("organisation__region")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # Most applications first; regions with none stay listed (in the usual order): the gaps matter too.
    order = {value: i for i, value in enumerate(Region.values)}
    rows = [Row(value, str(label), (counts.get(value, 0),)) for value, label in Region.choices]
    rows.sort(key=lambda row: (-row.values[0], order[row.key]))
    return Chart(
        name="regions",
        title=_("Applications by region"),
        kind="bars",
        label_header=_("Region"),
        series=(_("Applications"),),
        rows=rows,
        description=_("Submitted applications by the oblast of the applicant organisation."),
    )


def reach_chart(contest: Contest) -> Chart:
    """How much of the country the call reached: per oblast, the organisations registered in
    Konkurs (imported ones too) split into those that submitted to this contest and the rest."""
    registered = dict(Organisation.objects.values_list("region").annotate(n=Count("pk")).order_by())
    applied = dict(
        Application.objects.filter(contest=contest)
        .exclude(state=Application.State.DRAFT)
        .values_list("organisation__region")
        .annotate(n=Count("organisation", distinct=True))
        .order_by()
    )
    rows = [
        Row(value, str(label), (applied.get(value, 0), registered.get(value, 0) - applied.get(value, 0)))
        for value, label in Region.choices
        if registered.get(value)
    ]
    rows.sort(key=lambda row: -row.total)
    return Chart(
        name="reach",
        title=_("Organisations reached by region"),
        kind="bars",
        label_header=_("Region"),
        series=(_("Submitted an application"), _("Not yet")),
        rows=rows,
        description=_(
            "Organisations registered in Konkurs by oblast (imported ones included): those that "
            "submitted an application to this contest, and the others."
        ),
    )


def days_chart(contest: Contest) -> Chart:
    """Submissions per day in the contest's time zone and the running total, towards the deadline.

    A resubmitted application counts on the day of its latest submission.
    """
    zone = ZoneInfo(contest.time_zone)
    per_day = list(
        Application.objects.filter(contest=contest, submitted_at__isnull=False)
        .exclude(state=Application.State.DRAFT)
        .annotate(day=TruncDate("submitted_at", tzinfo=zone))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    rows, running = [], 0
    for day, n in per_day:
        running += n
        rows.append(Row(day, formats.day(day), (n, running)))
    deadline = contest.local(contest.closes_at).date() if contest.closes_at else None
    days = [row.key for row in rows]
    start = min(
        filter(None, [contest.local(contest.opens_at).date() if contest.opens_at else None, *days]),
        default=None,
    )
    end = max(filter(None, [deadline, *days]), default=None)
    return Chart(
        name="days",
        title=_("Submissions by day"),
        kind="line",
        label_header=_("Day (%(zone)s)") % {"zone": contest.time_zone},
        series=(_("Submitted that day"), _("Submitted in total")),
        rows=rows,
        description=_("The running total of submitted applications by day, up to the deadline."),
        extra={"start": start, "end": end, "deadline": deadline},
    )


# --- screening ------------------------------------------------------------------------------------


def outcomes_chart(by_state: dict[str, int]) -> Chart:
    passed = sum(by_state.get(state, 0) for state in REVIEWABLE_STATES)
    rows = [
        Row("eligible", _("Eligible (including those in review and decided)"), (passed,)),
        Row(
            Application.State.INELIGIBLE,
            _("Ineligible"),
            (by_state.get(Application.State.INELIGIBLE, 0),),
        ),
        Row(
            Application.State.RETURNED,
            _("Returned for correction"),
            (by_state.get(Application.State.RETURNED, 0),),
        ),
        Row(
            Application.State.SUBMITTED,
            _("Waiting for screening"),
            (by_state.get(Application.State.SUBMITTED, 0),),
        ),
    ]
    return Chart(
        name="screening",
        title=_("Screening outcomes"),
        kind="bars",
        label_header=_("Outcome"),
        series=(_("Applications"),),
        rows=rows,
    )


def reasons_chart(by_reason: dict[str, int]) -> Chart:
    return Chart(
        name="reasons",
        title=_("Reasons of ineligibility"),
        kind="bars",
        label_header=_("Reason"),
        series=(_("Applications"),),
        rows=[
            Row(value, str(label), (by_reason.get(value, 0),)) for value, label in IneligibilityReason.choices
        ],
    )


# --- review ---------------------------------------------------------------------------------------


def _review_series() -> tuple[str, ...]:
    labels = dict(Review.State.choices)
    return tuple(str(labels[state]) for state in REVIEW_STATES)


def juror_progress_chart(round_: Round) -> Chart:
    """The jury board's own figures (review.selectors.progress_by_juror), as a chart."""
    rows = [
        Row(juror.pk, juror.user.display_name, tuple(juror.counts[state] for state in REVIEW_STATES))
        for juror in progress_by_juror(round_)
    ]
    return Chart(
        name="jurors",
        title=_("Reviews by juror"),
        kind="bars",
        label_header=_("Juror"),
        series=_review_series(),
        rows=rows,
        description=_("Reviews of %(round)s by state.") % {"round": round_.title},
    )


def nomination_progress_chart(round_: Round, nominations: list[tuple[int, str, int]]) -> Chart:
    counts = {
        row["application__nomination_id"]: row
        for row in Review.objects.filter(round=round_)
        .values("application__nomination_id")
        .annotate(**{state: Count("pk", filter=Q(state=state)) for state in REVIEW_STATES})
        .order_by()
    }
    rows = [
        Row(pk, title, tuple(counts.get(pk, {}).get(state, 0) for state in REVIEW_STATES))
        for pk, title, _n in nominations
    ]
    return Chart(
        name="review-nominations",
        title=_("Reviews by nomination"),
        kind="bars",
        label_header=_("Nomination"),
        series=_review_series(),
        rows=rows,
        description=_("Reviews of %(round)s by state.") % {"round": round_.title},
    )


def _bins(criterion: Criterion) -> list[tuple[int, int]]:
    """The histogram's bars as inclusive (low, high) score ranges: one per point on short scales."""
    width = math.ceil((criterion.scale_max - criterion.scale_min + 1) / MAX_BINS)
    return [
        (low, min(low + width - 1, criterion.scale_max))
        for low in range(criterion.scale_min, criterion.scale_max + 1, width)
    ]


def score_charts(round_: Round) -> list[Chart]:
    """For each of the round's criteria, how often each score was given in submitted reviews."""
    criteria = list(round_criteria(round_).select_related("nomination"))
    counts: dict[tuple[int, int], int] = {
        (criterion_id, value): n
        for criterion_id, value, n in Score.objects.filter(
            review__round=round_, review__state=Review.State.SUBMITTED, criterion__in=[c.pk for c in criteria]
        )
        .values_list("criterion_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    }
    charts = []
    for criterion in criteria:
        rows = []
        for low, high in _bins(criterion):
            n = sum(counts.get((criterion.pk, value), 0) for value in range(low, high + 1))
            rows.append(Row(low, str(low) if low == high else f"{low}–{high}", (n,)))
        where = (
            _("Nomination “%(nomination)s”.") % {"nomination": criterion.nomination.title}
            if criterion.nomination
            else ""
        )
        charts.append(
            Chart(
                name=f"scores-{criterion.pk}",
                title=_("Scores for “%(criterion)s”") % {"criterion": criterion.title},
                kind="columns",
                label_header=_("Score"),
                series=(_("Scores given"),),
                rows=rows,
                description=" ".join(
                    filter(
                        None,
                        [
                            _("Submitted scores on the scale %(low)s–%(high)s.")
                            % {"low": criterion.scale_min, "high": criterion.scale_max},
                            where,
                        ],
                    )
                ),
            )
        )
    return charts
