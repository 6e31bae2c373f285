"""Template helpers shared by every page: times in a contest's zone, money, form fields."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms, template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core import formats
from core.forms import error_summary_items
from core.menu import links_for
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
    tz_name = tz_name or "Europe/Kyiv"
    local = moment.astimezone(ZoneInfo(tz_name))
    if tz_name == timezone.get_current_timezone_name():
        # The viewer's own zone (the site's, settings.TIME_ZONE): its name would only be noise.
        return format_html(
            '<time datetime="{}">{}</time>', moment.isoformat(), dateformat.format(local, MOMENT_FORMAT)
        )
    return format_html(
        '<time datetime="{}">{} <span class="tz">({})</span></time>',
        moment.isoformat(),
        dateformat.format(local, MOMENT_FORMAT),
        tz_name,
    )


@register.filter
def money(amount, currency: str = "UAH") -> str:
    """`{{ grant.amount|money:grant.currency }}`: «500 000,00 грн» (core.formats)."""
    if amount is None:
        return ""
    return formats.money(amount, currency)


@register.filter
def number(value, places=None) -> str:
    """`{{ weight|number }}` → «1,5»; `{{ mean|number:2 }}` → «8,50»; None → «—» (core.formats)."""
    return formats.number(value, None if places in (None, "") else int(places))


@register.filter
def day(value) -> str:
    """`{{ report.due_on|day }}` → «20.03.2027» (uk, ru), «2027-03-20» (en) (core.formats)."""
    return formats.day(value)


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


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms, items=None, title="", lead="", after=()):
    """The error summary at the top of a form (GOV.UK's pattern): what is wrong, each line linking
    to its field, focused when the page loads (static/js/error-summary.js). `items` are lines built
    elsewhere (core.forms.summary_item) for errors that are on no Django field, shown first; `lead`
    and `after` are lines of text before and after the list (e.g. what was saved all the same)."""
    items = [*(items or []), *error_summary_items(*forms)]
    return {"items": items, "title": title, "lead": lead, "after": after}


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


@register.simple_tag(takes_context=True)
def menu_links(context, place: str) -> list[dict]:
    """The links apps registered for this menu (core/menu.py) that the person may see."""
    request = context.get("request")
    return links_for(place, getattr(request, "user", None))
