"""Noticing breaches: running clocks whose due time has passed are marked breached at their due
time (not at the time the worker got to them) and the breach is audited once."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

from escalade.audit.chain import collected
from escalade.db import remembering, update_rows
from escalade.sla.clocks import record_breach
from escalade.sla.models import ClockStatus, SlaClock


def record_breaches(now: dt.datetime, batch: int = 100) -> int:
    """Mark up to `batch` overdue running clocks as breached; returns how many.

    Each clock is claimed together with its ticket, ticket first, without waiting (PostgreSQL:
    FOR NO KEY UPDATE OF ticket, clock SKIP LOCKED), as the lock order asks (docs/architecture.md,
    "Locks"): a clock whose ticket a request is writing is left for the next round, when the
    request may have stopped or re-targeted it."""
    with transaction.atomic(), remembering(), collected():  # the batch's breach events in one insert
        due = SlaClock.objects.filter(status=ClockStatus.RUNNING, breached_at__isnull=True, due_at__lte=now)
        due = due.order_by("due_at").select_related("ticket__organisation")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, no_key=True, of=("ticket", "self"))
        found = list(due[:batch])
        for clock in found:
            clock.breached_at = clock.due_at
        update_rows(SlaClock, ["breached_at"], [(c.pk, c.breached_at) for c in found])
        for clock in found:
            record_breach(clock)
    return len(found)
