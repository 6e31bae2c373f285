"""A queryset's SQL compiled once per process, for reads on hot paths.

The ORM takes about a millisecond to compile a query with subqueries or joins, several times
what PostgreSQL takes to answer a small one. A `Compiled` query is built once with stand-in
values (negative ids, or strings no row holds) and its SQL kept; each call swaps the stand-ins
in the parameters for the real values and runs the same SQL. `bind` gives the SQL to run by
hand; `objects` gives the model instances the queryset itself would (its `select_related`
objects and annotations included), through the ORM's own iterable; `objects_together` runs
several in one round trip to PostgreSQL.
"""

import copy
import threading
from collections.abc import Callable, Mapping, Sequence

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.sql.constants import MULTI

_SWAPPED = (int, str)  # the types a stand-in may have (parameters of other types pass as they are)


class Compiled:
    def __init__(self, build: Callable[[], QuerySet]) -> None:
        self.build = build  # the queryset, written with the stand-ins
        self._prototypes: dict[str, tuple] = {}
        self._lock = threading.Lock()

    @property
    def compiled(self) -> tuple[str, tuple]:
        """The SQL and its parameters, with the stand-ins, on the default database."""
        _queryset, _compiler, sql, params, _converters = self._prototype(DEFAULT_DB_ALIAS)
        return sql, params

    def bind(self, values: Mapping[int | str, object]) -> tuple[str, list]:
        """The SQL and its parameters with each stand-in replaced by its value."""
        sql, params = self.compiled
        return sql, _swap(params, values)

    def objects(self, values: Mapping[int | str, object], using: str = DEFAULT_DB_ALIAS) -> list[Model]:
        """The queryset's rows as its model instances, with each stand-in replaced by its value.

        The first call on a database alias compiles the queryset (inside the caller's
        transaction, as `select_for_update` requires); later calls reuse that compiler's SQL and
        its description of the columns, on the calling thread's connection."""
        chained, _run = self._bound(values, using)
        return list(chained)

    def _bound(self, values: Mapping[int | str, object], using: str) -> tuple:
        """A clone of the queryset whose compiler runs the kept SQL with `values` (its `as_sql()`
        gives them): (the clone, its compiler)."""
        queryset, compiler, sql, params, converters = self._prototype(using)
        bound = _swap(params, values)
        run = copy.copy(compiler)
        run.connection = connections[using]  # a connection belongs to its thread
        run.as_sql = lambda *args, **kwargs: (sql, bound)
        run.get_converters = lambda expressions: converters  # the same columns every time
        chained = queryset._chain()
        chained.query.get_compiler = lambda *args, **kwargs: run
        return chained, run

    def _prototype(self, using: str) -> tuple:
        prototype = self._prototypes.get(using)
        if prototype is None:
            with self._lock:  # one thread compiles; a thread that waited finds it done
                prototype = self._prototypes.get(using)
                if prototype is not None:
                    return prototype
                queryset = self.build().using(using)
                compiler = queryset.query.get_compiler(using=using)
                sql, params = compiler.as_sql()
                converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
                prototype = (queryset, compiler, sql, tuple(params), converters)
                self._prototypes[using] = prototype
        return prototype


def objects_together(
    calls: Sequence[tuple[Compiled, Mapping[int | str, object]]], using: str = DEFAULT_DB_ALIAS
) -> list[list[Model]]:
    """`compiled.objects(values)` of each call, in order. On PostgreSQL the statements go in one
    round trip (psycopg's pipeline mode: sent together, executed one after the other by the
    server, answered together; a transaction about to start still gets its BEGIN answered
    first, as psycopg does), so a request's independent reads wait on the network once instead
    of once each. Elsewhere they run one after another."""
    connection = connections[using]
    if connection.vendor != "postgresql" or len(calls) < 2:
        return [compiled.objects(values, using) for compiled, values in calls]
    bound = [compiled._bound(values, using) for compiled, values in calls]
    cursors = []
    try:
        connection.ensure_connection()
        with connection.wrap_database_errors, connection.connection.pipeline():
            for _chained, run in bound:
                cursors.append(connection.cursor())
                cursors[-1].execute(*run.as_sql())
        # The pipeline synchronised on leaving its block: every answer is here.
        answers = [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()
    results = []
    for (chained, run), rows in zip(bound, answers, strict=True):
        if run.has_extra_select:  # columns the ORM selected for itself (as execute_sql drops them)
            rows = [row[: run.col_count] for row in rows]
        run.execute_sql = _answered(rows)
        results.append(list(chained))
    return results


def _answered(rows: list) -> Callable:
    """A compiler's execute_sql that hands over rows already fetched, as one block (MULTI)."""

    def execute_sql(result_type=MULTI, *args, **kwargs) -> list[list]:
        if result_type != MULTI:  # a compiled read is iterated, never asked for one row or a count
            raise NotImplementedError(result_type)
        return [rows]

    return execute_sql


def _swap(params, values: Mapping) -> list:
    return [_swapped(p, values) if isinstance(p, _SWAPPED) and not isinstance(p, bool) else p for p in params]


def _swapped(param: int | str, values: Mapping) -> object:
    value = values.get(param, param)
    # On PostgreSQL a literal's integer comes typed (psycopg's Int4): the value keeps that type.
    if value is not param and value is not None and type(param) not in _SWAPPED:
        return type(param)(value)
    return value


def set_prefetched(instance: Model, name: str, objects: list[Model]) -> None:
    """Give `instance` its related objects `name` as `prefetch_related(name)` would (read with
    `.all()` without a query), from rows read by hand, e.g. by a `Compiled` query."""
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache.pop(name, None)
    queryset = getattr(instance, name).all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance._prefetched_objects_cache[name] = queryset
