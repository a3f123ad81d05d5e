"""The customer's answer to a resolved ticket: "Confirm the fix" (it closes) or "It is not fixed"
(a short reason, and it reopens). Both go through the status service (`services.change_status`:
the ticket lock, the lifecycle's customer moves, the policy's `lifecycle.customer_may_reopen`);
the reason is a public reply on the ticket, so the agent reads it where they work."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from escalade.errors import DomainError
from escalade.orgs.access import Viewer
from escalade.tickets import services
from escalade.tickets.models import Status, Ticket

MAX_REASON = 2000


def confirm_fix(viewer: Viewer, ticket: Ticket, *, expected_version: int | None = None) -> Ticket:
    """The customer confirms the resolution: the ticket closes."""
    return services.change_status(viewer, ticket, Status.CLOSED, expected_version=expected_version)


@transaction.atomic
def report_not_fixed(viewer: Viewer, ticket: Ticket, reason: str, *,
                     expected_version: int | None = None) -> Ticket:
    """The customer says the fix did not work: the ticket goes back In Progress and `reason` is
    added as their reply. DomainError on `reason` when it is empty or too long."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say briefly what is still wrong"), field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(_("Keep the reason under %(limit)s characters") % {"limit": MAX_REASON}, field="reason")
    ticket = services.change_status(viewer, ticket, Status.IN_PROGRESS, expected_version=expected_version)
    services.add_message(viewer, ticket, body=f"Not fixed: {reason}")
    ticket.refresh_from_db()
    return ticket
