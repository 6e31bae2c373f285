"""Permission names in the user's language.

Django stores a model's default permissions with English names built as "Can %s %s" (the action
and the model's untranslated verbose name), so the staff admin lists "Can add contest" whatever
the language. `permission_label` reads the action and the model and says it through our catalogue,
with the model's translated name; other permissions' names go through the catalogue as they are.
"""

import re
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}
DEFAULT_NAME = re.compile(r"^Can (add|change|delete|view) (.+)$")


def permission_label(permission: Permission) -> str:
    """`<app> | <model> | <what it allows>`, translated: the admin's label, in the user's language."""
    content_type = permission.content_type
    model = content_type.model_class()
    model_name = str(model._meta.verbose_name) if model is not None else content_type.model
    match = DEFAULT_NAME.match(permission.name)
    if match and model is not None and match.group(2) == model._meta.verbose_name_raw:
        name = ACTIONS[match.group(1)] % {"model": model_name}
    else:
        name = gettext(permission.name)
    app = content_type.app_label
    if model is not None:
        app = str(apps.get_app_config(model._meta.app_label).verbose_name)
    return f"{app} | {model_name} | {name}"


class TranslatedPermissionsMixin:
    """For a ModelAdmin with a `permissions` or `user_permissions` many-to-many: the choices read
    in the user's language."""

    def formfield_for_manytomany(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        return field
