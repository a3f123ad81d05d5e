"""Queueing many messages in few statements: for a sweep that handles a batch of tickets in one
transaction (escalation.sweep). Within `queued_together()`, `outbox.enqueue` keeps its new rows;
when the block ends they are coalesced (`coalesce`: one event, one message per person and
channel) and inserted with one bulk INSERT (two when some are coalesced into others of the same
batch), after one query for the waiting messages they may join.

A key already in the table makes the INSERT fail with IntegrityError, which fails the caller's
transaction (or savepoint): the caller then does its work again without the block, where
`enqueue` makes the duplicate a no-op, one message at a time."""

from __future__ import annotations

import contextlib
import contextvars

from escalade.notifications.coalesce import fold
from escalade.notifications.models import OutboxMessage, Status

_queued: contextvars.ContextVar[dict[str, OutboxMessage] | None] = contextvars.ContextVar(
    "outbox_queued", default=None)


@contextlib.contextmanager
def queued_together():
    """Within the block, `enqueue` keeps its rows (by dedupe key: a key queued twice is one row)
    and inserts them all when the block ends without an error, inside the caller's transaction.
    Nothing in the block may read the new rows back from the database. Nested blocks join the
    outermost."""
    if _queued.get() is not None:
        yield
        return
    rows: dict[str, OutboxMessage] = {}
    token = _queued.set(rows)
    try:
        yield
    finally:
        _queued.reset(token)
    insert(list(rows.values()))


def keep(row: OutboxMessage) -> OutboxMessage | None:
    """Keep `row` for the enclosing `queued_together()` block and return the row its dedupe key
    makes (an earlier one of the block for a repeated key); None outside a block."""
    rows = _queued.get()
    if rows is None:
        return None
    return rows.setdefault(row.dedupe_key, row)


def insert(rows: list[OutboxMessage]) -> None:
    """Coalesce `rows` (new, unsaved) with each other and with the waiting messages of their
    events, then insert them: the rows that carry text first, then those coalesced into them."""
    if not rows:
        return
    events = {r.event_key for r in rows if r.event_key}
    # coalesce.coalesce's query for all the rows at once; uses the partial index outbox_event.
    waiting = list(OutboxMessage.objects.select_for_update().filter(
        event_key__in=events, status=Status.PENDING, attempts=0).order_by("pk")) if events else []
    earliest: dict[tuple[str, str, str], OutboxMessage] = {}
    for row in [*waiting, *rows]:
        if row.event_key:
            earliest.setdefault((row.event_key, row.channel, row.recipient), row)
    grown: dict[int, OutboxMessage] = {}
    for row in rows:
        into = earliest.get((row.event_key, row.channel, row.recipient)) if row.event_key else None
        if into is not None and into is not row:
            fold(row, into)
            if into.pk is not None:
                grown[into.pk] = into
    carriers = [r for r in rows if r.status != Status.COALESCED]
    OutboxMessage.objects.bulk_create(carriers)
    # Their carriers have their pks now (bulk_create returns them on PostgreSQL and SQLite).
    OutboxMessage.objects.bulk_create([r for r in rows if r.status == Status.COALESCED])
    for earlier in grown.values():  # rare: a message queued before this batch, for the same event
        earlier.save(update_fields=["body", "payload"])
