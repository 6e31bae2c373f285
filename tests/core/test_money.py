"""Money is a Decimal with two places and a currency, never a float."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.money import CENT, format_money, quantize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (Decimal("1.005"), Decimal("1.01")),  # half up, not banker's rounding
        (Decimal("2.675"), Decimal("2.68")),  # a float would give 2.67
        (Decimal("-1.005"), Decimal("-1.01")),
        ("10", Decimal("10.00")),
        (7, Decimal("7.00")),
        ("0.004", Decimal("0.00")),
    ],
)
def test_quantize_rounds_half_up_to_cents(raw, expected):
    result = quantize(raw)
    assert isinstance(result, Decimal)
    assert result == expected
    assert result.as_tuple().exponent == -2


@given(st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False, places=6))
def test_quantize_is_within_half_a_cent(amount):
    result = quantize(amount)
    assert abs(result - amount) <= CENT / 2
    assert quantize(result) == result


def test_sum_of_quantized_amounts_is_exact():
    assert sum((quantize("0.10") for _ in range(10)), Decimal("0")) == Decimal("1.00")


def test_format_money_in_english():
    with translation.override("en"):
        assert format_money(Decimal("1250000"), "UAH") == "1,250,000.00\xa0UAH"


def test_format_money_in_ukrainian():
    with translation.override("uk"):
        text = format_money(Decimal("1250000.5"), "UAH")
    # Ukrainian groups with a (non-breaking) space, uses a decimal comma and writes «грн».
    assert text.replace("\xa0", " ") == "1 250 000,50 грн"


def test_format_money_rounds_half_up():
    with translation.override("en"):
        assert format_money(Decimal("0.125"), "EUR") == "0.13\xa0EUR"
