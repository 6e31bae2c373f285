"""Form pieces every app's web interface shares: a local date-time field. (A service's refusal goes
on a form through core.web.add_errors.)"""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


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
