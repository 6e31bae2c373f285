"""Many rows in one statement: bulk_create() without building the SQL in Python.

Django's bulk_create() adapts every value of every row in Python and sends ~15 quoted values per
row: for the 20,000 outbox rows of an announcement that was most of its time. On PostgreSQL
`insert_rows` sends the rows as one JSON document of arrays instead and lets the server expand
it (`INSERT … SELECT … FROM jsonb_array_elements(%s::jsonb)`); the values common to every row
travel once. Other databases (SQLite, the embedded mode) take the portable bulk_create() path.
"""

import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models

from core import clock


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _is_json(field: models.Field) -> bool:
    return field.get_internal_type() == "JSONField"


def _columns_not_given(model: type[models.Model], given: set[str]) -> tuple[dict, list[models.Field]]:
    """What bulk_create() would have put in the columns nobody gave: ({field: value}, [fields
    whose uuid4 default is drawn per row by the server])."""
    values: dict[models.Field, Any] = {}
    drawn: list[models.Field] = []
    now = clock.now()
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in given or field.attname in given:
            continue
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            values[field] = now
        elif field.default is uuid.uuid4:
            drawn.append(field)
        else:
            value = field.get_default()
            if value is not None or field.null:
                values[field] = value
    return values, drawn


def insert_rows(
    model: type[models.Model],
    rows: Iterable[dict[str, Any]] | Iterable[Sequence[Any]],
    *,
    columns: Sequence[str] | None = None,
    same: dict[str, Any] | None = None,
    ignore_conflicts: bool = False,
) -> int:
    """Insert `rows` (dicts of field names → values, the same keys in each; or tuples of the
    values of `columns`) with the values of `same` in every row, in the caller's transaction;
    the columns given nowhere get their defaults (`auto_now_add`: now). Returns how many rows
    were written (elsewhere than on PostgreSQL with `ignore_conflicts`: how many were sent)."""
    rows = list(rows)
    if not rows:
        return 0
    same = dict(same or {})
    meta = model._meta
    if columns is None:
        keys = list(rows[0])
        rows = [tuple(row[key] for key in keys) for row in rows]
    else:
        keys = list(columns)
    row_fields = [meta.get_field(key) for key in keys]
    fixed = {meta.get_field(key): value for key, value in same.items()}
    defaults, drawn = _columns_not_given(model, set(keys) | set(same))
    fixed = {**defaults, **fixed}
    quote = connection.ops.quote_name
    if connection.vendor != "postgresql":
        return _insert_portably(model, rows, row_fields, fixed, drawn, ignore_conflicts)
    names = [f.column for f in (*drawn, *fixed, *row_fields)]
    selected = [
        *("gen_random_uuid()" for _f in drawn),
        *("%s::jsonb" if _is_json(f) else "%s" for f in fixed),
    ]
    params = [
        json.dumps(value, default=_default, ensure_ascii=False)
        if _is_json(f)
        else f.get_db_prep_save(value.pk if isinstance(value, models.Model) else value, connection)
        for f, value in fixed.items()
    ]
    # Each row travels as a JSON array; its values are cast to the columns' types by the server
    # (jsonb ones taken as they are) and the array's order is the rows' order (their ids follow it).
    selected += [
        f"r.value -> {k}" if _is_json(f) else f"(r.value ->> {k})::{f.db_type(connection)}"
        for k, f in enumerate(row_fields)
    ]
    payload = json.dumps(rows, default=_default, ensure_ascii=False)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(map(quote, names))}) "
            f"SELECT {', '.join(selected)} FROM jsonb_array_elements(%s::jsonb) AS r(value)"
            + (" ON CONFLICT DO NOTHING" if ignore_conflicts else ""),
            [*params, payload],
        )
        return cursor.rowcount


def _insert_portably(
    model: type[models.Model],
    rows: list[Sequence[Any]],
    row_fields: list[models.Field],
    fixed: dict[models.Field, Any],
    drawn: list[models.Field],
    ignore_conflicts: bool,
) -> int:
    """Elsewhere (SQLite): one plain INSERT run for every row by the driver (executemany), the
    values adapted by the fields as bulk_create() would, but in one statement however many rows
    (bulk_create() splits them into batches of 999 parameters)."""

    def prep(field: models.Field, value: Any) -> Any:
        return field.get_db_prep_save(value.pk if isinstance(value, models.Model) else value, connection)

    fields = [*drawn, *fixed, *row_fields]
    same = [prep(f, v) for f, v in fixed.items()]
    params = [
        [
            *(prep(f, uuid.uuid4()) for f in drawn),
            *same,
            *(prep(f, value) for f, value in zip(row_fields, row, strict=True)),
        ]
        for row in rows
    ]
    quote = connection.ops.quote_name
    verb = "INSERT OR IGNORE" if ignore_conflicts and connection.vendor == "sqlite" else "INSERT"
    suffix = " ON CONFLICT DO NOTHING" if ignore_conflicts and connection.vendor != "sqlite" else ""
    with connection.cursor() as cursor:
        cursor.executemany(
            f"{verb} INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}){suffix}",
            params,
        )
    return len(rows)
