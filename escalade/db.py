"""Database helpers for the batched write paths (the sweeps, the audit sequencer)."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import math
from collections.abc import Callable
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


_remembered: contextvars.ContextVar[dict | None] = contextvars.ContextVar("remembered", default=None)


@contextlib.contextmanager
def remembering():
    """Within the block, `remembered()` keeps what it loads: for a batch that reads the same
    configuration rows again and again (levels by key, webhook subscriptions) and does not change
    them. Nested blocks share the outermost's memory."""
    if _remembered.get() is not None:
        yield
        return
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def remembered(key: tuple, load: Callable[[], T]) -> T:
    """`load()`, kept for the rest of the enclosing `remembering()` block (outside one: loaded
    every time)."""
    memory = _remembered.get()
    if memory is None:
        return load()
    if key not in memory:
        memory[key] = load()
    return memory[key]


def is_remembering() -> bool:
    """Whether a `remembering()` block is open."""
    return _remembered.get() is not None


def remember(key: tuple, value) -> None:
    """Keep `value` as what `remembered(key, …)` would load, for the rest of the enclosing
    `remembering()` block (outside one: nothing). For a read that answers several questions at once."""
    memory = _remembered.get()
    if memory is not None:
        memory[key] = value


def known_empty(instance, related: str) -> None:
    """Note that `instance`'s reverse relation `related` (a related_name) has no rows, as a
    prefetch_related would, so reading it later in the request asks the database nothing. For a
    row just inserted. (The queryset keeps its filter: .filter()/.get() on it still ask.)"""
    cached = getattr(instance, related).all()
    cached._result_cache, cached._prefetch_done = [], True
    instance._prefetched_objects_cache = {**getattr(instance, "_prefetched_objects_cache", {}), related: cached}


def update_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Set `columns` (field names) of many rows of `model` in one statement. Each row is
    (pk, value, …), the values in the order of `columns`. PostgreSQL: UPDATE … FROM unnest(…);
    SQLite: executemany. Bypasses the model's manager and save() (and Django's bulk_update, which
    spends milliseconds per row building CASE expressions): for the domain's own bookkeeping."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in columns]
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    names = [connection.ops.quote_name(f.column) for f in fields]
    prepared = [(row[0], *(f.get_db_prep_save(v, connection) for f, v in zip(fields, row[1:], strict=True)))
                for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = [model._meta.pk.db_type(connection).replace("serial", "int"), *(f.db_type(connection)
                                                                                   for f in fields)]
            sets = ", ".join(f"{n} = v.c{i}" for i, n in enumerate(names, start=1))
            rows_json = _as_json(prepared)
            if rows_json is not None:
                # The rows as one JSON document: psycopg writes a Python list as an array literal
                # element by element, which costs more than the statement itself for a few hundred rows.
                columns = ", ".join(f"(e->>{i})::{t} AS c{i}" for i, t in enumerate(types))
                cursor.execute(f"UPDATE {table} AS t SET {sets} FROM (SELECT {columns} FROM "
                               f"jsonb_array_elements(%s::jsonb) AS e) AS v WHERE t.{pk} = v.c0", [rows_json])
                return
            arrays = ", ".join(f"%s::{t}[]" for t in types)
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM unnest({arrays}) AS v(c0, "
                f"{', '.join(f'c{i}' for i in range(1, len(names) + 1))}) WHERE t.{pk} = v.c0",
                [list(column) for column in zip(*prepared, strict=True)])
        else:
            sets = ", ".join(f"{n} = %s" for n in names)
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", [(*r[1:], r[0]) for r in prepared])


_JSON_PLAIN = (str, int, float, type(None))


def _as_json(rows: list[tuple]) -> str | None:
    """`rows` as a JSON array of arrays (datetimes in ISO 8601, with their offset), or None when a
    value is of another kind (a JSON column's adapter, bytes, …)."""
    out = []
    for row in rows:
        values = []
        for v in row:
            if isinstance(v, _JSON_PLAIN) and not (isinstance(v, float) and not math.isfinite(v)):
                values.append(v)
            elif isinstance(v, dt.datetime) and v.utcoffset() is not None:
                values.append(v.isoformat())
            else:
                return None
        out.append(values)
    return json.dumps(out)
class Prepared:
    """A read of one fixed shape on a hot path (the API token of every request, a new ticket's
    requester), whose SQL Django builds once per connection instead of once per call: building it
    (joins, ordering, the select list) costs more CPU than the database takes to answer.

    `build(*args)` returns the queryset, always of the same shape: `Prepared` calls it once with
    stand-in arguments, finds them among the query's parameters, and thereafter runs the stored
    SQL with the real arguments in their places, making model instances (with their
    select_related rows) as Django's own iteration does. For string and integer arguments that are
    plain parameters of the query (filters by equality)."""

    def __init__(self, build: Callable[..., object], *kinds: type):
        self._build = build
        self._kinds = kinds
        self._compiled: dict[int, tuple] = {}  # id(connection wrapper) → (wrapper, compiled…)

    def _stand_ins(self) -> list:
        return [f"\x00prepared-{i}\x00" if kind is str else -987654321 - i for i, kind in enumerate(self._kinds)]

    def _compile(self):
        from django.db.models.query import get_related_populators

        stand_ins = self._stand_ins()
        queryset = self._build(*stand_ins)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        params = list(params)
        if any(params.count(s) != 1 for s in stand_ins):
            raise ValueError("each argument must appear exactly once among the query's parameters")
        slots = [params.index(s) for s in stand_ins]
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [f[0].target.attname for f in select[start:end]]
        populators = get_related_populators(klass_info, select, queryset.db)
        return compiler, sql, params, slots, klass_info["model"], (start, end), init_list, populators, queryset.db

    def all(self, *args) -> list:
        """The rows for `args`, as model instances."""
        from django.db import connections

        wrapper = connections["default"]
        entry = self._compiled.get(id(wrapper))
        if entry is None or entry[0] is not wrapper:
            if len(self._compiled) >= 32:  # one per thread that asked; threads come and go in tests
                self._compiled.pop(next(iter(self._compiled)))
            entry = self._compiled[id(wrapper)] = (wrapper, *self._compile())
        _, compiler, sql, params, slots, model, (start, end), init_list, populators, db = entry
        params = list(params)
        for slot, value in zip(slots, args, strict=True):
            params[slot] = value
        with wrapper.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        found = []
        for row in compiler.results_iter([rows]):
            obj = model.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            found.append(obj)
        return found

    def first(self, *args):
        rows = self.all(*args)
        return rows[0] if rows else None
