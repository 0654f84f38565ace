"""Querysets compiled to SQL once per database connection, then run with new values.

Django builds and compiles a queryset's SQL on every evaluation. On the patient's hot paths
(the device lookup behind every request, Today's per-day facts) that work costs several times
what running the query costs. A `Compiled` query is still written as an ordinary queryset, from
a function of named values; the first run on a connection builds it with sample values,
compiles it, and learns which SQL parameters carry which value. Later runs send the same SQL
with new values and turn the rows into Python values (or model instances, with their
`select_related` objects) with the compiler's own converters, exactly as Django would.

Runs go straight to the database driver's cursor, with the SQL already in the driver's
placeholder style, inside Django's error translation: Django's cursor wrappers cost more than
SQLite takes to run these queries. On PostgreSQL each statement is also prepared once per
connection (`_fetch_prepared`). When Django is recording queries (`DEBUG`, or a test
counting them) or a wrapper watches every query (`connection.execute_wrapper`), runs use
Django's cursor instead, so they are counted and wrapped like any other query.

A value the builder transforms (`day - timedelta(days=7)`) cannot be swapped in afterwards:
compiling notices it and refuses, so pass the derived value as its own parameter.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, TypeVar
from uuid import UUID

import psycopg
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)
# psycopg prepares a statement once it has run this many times; Django's own client-binding
# cursors never prepare, so only `prepare=True` (compiled queries) does in practice.
PREPARE_ONLY_WHEN_ASKED = 2**31 - 1


def _sample(kind: type, n: int) -> Any:
    """The n-th sample of a parameter type: distinct, unlikely values no real row holds."""
    if kind is str:
        return f"\x1fsample-{n}"
    if kind is int:
        return 987_654_321_000 + n
    if kind is datetime:
        return datetime(1901, 1, 1, tzinfo=UTC) + timedelta(seconds=n)
    if kind is date:
        return date(1901, 1, 1) + timedelta(days=n)
    if kind is UUID:
        return UUID(int=n + 1)
    raise TypeError(f"no sample for parameter type {kind.__name__}")


def _adapt(conn: BaseDatabaseWrapper, value: Any) -> Any:
    """A value as a lookup passes it to the database driver (Django's own adapters)."""
    if isinstance(value, datetime):
        return conn.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return conn.ops.adapt_datefield_value(value)
    if isinstance(value, UUID) and not conn.features.has_native_uuid_field:
        return value.hex  # as UUIDField stores it
    return value


@dataclass
class _Plan:
    """One query compiled for one connection."""

    sql: str
    native_sql: str  # the same SQL in the driver's placeholder style
    params: list[Any]  # the constants, with the named values' places to be filled in
    slots: list[tuple[int, str]]  # (position in params, name)
    compiler: SQLCompiler
    converters: dict[int, Any]
    # For model instances only:
    model: type[Model] | None = None
    init_list: list[str] | None = None
    model_slice: slice | None = None
    populators: list[Any] | None = None


def _fetch_prepared(raw: psycopg.Connection[Any], sql: str, params: list[Any]) -> list[Any]:
    """PostgreSQL: the statement prepared on this connection the first time, then only
    executed. Parsing and planning these joins cost the server more than running them.
    Django turns psycopg's automatic preparing off (prepare_threshold None) and its own
    cursors bind values on the client, which cannot be prepared; this server-binding cursor
    asks for it explicitly, and only for compiled queries."""
    if raw.prepare_threshold is None:
        raw.prepare_threshold = PREPARE_ONLY_WHEN_ASKED
    with psycopg.Cursor(raw) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchall()


def _fetch(conn: BaseDatabaseWrapper, plan: _Plan, params: list[Any]) -> list[Any]:
    if conn.queries_logged or conn.execute_wrappers:
        with conn.cursor() as cursor:
            cursor.execute(plan.sql, params)
            return cursor.fetchall()
    # What Django's cursor does before a query, without its wrappers.
    conn.close_if_health_check_failed()
    conn.ensure_connection()
    conn.validate_thread_sharing()
    conn.validate_no_broken_transaction()
    with conn.wrap_database_errors:
        if conn.vendor == "postgresql":
            return _fetch_prepared(conn.connection, plan.native_sql, params)
        # SQLite: a plain cursor (Django's wrapper would convert placeholders on every run).
        cursor = conn.connection.cursor() if conn.vendor == "sqlite" else conn.create_cursor()
        try:
            cursor.execute(plan.native_sql, params)
            return list(cursor.fetchall())
        finally:
            cursor.close()


class Compiled(Generic[M]):
    """A queryset built by `build(**values)`, compiled once per connection.

    `types` names each value and its type (str, int, date, datetime or UUID). `rows()` returns the
    rows of a `values_list` queryset; `objects()` the model instances of a model queryset.
    """

    def __init__(self, build: Callable[..., QuerySet[M, Any]], **types: type) -> None:
        self.build = build
        self.types = types
        self._plans: weakref.WeakKeyDictionary[BaseDatabaseWrapper, _Plan] = (
            weakref.WeakKeyDictionary()
        )

    def _compile(self, conn: BaseDatabaseWrapper, for_objects: bool) -> _Plan:
        names = list(self.types)
        base = {name: _sample(kind, 0) for name, kind in self.types.items()}
        queryset = self.build(**base)
        compiler = queryset.query.get_compiler(connection=conn)
        sql, params = compiler.as_sql()
        params = list(params)
        slots: list[tuple[int, str]] = []
        for n, name in enumerate(names, start=1):
            changed = {**base, name: _sample(self.types[name], n)}
            other_sql, other_params = (
                self.build(**changed).query.get_compiler(connection=conn).as_sql()
            )
            if other_sql != sql or len(other_params) != len(params):
                raise ValueError(f"the query's shape depends on the value of {name!r}")
            for i, (a, b) in enumerate(zip(params, other_params, strict=True)):
                if a == b:
                    continue
                if a != _adapt(conn, base[name]) or b != _adapt(conn, changed[name]):
                    raise ValueError(
                        f"{name!r} is transformed inside the queryset; pass the result as "
                        "its own value"
                    )
                slots.append((i, name))
        missing = set(names) - {name for _, name in slots}
        if missing:
            raise ValueError(f"values not used by the query: {sorted(missing)}")
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        native_sql = sql
        if conn.vendor == "sqlite":  # "%s" -> "?", once, by Django's own conversion
            conn.ensure_connection()
            cursor = conn.create_cursor()
            native_sql = cursor.convert_query(sql)
            cursor.close()
        plan = _Plan(sql, native_sql, params, slots, compiler, compiler.get_converters(fields))
        if for_objects:
            klass_info = compiler.klass_info
            assert klass_info is not None, "objects() needs a queryset of model instances"
            select_fields = klass_info["select_fields"]
            start, end = select_fields[0], select_fields[-1] + 1
            plan.model = klass_info["model"]
            plan.init_list = [f[0].target.attname for f in compiler.select[start:end]]
            plan.model_slice = slice(start, end)
            # (django-stubs describes a later Django, whose version takes a fetch mode too)
            plan.populators = get_related_populators(  # type: ignore[call-arg]
                klass_info, compiler.select, conn.alias
            )
        return plan

    def _run(self, using: str, for_objects: bool, values: dict[str, Any]) -> tuple[_Plan, Any]:
        if values.keys() != self.types.keys():
            raise TypeError(f"expected the values {sorted(self.types)}, got {sorted(values)}")
        conn = connections[using]
        plan = self._plans.get(conn)
        if plan is None or (for_objects and plan.model is None):
            plan = self._plans[conn] = self._compile(conn, for_objects)
        params = list(plan.params)
        for i, name in plan.slots:
            params[i] = _adapt(conn, values[name])
        fetched = _fetch(conn, plan, params)
        rows: Any = fetched
        if plan.converters:
            rows = plan.compiler.apply_converters(fetched, plan.converters)
        return plan, rows

    def rows(self, using: str = "default", **values: Any) -> list[tuple[Any, ...]]:
        _, rows = self._run(using, False, values)
        return [tuple(row) for row in rows]

    def objects(self, using: str = "default", **values: Any) -> Iterator[M]:
        plan, rows = self._run(using, True, values)
        assert plan.model is not None and plan.init_list is not None
        assert plan.model_slice is not None and plan.populators is not None
        for row in rows:
            obj = plan.model.from_db(using, plan.init_list, row[plan.model_slice])
            for populator in plan.populators:
                populator.populate(row, obj)
            yield obj  # type: ignore[misc]
