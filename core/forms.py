"""Form pieces every app's web interface shares: a local date-time field. (A service's refusal goes
on a form through core.web.add_errors.)"""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
ISO_DATE_FORMAT = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """`<input type="date">` with an ISO value (2026-12-05) in every language: a browser drops any
    other value ("05.12.2026") and shows the field blank. It displays the date in the person's own
    format; Django's date fields accept ISO input in every language."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or ISO_DATE_FORMAT)


class LocalDateTimeField(forms.DateTimeField):
    """A `datetime-local` input whose value stays naive: the form gives it the contest's zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT)
    input_formats = [DATETIME_LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        value = value.strip()
        for fmt in self.input_formats:
            try:
                return datetime.strptime(value, fmt)
            except (ValueError, TypeError):
                continue
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def prepare_value(self, value):
        return value


# --- the error summary (templates/includes/error_summary.html) ------------------------------------


def field_target(bound_field) -> str:
    """The id an error summary's link points at: the input itself, or a group's first option."""
    if isinstance(bound_field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        subwidgets = bound_field.subwidgets
        if subwidgets:
            return subwidgets[0].id_for_label
    return bound_field.id_for_label or bound_field.auto_id


def summary_item(message, *, target: str = "", label="", href: str = "") -> dict[str, str]:
    """One line of an error summary: a link to `target` (an element id on the page) when the
    message is about a field, or to `href` (a field on another page); plain text when it is about
    the whole form."""
    return {
        "target": target,
        "href": href or (f"#{target}" if target else ""),
        "label": str(label) if label else "",
        "message": str(message),
    }


def error_summary_items(*forms_: forms.BaseForm | None) -> list[dict[str, str]]:
    """Every error of the forms, in the order a person meets them: the form's own first, then each
    field's in the order of the page, each linking to its field."""
    items = []
    for form in forms_:
        if form is None or not form.errors:
            continue
        items += [summary_item(error) for error in form.non_field_errors()]
        for hidden in form.hidden_fields():
            items += [summary_item(error) for error in hidden.errors]
        for bound_field in form.visible_fields():
            for error in bound_field.errors:
                items.append(summary_item(error, target=field_target(bound_field), label=bound_field.label))
    return items
