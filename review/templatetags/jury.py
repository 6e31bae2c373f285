"""Template helpers of the jury's pages."""

from django import template

register = template.Library()


@register.simple_tag
def described_widget(bound_field, *ids: str, **attrs):
    """The widget pointing at its errors container (`<auto_id>_errors`, always present so that
    autosave can fill it) and at any other ids given, marked invalid when it has errors."""
    described_by = [i for i in ids if i]
    described_by.append(f"{bound_field.auto_id}_errors")
    attrs["aria-describedby"] = " ".join(described_by)
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    return bound_field.as_widget(attrs=attrs)
