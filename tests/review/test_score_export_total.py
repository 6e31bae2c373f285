"""The score export's total, computed with the weights read once per export, is the ranking's
`total_of` to the last of its four decimal places (same float arithmetic, same order)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from contests.models import Criterion
from review.exports import TOTAL_PLACES, ScoresTable
from review.models import Round
from review.ranking import display_scale, total_of

SCALES = st.sampled_from([(0, 10), (1, 5), (0, 100), (-3, 3)])
WEIGHTS = st.sampled_from([Decimal("1"), Decimal("1.5"), Decimal("2.25"), Decimal("0.33"), Decimal("0")])


@st.composite
def reviews(draw):
    count = draw(st.integers(min_value=1, max_value=8))
    criteria, values = [], []
    for pk in range(1, count + 1):
        low, high = draw(SCALES)
        criteria.append(Criterion(pk=pk, title=f"C{pk}", weight=draw(WEIGHTS), scale_min=low, scale_max=high))
        values.append(draw(st.one_of(st.none(), st.integers(min_value=low, max_value=high))))
    return criteria, tuple(values)


@given(reviews())
def test_total_is_the_rankings(review):
    criteria, values = review
    expected = total_of(
        {c.pk: v for c, v in zip(criteria, values, strict=True) if v is not None},
        {c.pk: c for c in criteria},
        display_scale(criteria),
    )
    got = ScoresTable(Round(), criteria)._total()(values)
    assert got == (None if expected is None else Decimal(expected).quantize(TOTAL_PLACES))
