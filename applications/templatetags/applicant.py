"""Template helpers of the applicant's pages."""

from django import template

register = template.Library()


@register.simple_tag
def answer_widget(bound_field, key: str, **attrs):
    """Render an answer's widget pointing at its help text and its (live) error box."""
    described_by = [f"errors-{key}"]
    if bound_field.help_text:
        described_by.insert(0, f"help-{key}")
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    if not _is_group(bound_field):
        attrs["aria-describedby"] = " ".join(described_by)
    return bound_field.as_widget(attrs=attrs)


def _is_group(bound_field) -> bool:
    return bool(getattr(bound_field.field.widget, "allow_multiple_selected", False)) or (
        bound_field.field.widget.input_type in ("radio", "checkbox")
        if hasattr(bound_field.field.widget, "input_type")
        else False
    )


@register.filter
def is_group(bound_field) -> bool:
    return _is_group(bound_field)
