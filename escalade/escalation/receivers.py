"""Every change of a ticket asks the escalation rules to look at it again, now."""

from django.dispatch import receiver

from escalade.escalation.sweep import schedule_check
from escalade.tickets.lifecycle import ticket_changed


@receiver(ticket_changed)
def on_ticket_changed(sender, ticket, at, **kwargs) -> None:
    if ticket.policy_version_id is not None:
        schedule_check(ticket, at)
