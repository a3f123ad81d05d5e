"""escalade.db.update_rows: many rows' columns set in one statement, every kind of value arriving as
written (PostgreSQL: as one JSON document, or as arrays for values JSON cannot carry; SQLite:
executemany)."""

import datetime as dt

from escalade.db import update_rows
from escalade.notifications.models import OutboxMessage
from escalade.notifications.outbox import enqueue


def _messages(world, n):
    return [enqueue(channel="email", recipient=f"r{i}@example.com", subject="s", body="b", kind="escalation",
                    dedupe_key=f"update-rows:{i}", ticket=world.acme_ticket) for i in range(n)]


def test_update_rows_writes_text_numbers_times_and_nulls(world):
    rows = _messages(world, 3)
    when = dt.datetime(2026, 3, 29, 0, 59, 59, 123456, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    texts = ['quote " and \\ backslash, comma', "Ünïcödé {braces} 'single'", ""]
    update_rows(OutboxMessage, ["subject", "attempts", "next_attempt_at", "sent_at"],
                [(r.pk, t, i + 1, when + dt.timedelta(days=i), None if i == 1 else when)
                 for i, (r, t) in enumerate(zip(rows, texts, strict=True))])
    got = list(OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk")
               .values_list("subject", "attempts", "next_attempt_at", "sent_at"))
    assert got == [(texts[0], 1, when, when), (texts[1], 2, when + dt.timedelta(days=1), None),
                   (texts[2], 3, when + dt.timedelta(days=2), when)]


def test_update_rows_writes_json_columns(world):
    rows = _messages(world, 2)
    update_rows(OutboxMessage, ["payload", "attempts"], [(r.pk, {"rule": f"r{i}", "n": [i]}, 5) for i, r in
                                                         enumerate(rows)])
    got = list(OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk").values_list("payload",
                                                                                                   "attempts"))
    assert got == [({"rule": "r0", "n": [0]}, 5), ({"rule": "r1", "n": [1]}, 5)]
