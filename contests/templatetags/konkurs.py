"""Template helpers shared by every page: times in a contest's zone, money, form fields."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms, template
from django.utils import dateformat
from django.utils.html import format_html

from core.money import format_money

register = template.Library()

# Day, month in the genitive ("15 березня"), year, 24-hour time: unambiguous in both languages.
MOMENT_FORMAT = "j E Y, H:i"


@register.filter
def in_zone(moment: datetime | None, tz_name: str = "Europe/Kyiv"):
    """`<time>` showing the moment in the given zone, with the zone's name."""
    if not moment:
        return ""
    local = moment.astimezone(ZoneInfo(tz_name or "Europe/Kyiv"))
    return format_html(
        '<time datetime="{}">{} <span class="tz">({})</span></time>',
        moment.isoformat(),
        dateformat.format(local, MOMENT_FORMAT),
        tz_name,
    )


@register.filter
def money(amount, currency: str = "UAH") -> str:
    if amount is None:
        return ""
    return format_money(amount, currency)


@register.filter
def is_checkbox(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.filter
def is_multiple_choice(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


@register.simple_tag
def widget(bound_field, **attrs):
    """Render a field's widget pointing at its help text and errors (aria-describedby)."""
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}_helptext")
    if bound_field.errors:
        described_by.append(f"{bound_field.auto_id}_errors")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return bound_field.as_widget(attrs=attrs)


@register.inclusion_tag("includes/field.html")
def field(bound_field, **extra):
    return {"field": bound_field, **extra}
