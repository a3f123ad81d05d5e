"""Reading the outbox: what was sent about a ticket, to whom, and how delivery went."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from escalade.errors import PermissionDenied
from escalade.notifications.models import OutboxMessage
from escalade.orgs.access import Viewer


def deliveries_for(viewer: Viewer, ticket) -> QuerySet[OutboxMessage]:
    """Every message queued about `ticket`, oldest first, with its delivery state (status,
    attempts, last_error, next_attempt_at, sent_at).

    Agents only: it includes pages and escalations to agents. The caller has already checked that
    the viewer may see the ticket (tickets.selectors.get_ticket)."""
    if not viewer.is_staff_side:
        raise PermissionDenied(_("Only agents see the notifications sent about a ticket"))
    return (
        OutboxMessage.objects.filter(ticket=ticket)
        .only("id", "ticket_id", "channel", "kind", "recipient", "recipient_name", "subject", "status",
              "attempts", "last_error", "next_attempt_at", "created_at", "sent_at", "message_id")
        .order_by("created_at", "pk")
    )


def delivery_counts(ticket) -> dict[str, int]:
    """How many of the ticket's messages are in each status, e.g. {"sent": 3, "failed": 1}."""
    rows = OutboxMessage.objects.filter(ticket=ticket).values("status").annotate(n=Count("pk")).order_by()
    return {row["status"]: row["n"] for row in rows}
