"""Money, numbers and dates in the reader's language (core.formats), per language, and the date
inputs that keep ISO values whatever the language (core.forms.DateInput)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from core import formats
from core.forms import DateInput
from core.money import format_money

NB = "\xa0"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("uk", f"500{NB}000,00{NB}грн"),
        ("ru", f"500{NB}000,00{NB}грн"),
        ("en", f"500,000.00{NB}UAH"),
    ],
)
def test_money_per_language(language, expected):
    with translation.override(language):
        assert formats.money(Decimal("500000"), "UAH") == expected
        assert format_money(Decimal("500000"), "UAH") == expected  # the old name says the same


def test_money_never_shows_a_float_or_a_bare_figure():
    with translation.override("uk"):
        assert formats.money("50000.5", "UAH") == f"50{NB}000,50{NB}грн"  # not "50000.5"
        assert formats.money(370000, "UAH") == f"370{NB}000,00{NB}грн"  # not "370000"
        assert formats.money(Decimal("60000.00"), "EUR") == f"60{NB}000,00{NB}євро"
        assert formats.money(Decimal("0.125"), "UAH") == f"0,13{NB}грн"  # half up
        assert formats.money(None, "UAH") == ""
    with translation.override("ru"):
        assert formats.money(Decimal("1"), "USD") == f"1,00{NB}долл. США"
    with translation.override("en"):
        assert formats.money(Decimal("1"), "EUR") == f"1.00{NB}EUR"


@pytest.mark.parametrize(
    ("language", "weight", "score", "count", "dash"),
    [
        ("uk", "1,5", "8,50", f"12{NB}500", "—"),
        ("ru", "1,5", "8,50", f"12{NB}500", "—"),
        ("en", "1.5", "8.50", "12,500", "—"),
    ],
)
def test_numbers_per_language(language, weight, score, count, dash):
    with translation.override(language):
        assert formats.number(Decimal("1.50")) == weight  # trailing zeros go
        assert formats.number(Decimal("8.5"), 2) == score  # a fixed number of places
        assert formats.number(12500) == count
        assert formats.number(None) == dash
        assert formats.number(Decimal("140.00")) == "140"
        assert formats.number(2.345, 2) in ("2,35", "2.35")  # floats go through their decimal text


@pytest.mark.parametrize(
    ("language", "expected"), [("uk", "20.03.2027"), ("ru", "20.03.2027"), ("en", "2027-03-20")]
)
def test_dates_per_language(language, expected):
    with translation.override(language):
        assert formats.day(date(2027, 3, 20)) == expected
        assert formats.day("2027-03-20") == expected
        assert formats.day(None) == ""
        assert formats.moment(datetime(2027, 3, 20, 18, 5)) == f"{expected} 18:05"


def test_template_filters_use_the_same_helper():
    template = Template(
        "{% load konkurs %}{{ amount|money:'UAH' }}|{{ weight|number }}|{{ mean|number:2 }}|{{ when|day }}"
    )
    context = Context(
        {"amount": Decimal("500000"), "weight": Decimal("1.50"), "mean": 8.5, "when": date(2027, 3, 20)}
    )
    with translation.override("uk"):
        assert template.render(context) == f"500{NB}000,00{NB}грн|1,5|8,50|20.03.2027"
    with translation.override("en"):
        assert template.render(context) == f"500,000.00{NB}UAH|1.5|8.50|2027-03-20"


def test_notification_values_are_written_out_in_the_language_of_the_message():
    context = {
        "amount": formats.money_value(Decimal("400"), "UAH"),
        "paid_on": formats.date_value(date(2025, 3, 1)),
        "reference": "ПД-1",
    }
    assert context["amount"] == {"$money": "400.00", "currency": "UAH"}  # JSON, no language yet
    with translation.override("uk"):
        assert formats.localise(context) == {
            "amount": f"400,00{NB}грн",
            "paid_on": "01.03.2025",
            "reference": "ПД-1",
        }
    with translation.override("en"):
        assert formats.localise(context)["amount"] == f"400.00{NB}UAH"
        assert formats.localise(context)["paid_on"] == "2025-03-01"


def test_a_rendered_e_mail_shows_money_and_dates_in_the_recipients_language():
    from notifications.rendering import render

    context = {
        "amount": formats.money_value(Decimal("20000"), "UAH"),
        "paid_on": formats.date_value(date(2025, 1, 20)),
        "reference": "ПД-1",
        "application": "Читальня",
        "link": "https://konkurs.example.org/grants/1/",
    }
    uk = render("grants.tranche_paid", "uk", context)
    assert f"20{NB}000,00{NB}грн" in uk.text and "20.01.2025" in uk.text
    assert "UAH" not in uk.text and "20000" not in uk.text
    en = render("grants.tranche_paid", "en", context)
    assert "20,000.00 UAH" in en.subject and "2025-01-20" in en.text


class _Dated(forms.Form):
    day = forms.DateField(widget=DateInput())


@pytest.mark.parametrize("language", ["uk", "ru", "en"])
def test_a_date_input_has_an_iso_value_in_every_language(language):
    with translation.override(language):
        html = str(_Dated(initial={"day": date(2026, 12, 5)})["day"])
        assert 'type="date"' in html and 'value="2026-12-05"' in html
        assert "05.12.2026" not in html
        # What the browser sends back (ISO) is accepted; nonsense is refused and changes nothing.
        assert _Dated({"day": "2026-12-05"}).is_valid()
        bad = _Dated({"day": "2026-13-45"})
        assert not bad.is_valid() and bad.errors["day"]
