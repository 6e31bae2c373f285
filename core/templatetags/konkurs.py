"""Template helpers shared by every page: times in a contest's zone, money, form fields."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms, template
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.money import format_money
from core.panels import render_panels
from core.steps import catalogue_of
from core.web import step_form

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


# --- steps: what a person may do now (core.steps) --------------------------------------------------


@register.simple_tag(takes_context=True)
def may(context, obj, name: str) -> bool:
    """`{% may application "submit" as can_submit %}`: may the person take this step now?"""
    if obj is None:
        return False
    return catalogue_of(obj).may(obj, context["request"].user, name)


@register.inclusion_tag("includes/steps.html", takes_context=True)
def steps(context, obj, compact=False, only="", exclude="", next="", empty="", of=""):
    """The steps the person may take on `obj` now, as buttons (with their input fields unless
    `compact`); `only`/`exclude` name steps, comma-separated; `of` names the object for screen
    readers where a page lists the same buttons for many objects ("Open the round — Round 2")."""
    catalogue = catalogue_of(obj)
    chosen = catalogue.allowed(obj, context["request"].user)
    if only:
        chosen = [s for s in chosen if s.name in only.split(",")]
    if exclude:
        chosen = [s for s in chosen if s.name not in exclude.split(",")]
    return {
        "obj": obj,
        "compact": compact,
        "next": next,
        "empty": empty,
        "of": of,
        "csrf_token": context.get("csrf_token"),
        "steps": [
            {
                "step": step,
                "form": step_form(step, obj if compact else None),
                "url": reverse(step.page, args=[getattr(obj, catalogue.url_arg)])
                if step.page
                else reverse(catalogue.url_name, args=[getattr(obj, catalogue.url_arg), step.name]),
            }
            for step in chosen
        ],
    }


@register.simple_tag(takes_context=True)
def panels(context, place: str, obj):
    """The panels higher apps registered for this place on the page (core.panels)."""
    return mark_safe(render_panels(place, context["request"], obj))  # rendered by their templates
