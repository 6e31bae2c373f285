"""Money is a Decimal with two places and a currency, never a float."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from core import formats

CENT = Decimal("0.01")


class Currency(models.TextChoices):
    UAH = "UAH", _("Ukrainian hryvnia")
    EUR = "EUR", _("Euro")
    USD = "USD", _("US dollar")


def quantize(amount: Decimal | int | str) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal, currency: str) -> str:
    """`1 250 000,00 грн` in Ukrainian, `1,250,000.00 UAH` in English (core.formats.money)."""
    return formats.money(amount, currency)


def amount_field(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)
