"""The breach sweep reads overdue running clocks through the partial index `sla_clock_running_due`
(WHERE status = 'running' AND breached_at IS NULL), never by scanning every clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from escalade.sla.breaches import record_breaches
from escalade.sla.models import ClockKind, ClockStatus, SlaClock
from escalade.tickets.models import Ticket
from tests.sla.support import utc


def _index_sql() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'sla_clock_running_due'")
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'sla_clock_running_due'")
        row = cursor.fetchone()
    assert row is not None, "index sla_clock_running_due is missing"
    return " ".join(row[0].replace('"', "").split())


def test_the_running_due_index_is_on_due_at_and_only_covers_running_unbreached_clocks(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, SlaClock._meta.db_table)
    index = constraints["sla_clock_running_due"]
    assert (index["index"], index["columns"]) == (True, ["due_at"])
    sql = _index_sql()
    where = sql.split("WHERE", 1)[1]
    assert "breached_at IS NULL" in where
    assert "status" in where and "'running'" in where


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are checked on PostgreSQL")
def test_the_breach_sweep_query_uses_the_running_due_index(world, vioe):
    # Many clocks, nearly all stopped or breached long ago; a few running ones are overdue.
    now = utc(2026, 11, 23, 12)
    tickets = Ticket.objects.bulk_create(
        Ticket(organisation=world.acme, subject=f"old {i}", description="-", policy_version=vioe,
               created_at=now, updated_at=now)
        for i in range(1500)
    )
    rows = []
    for i, ticket in enumerate(tickets):
        for kind in ClockKind.values:
            running = i % 300 == 0
            due = now - dt.timedelta(minutes=i) if running else now - dt.timedelta(days=30, minutes=i)
            rows.append(SlaClock(
                ticket=ticket, kind=kind, status=ClockStatus.RUNNING if running else ClockStatus.STOPPED,
                policy_version=vioe, plan="standard", priority="P3", target_minutes=60, target_text="-",
                calendar={"tz": "UTC"}, started_at=due - dt.timedelta(hours=1), due_at=due,
                breached_at=None if running or i % 2 else due,
            ))
    SlaClock.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sla_slaclock")
    with CaptureQueriesContext(connection) as queries:
        assert record_breaches(now) == 20
    [sweep] = [q["sql"] for q in queries.captured_queries if 'FROM "sla_slaclock"' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sweep)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "sla_clock_running_due" in plan, plan
