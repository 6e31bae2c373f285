"""Write bodies never lose a field silently (issue 15, point 9).

Every serializer that reads a request body takes `RefuseUnknownFieldsMixin`: a field it does not
write answers 400 naming it, instead of 200 with the field dropped. It lives here, below
`core.api` and `core.steps`, so the steps' inputs can take it too.
"""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.fields import SkipField, empty
from rest_framework.relations import PKOnlyObject

# Keys a form of the browsable API adds to a body; never fields of a resource.
FORM_KEYS = frozenset({"csrfmiddlewaretoken", "_method", "_content", "_content_type"})


class RefuseUnknownFieldsMixin:
    """For serializers that write: a body naming a field the serializer does not write answers
    400 with one error per such field, instead of 200 with the field silently ignored.

    A read-only field is refused too, unless it carries the value the object already has (so a
    representation read by GET can be sent back whole with PUT). An input serializer apart from
    the resource's GET shape names that shape in `representation` and is given the object
    (`Input(obj, data=...)`): the shape's other fields are then accepted when unchanged too."""

    representation: type[serializers.BaseSerializer] | None = None

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) or hasattr(data, "keys"):
            errors = {}
            for name in sorted(set(data.keys()) - FORM_KEYS):
                field = self.fields.get(name)
                if field is None:
                    echoed = self._echoed(name)
                    if echoed is None or not self._unchanged(echoed, data[name]):
                        errors[name] = [_("Unknown field: it is not accepted here.")]
                elif field.read_only and not self._unchanged(field, data[name]):
                    errors[name] = [_("This field is read-only: it cannot be changed here.")]
                elif too_long(field, data[name]):
                    errors[name] = [field.error_messages["max_length"].format(max_length=field.max_length)]
            if errors:
                raise ValidationError(errors)
        return super().to_internal_value(data)

    def _echoed(self, name: str) -> serializers.Field | None:
        """The field `name` of the resource's GET shape, when this input has one and an object."""
        if self.representation is None or self._instance() is None:
            return None
        if not hasattr(self, "_representation_fields"):
            self._representation_fields = self.representation(self._instance(), context=self.context).fields
        return self._representation_fields.get(name)

    def _instance(self) -> Any:
        instance = getattr(self, "instance", None)
        return None if isinstance(instance, list | tuple) else instance

    def _unchanged(self, field: serializers.Field, value: Any) -> bool:
        instance = self._instance()
        if instance is None:
            return False
        try:
            attribute = field.get_attribute(instance)
        except SkipField:  # a missing source under PATCH: GET showed the field's default
            default = field.default
            return default is not empty and (default() if callable(default) else default) == value
        except Exception:  # a value that cannot be compared is not the stored one
            return False
        # As Serializer.to_representation: an empty attribute is shown as null, not rendered.
        if (attribute.pk if isinstance(attribute, PKOnlyObject) else attribute) is None:
            return value is None
        try:
            return field.to_representation(attribute) == value
        except Exception:
            return False


def refuse_any_field(data: Any) -> None:
    """For an action that takes no body: a field in one answers 400 naming it, as anywhere."""
    names = sorted(set(data.keys()) - FORM_KEYS) if hasattr(data, "keys") else []
    if names:
        raise ValidationError({name: [_("Unknown field: this action takes no fields.")] for name in names})


def too_long(field: serializers.Field, value: Any) -> bool:
    """A text longer than the field's max_length as sent, before DRF trims its whitespace: the
    schema's maxLength (issue 14) holds for what the client sends, not only for what is kept."""
    limit = getattr(field, "max_length", None)
    return (
        isinstance(field, serializers.CharField)
        and limit is not None
        and isinstance(value, str)
        and len(value) > limit
    )
