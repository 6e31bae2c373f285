"""Versions of editable records: no silent overwrites.

A model that mixes in `Versioned` carries an integer `version`, raised by every save, and
`field_versions`: for each field that changed (and for each key of a JSON field, as
`answers.<key>`), the version that changed it, who and when. A writer that loaded version N
asks `check(obj, N)` on the locked row: if someone saved since, `StaleVersion` says the current
version and which fields changed. The API turns it into 412 (core.api.VersionedAPIMixin, ETag and
If-Match); the pages show the conflict and let the person choose.

Who is editing comes from `editing_as(user)` (set by the API for each request and by the
pages), or from `touch(obj, by=…)`.
"""

import contextvars
import copy
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy

from core import clock

_editor: contextvars.ContextVar[Any] = contextvars.ContextVar("versioning_editor", default=None)
SKIPPED = {"id", "version", "field_versions", "created_at", "updated_at"}


@contextmanager
def editing_as(user: Any) -> Iterator[None]:
    """Saves inside are stamped as made by `user`."""
    token = _editor.set(user if getattr(user, "is_authenticated", False) else None)
    try:
        yield
    finally:
        _editor.reset(token)


def current_editor() -> Any:
    """Who saves now: the user of `editing_as` or of the API request; None outside both."""
    return _editor.get()


def set_editor(user: Any) -> contextvars.Token:
    """For a request's span (the API's views): saves are stamped as made by `user`."""
    return _editor.set(user if getattr(user, "is_authenticated", False) else None)


def reset_editor(token: contextvars.Token) -> None:
    _editor.reset(token)


def _name(user: Any) -> str:
    if user is None:
        return ""
    return str(getattr(user, "display_name", "") or getattr(user, "email", "") or user)


class StaleVersion(Exception):
    """The record changed since the version the writer loaded."""

    def __init__(self, current: int, changed: list[str]) -> None:
        super().__init__(f"stale version; current {current}")
        self.current = current
        self.changed = changed


class Versioned(models.Model):
    version = models.PositiveIntegerField(gettext_lazy("version"), default=1, editable=False)
    field_versions = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.pk is not None:
            changed = self._changed_names() + list(getattr(self, "_touched", ()))
            self.version = (self.version or 0) + 1
            by = getattr(self, "_touched_by", None) or _editor.get()
            stamp = {"v": self.version, "by": _name(by), "at": clock.now().isoformat()}
            self.field_versions = {**(self.field_versions or {}), **dict.fromkeys(changed, stamp)}
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version", "field_versions"}
        super().save(*args, **kwargs)
        self._touched = ()
        self._remember()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._remember()
        return instance

    @classmethod
    def _trackable(cls) -> list[models.Field]:
        # Per class, once: every load and save asks (10,000 rows screened at once ask 10,000 times).
        if "_trackable_fields" not in cls.__dict__:
            cls._trackable_fields = [
                f for f in cls._meta.concrete_fields if f.name not in SKIPPED and not f.primary_key
            ]
        return cls._trackable_fields

    def _tracked(self) -> list[models.Field]:
        return [f for f in self._trackable() if f.attname in self.__dict__]

    def _remember(self) -> None:
        # Strings, numbers and dates are replaced, never changed in place: only containers (JSON
        # answers) need a copy of their own to compare against later.
        loaded = {}
        for field in self._tracked():
            value = self.__dict__[field.attname]
            loaded[field.attname] = copy.deepcopy(value) if isinstance(value, (dict, list)) else value
        self._loaded = loaded

    def _changed_names(self) -> list[str]:
        loaded = getattr(self, "_loaded", None)
        if loaded is None:
            return []
        names = []
        for field in self._tracked():
            if field.attname not in loaded:
                continue
            before, after = loaded[field.attname], self.__dict__[field.attname]
            if before == after:
                continue
            if isinstance(before, dict) and isinstance(after, dict):
                names += [
                    f"{field.name}.{key}"
                    for key in sorted(set(before) | set(after), key=str)
                    if before.get(key) != after.get(key)
                ]
            else:
                names.append(field.name)
        return names

    def changed_since(self, version: int) -> list[str]:
        """The fields (and JSON keys) saved after `version`."""
        return sorted(name for name, stamp in (self.field_versions or {}).items() if stamp["v"] > version)

    def change_of(self, name: str) -> tuple[str, datetime | None]:
        """Who last changed the field (or JSON key) and when."""
        stamp = (self.field_versions or {}).get(name)
        if not stamp:
            return "", None
        return stamp.get("by", ""), datetime.fromisoformat(stamp["at"])


def touch(obj: Versioned, *names: str, by: Any = None) -> None:
    """Before a save: also record these names as changed (e.g. rows of another table, `scores.3`),
    and who changed them."""
    obj._touched = (*getattr(obj, "_touched", ()), *names)
    if by is not None:
        obj._touched_by = by


def check(obj: Versioned, expected: int | None) -> None:
    """Raise StaleVersion when the writer loaded another version (None: no check, as before)."""
    if expected is not None and expected != obj.version:
        raise StaleVersion(obj.version, obj.changed_since(expected) if expected < obj.version else [])


def parse_version(raw: Any) -> int | None:
    """A version from a form field or an If-Match header (`"3"`, `W/"3"`, `3`); `*` or nothing:
    None (no check); anything else: 0, which never matches."""
    text = str(raw or "").strip()
    if not text or text == "*":
        return None
    text = text.removeprefix("W/").strip().strip('"')
    return int(text) if text.isdigit() else 0


def etag(version: int) -> str:
    return f'"{version}"'


def add_version_columns(app_label: str, model_names: list[str]) -> list:
    """Migration operations adding `version` and `field_versions` to existing tables.

    Plain ADD COLUMN with a constant default on both databases: Django would rebuild a SQLite
    table to add a NOT NULL column, which the triggers on other tables (awards, grants, review)
    that name it refuse."""
    from django.db import migrations

    columns = {
        "postgresql": [
            ("version", "integer NOT NULL DEFAULT 1 CHECK (version >= 0)"),
            ("field_versions", "jsonb NOT NULL DEFAULT '{}'::jsonb"),
        ],
        "sqlite": [
            ("version", "integer unsigned NOT NULL DEFAULT 1 CHECK (version >= 0)"),
            ("field_versions", "text NOT NULL DEFAULT '{}' CHECK (JSON_VALID(field_versions))"),
        ],
    }

    def tables(apps) -> list[str]:
        return [apps.get_model(app_label, name)._meta.db_table for name in model_names]

    def forwards(apps, schema_editor) -> None:
        for table in tables(apps):
            for column, definition in columns[schema_editor.connection.vendor]:
                schema_editor.execute(
                    f"ALTER TABLE {schema_editor.quote_name(table)} "
                    f"ADD COLUMN {schema_editor.quote_name(column)} {definition}"
                )

    def backwards(apps, schema_editor) -> None:
        for table in tables(apps):
            for column, _definition in columns[schema_editor.connection.vendor]:
                quoted = schema_editor.quote_name(table), schema_editor.quote_name(column)
                schema_editor.execute("ALTER TABLE {} DROP COLUMN {}".format(*quoted))

    state = []
    for name in model_names:
        state += [
            migrations.AddField(
                model_name=name,
                name="version",
                field=models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
            ),
            migrations.AddField(
                model_name=name,
                name="field_versions",
                field=models.JSONField(blank=True, default=dict, editable=False),
            ),
        ]
    return [
        migrations.SeparateDatabaseAndState(
            state_operations=state, database_operations=[migrations.RunPython(forwards, backwards)]
        )
    ]
