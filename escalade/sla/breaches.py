"""Noticing breaches: running clocks whose due time has passed are marked breached at their due
time (not at the time the worker got to them) and the breach is audited once."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

from escalade.audit.chain import record
from escalade.sla.models import ClockStatus, SlaClock


def record_breaches(now: dt.datetime, batch: int = 100) -> int:
    """Mark up to `batch` overdue running clocks as breached; returns how many."""
    with transaction.atomic():
        due = SlaClock.objects.filter(status=ClockStatus.RUNNING, breached_at__isnull=True, due_at__lte=now)
        due = due.order_by("due_at")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        found = list(due.select_related("ticket")[:batch])
        for clock in found:
            clock.breached_at = clock.due_at
            clock.save(update_fields=["breached_at"])
            record(actor="system: sla", action="sla.breached", obj=clock, ticket_id=clock.ticket_id,
                   at=clock.due_at, after={"clock": clock.kind, "target": clock.target_text})
    return len(found)
