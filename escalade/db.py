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
