"""Rounds built from plain descriptions (bulk inserts, so hypothesis can make dozens quickly), and
the hypothesis strategy that draws them."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from hypothesis import strategies as st

from applications.models import Application
from contests.models import Criterion
from review.models import Juror, Review, Round, Score
from tests.factories import ContestFactory, NominationFactory, OrganisationFactory, UserFactory

SCALES = [(0, 10), (1, 5), (0, 100), (-5, 5)]
WEIGHTS = [Decimal("0.5"), Decimal("1"), Decimal("2"), Decimal("3.25")]
STATES = [Review.State.SUBMITTED] * 4 + [Review.State.IN_PROGRESS, Review.State.REOPENED]


@dataclass
class Spec:
    criteria: list[tuple[Decimal, int, int]]  # weight, scale_min, scale_max
    nominations: int
    applications: int
    jurors: int
    # (juror, application, state, {criterion index: value})
    reviews: list[tuple[int, int, str, dict[int, int]]]
    trim_share: Decimal = Decimal("0.20")
    tie_break: int | None = None
    method: str = Round.Method.CALIBRATED
    # Application i is submitted before application i + 1, unless all at one moment.
    same_submission: bool = False


@dataclass
class Built:
    round: Round
    criteria: list[Criterion]
    applications: list[Application]
    jurors: list[Juror]
    reviews: dict[tuple[int, int], Review] = field(default_factory=dict)


def build(spec: Spec) -> Built:
    contest = ContestFactory()
    nominations = [NominationFactory(contest=contest) for _ in range(spec.nominations)]
    criteria = Criterion.objects.bulk_create(
        Criterion(contest=contest, title=f"Критерій {i}", weight=w, scale_min=lo, scale_max=hi, order=i)
        for i, (w, lo, hi) in enumerate(spec.criteria)
    )
    if spec.tie_break is not None:
        contest.tie_break_criterion = criteria[spec.tie_break]
        contest.save(update_fields=["tie_break_criterion"])
    now = timezone.now()
    applications = Application.objects.bulk_create(
        Application(
            contest=contest,
            nomination=nominations[i % len(nominations)],
            organisation=OrganisationFactory(),
            title=f"Проєкт {i}",
            state=Application.State.ELIGIBLE,
            number=f"K{contest.pk}-{i:03d}",
            submitted_at=now if spec.same_submission else now - timedelta(minutes=spec.applications - i),
        )
        for i in range(spec.applications)
    )
    jurors = Juror.objects.bulk_create(
        Juror(contest=contest, user=UserFactory(), region="lviv") for _ in range(spec.jurors)
    )
    round_ = Round.objects.create(
        contest=contest, number=1, title="Тур 1", trim_share=spec.trim_share, method=spec.method
    )
    reviews = Review.objects.bulk_create(
        Review(
            round=round_,
            juror=jurors[j],
            application=applications[a],
            state=state,
            submitted_at=now if state == Review.State.SUBMITTED else None,
            overall_comment=f"Відгук {j}-{a}",
        )
        for j, a, state, _scores in spec.reviews
    )
    Score.objects.bulk_create(
        Score(review=review, criterion=criteria[c], value=value)
        for review, (_j, _a, _state, scores) in zip(reviews, spec.reviews, strict=True)
        for c, value in scores.items()
    )
    built = Built(round_, criteria, applications, jurors)
    built.reviews = {(j, a): r for r, (j, a, _s, _v) in zip(reviews, spec.reviews, strict=True)}
    return built


@st.composite
def specs(draw, *, same_scale: bool = False, full: bool = False, states=None) -> Spec:
    """A random round: a few jurors, applications and criteria (weights and scales differ unless
    `same_scale`), partial assignments, partial scores (complete when `full`), some reviews not submitted."""
    scale = draw(st.sampled_from(SCALES))
    criteria = [
        (draw(st.sampled_from(WEIGHTS)), *(scale if same_scale else draw(st.sampled_from(SCALES))))
        for _ in range(draw(st.integers(1, 4)))
    ]
    applications = draw(st.integers(1, 7))
    jurors = draw(st.integers(1, 5))
    reviews = []
    for j in range(jurors):
        for a in range(applications):
            if not draw(st.booleans()):
                continue
            state = draw(st.sampled_from(states or STATES))
            chosen = (
                range(len(criteria))
                if full
                else draw(st.lists(st.integers(0, len(criteria) - 1), unique=True, max_size=len(criteria)))
            )
            scores = {c: draw(st.integers(criteria[c][1], criteria[c][2])) for c in chosen}
            reviews.append((j, a, state, scores))
    return Spec(
        criteria=criteria,
        nominations=draw(st.integers(1, 2)),
        applications=applications,
        jurors=jurors,
        reviews=reviews,
        trim_share=draw(st.sampled_from([Decimal("0"), Decimal("0.20"), Decimal("0.25"), Decimal("0.49")])),
        tie_break=draw(st.none() | st.integers(0, len(criteria) - 1)),
        method=draw(st.sampled_from(Round.Method.values)),
        same_submission=draw(st.booleans()),
    )
