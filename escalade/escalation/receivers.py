"""Every change of a ticket asks the escalation rules to look at it again, now."""

from django.dispatch import receiver

from escalade.escalation.models import EscalationCheck
from escalade.escalation.sweep import schedule_check
from escalade.tickets.lifecycle import ticket_changed


@receiver(ticket_changed)
def on_ticket_changed(sender, ticket, at, change: str, **kwargs) -> None:
    if ticket.policy_version_id is None:
        return
    if change == "opened":  # a new ticket has no check yet
        EscalationCheck.objects.create(ticket=ticket, next_check_at=at)
    elif change == "merged":  # closed as another ticket's duplicate: the rules follow that one now
        EscalationCheck.objects.filter(ticket=ticket).update(next_check_at=None)
    else:
        schedule_check(ticket, at)
