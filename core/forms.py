"""Form pieces every app's web interface shares: a local date-time field, and a service's
ValidationError put on a form."""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError

from core.web import add_errors

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def add_service_errors(form: forms.BaseForm, error: Exception) -> None:
    """Put a service's ValidationError on the form's fields (or on the form when no field fits),
    keeping each error's code; any other refusal goes through core.web.add_errors."""
    if not isinstance(error, ValidationError):
        add_errors(form, error)
    elif hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


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
