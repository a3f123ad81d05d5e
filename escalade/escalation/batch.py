"""Writing what a batch of the escalation sweep fires in a few statements, whatever the batch's
size: its firings with one INSERT, its level changes with one UPDATE (tickets.locking.held), its
messages with one INSERT (notifications.batch) and its audit events with one INSERT
(audit.chain.collected), all inside the batch's transaction.

The firing's unique key stays the last word: a key recorded meanwhile fails the INSERT, and the
sweep does the batch again one ticket at a time (sweep.py), where the duplicate fails only its
ticket's savepoint."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable

from escalade.audit.chain import collected, record
from escalade.escalation.models import Firing
from escalade.notifications.batch import queued_together
from escalade.tickets.locking import held
from escalade.tickets.models import Ticket

_firings: contextvars.ContextVar[list | None] = contextvars.ContextVar("escalation_firings", default=None)


@contextlib.contextmanager
def written_together(tickets: Iterable[Ticket]):
    """Within the block, the firings, the changes of `tickets` (claimed, locked), the outbox rows
    and the audit events are kept in memory, and written when the block ends without an error:
    firings, then tickets, then messages, then events. Yields the list of the block's new firings
    (filled as they are recorded)."""
    with collected(), queued_together(), held(tickets):
        kept: list[tuple[Firing, object]] = []
        new: list[Firing] = []
        token = _firings.set(kept)
        try:
            yield new
        finally:
            _firings.reset(token)
        Firing.objects.bulk_create([firing for firing, _ in kept])
        for firing, event in kept:  # the audit events are still in memory (collected)
            event.object_id = str(firing.pk)
        new.extend(firing for firing, _ in kept)


def record_firing(firing: Firing) -> None:
    """Insert a new firing and audit it (within `written_together`: when the block ends)."""
    kept = _firings.get()
    if kept is None:
        firing.save(force_insert=True)
    event = record(actor=f"system: escalation rule {firing.rule}", action="escalation.fired", obj=firing,
                   ticket_id=firing.ticket_id, at=firing.at,
                   after={"rule": firing.rule, "actions": [a["kind"] for a in firing.actions],
                          "visible_to_customer": firing.visible_to_customer})
    if kept is not None:
        kept.append((firing, event))
