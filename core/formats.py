"""How money, numbers and dates are shown to people: the one place, per active language.

| language  | money              | number | date        |
|-----------|--------------------|--------|-------------|
| uk, ru    | 500 000,00 грн     | 1,5    | 20.03.2027  |
| en        | 500,000.00 UAH     | 1.5    | 2027-03-20  |

English dates are ISO 8601: unambiguous wherever the reader comes from (20/03 and 03/20 are not).
The groups of digits are joined by a no-break space in Ukrainian and Russian, so an amount never
breaks across lines; the currency sign follows the figure after another no-break space.

Pages use the template filters `money`, `number` and `day` (core.templatetags.konkurs); e-mails,
PDFs, charts and the human-readable columns of exports call these functions. Machine values
(the API, numeric export columns, `<input type="date">` values) stay plain: Decimal and ISO dates.

A notification's context is stored when it is sent and rendered later in the recipient's
language, so a service puts `money_value()` / `date_value()` in it, and `localise()` turns them
into text in the language of the message being rendered.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.formats import number_format

CENT = Decimal("0.01")
NBSP = "\xa0"

# How a currency is written after the figure, per language (ISO code where there is no custom).
SIGNS = {
    "uk": {"UAH": "грн", "EUR": "євро", "USD": "дол. США"},
    "ru": {"UAH": "грн", "EUR": "евро", "USD": "долл. США"},
}
DATE_PATTERNS = {"uk": "%d.%m.%Y", "ru": "%d.%m.%Y", "en": "%Y-%m-%d"}
DEFAULT_DATE_PATTERN = "%d.%m.%Y"

MONEY_KEY = "$money"
DATE_KEY = "$date"


def _language() -> str:
    return (translation.get_language() or "uk").split("-")[0]


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


def number(value: Any, places: int | None = None, *, grouping: bool = True) -> str:
    """`1,5`, `8,50` (places=2), `12 500` in Ukrainian; `1.5`, `8.50`, `12,500` in English.
    Without `places`, trailing zeros go (1.50 → 1,5; 140.00 → 140). None shows as an em dash."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    if places is None:
        amount = amount.normalize()
        exponent = amount.as_tuple().exponent
        places = max(-exponent, 0) if isinstance(exponent, int) else 0
    else:
        amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(amount, places, force_grouping=grouping)


def currency_sign(currency: str) -> str:
    return SIGNS.get(_language(), {}).get(currency, currency)


def money(amount: Any, currency: str = "UAH") -> str:
    """`500 000,00 грн` (uk, ru), `500,000.00 UAH` (en): always two places, digits grouped."""
    value = _decimal(amount)
    if value is None:
        return ""
    figure = number_format(value.quantize(CENT, rounding=ROUND_HALF_UP), 2, force_grouping=True)
    return f"{figure}{NBSP}{currency_sign(currency or 'UAH')}"


def day(value: date | datetime | str | None) -> str:
    """`20.03.2027` (uk, ru), `2027-03-20` (en). A datetime shows its own calendar day: convert it
    to the zone that matters first (Contest.local)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime(DATE_PATTERNS.get(_language(), DEFAULT_DATE_PATTERN))


def moment(value: datetime | None, *, seconds: bool = False) -> str:
    """`20.03.2027 18:00` (uk, ru), `2027-03-20 18:00` (en), in the zone `value` is already in."""
    if value is None:
        return ""
    return f"{day(value)} {value.strftime('%H:%M:%S' if seconds else '%H:%M')}"


# --- notification contexts: stored now, written out in the recipient's language later --------


def money_value(amount: Decimal, currency: str) -> dict:
    """A sum for a notification's context (JSON), written out by `localise()` when rendered."""
    plain = format(Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP), "f")
    return {MONEY_KEY: plain, "currency": currency}


def date_value(value: date) -> dict:
    """A date for a notification's context (JSON), written out by `localise()` when rendered."""
    return {DATE_KEY: value.isoformat()}


def localise_value(value: Any) -> Any:
    if isinstance(value, dict):
        if MONEY_KEY in value:
            return money(value[MONEY_KEY], value.get("currency", "UAH"))
        if DATE_KEY in value:
            return day(value[DATE_KEY])
    return value


def localise(context: dict) -> dict:
    """The context with its money and dates written out in the active language."""
    return {key: localise_value(value) for key, value in context.items()}
