"""One event, one message per person per channel.

A monitor that opens a Severity 1 sends the technical contact the incident notice, and the rule
that fires on the same opening calls them: two messages for one event. Every message queued for a
ticket carries its event (`event_key(ticket, at)`: the ticket and the instant of what happened).
When a second message for the same event, channel and address is queued while the first still
waits for delivery, its text is added to the first and the second row is kept, marked
`coalesced` and pointing at the first, so its dedupe key still makes it happen once and the
ticket's delivery list still shows it."""

from __future__ import annotations

import datetime as dt

from escalade.notifications.models import OutboxMessage, Status

SEPARATOR = "\n\n———\n\n"


def event_key(ticket, at: dt.datetime | None) -> str:
    """The event a message about `ticket` at `at` (aware) belongs to; "" (no coalescing) without
    a ticket or an instant."""
    if ticket is None or getattr(ticket, "pk", None) is None or at is None:
        return ""
    return f"ticket:{ticket.pk}@{at.astimezone(dt.UTC).isoformat()}"


def coalesce(row: OutboxMessage) -> OutboxMessage:
    """Fold the new `row` into an earlier message of its event to the same person on the same
    channel that has not been tried yet; returns the row that will be delivered. Runs inside the
    caller's transaction (the earlier row is locked while its text grows)."""
    if not row.event_key:
        return row
    earlier = (OutboxMessage.objects.select_for_update()
               .filter(event_key=row.event_key, channel=row.channel, recipient=row.recipient,
                       status=Status.PENDING, attempts=0)
               .exclude(pk=row.pk).order_by("pk").first())
    if earlier is None:
        return row
    fold(row, earlier)
    earlier.save(update_fields=["body", "payload"])
    row.save(update_fields=["status", "coalesced_into"])
    return earlier


def fold(row: OutboxMessage, earlier: OutboxMessage) -> None:
    """Add the text of `row` to `earlier` and mark `row` coalesced into it (in memory: the caller
    saves both)."""
    earlier.body = f"{earlier.body.rstrip()}{SEPARATOR}{row.subject}\n\n{row.body.strip()}\n"
    earlier.payload = {**earlier.payload, "also": [*earlier.payload.get("also", []), row.kind]}
    row.status, row.coalesced_into = Status.COALESCED, earlier
