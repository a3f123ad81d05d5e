"""The SLA engine listens to ticket events (tickets.lifecycle.ticket_changed) and to plan changes."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from escalade.orgs.models import Organisation
from escalade.sla import clocks
from escalade.sla.models import ClockStatus, SlaClock
from escalade.tickets.lifecycle import ticket_changed, ticket_opening
from escalade.tickets.locking import lock_ticket
from escalade.tickets.models import Ticket

RETARGET_FIELDS = {"priority", "category", "kind"}


@receiver(ticket_changed)
def on_ticket_changed(sender, ticket: Ticket, change: str, before: dict, after: dict, at, **kwargs) -> None:
    if change == "opened":
        clocks.start_clocks(ticket, at)
    elif change == "agent_reply":
        clocks.on_agent_public_reply(ticket, at)
    elif change == "status":
        clocks.on_status_change(ticket, before["status"], after["status"], at)
    elif change == "updated" and RETARGET_FIELDS & set(after):
        clocks.retarget(ticket, at, reason=", ".join(f"{k} {before.get(k)} → {after[k]}" for k in after))
    elif change == "policy_reapplied":
        clocks.retarget(ticket, at, reason=f"policy v{after.get('policy_version')} applied")


@receiver(ticket_opening)
def on_ticket_opening(sender, ticket: Ticket, at, **kwargs) -> None:
    clocks.prepare_clocks(ticket, at)


@receiver(pre_save, sender=Organisation)
def remember_plan_and_zone(sender, instance: Organisation, **kwargs) -> None:
    """Note what the plan and time zone were, so the save below knows whether they changed."""
    if instance.pk is not None:
        instance._sla_was = Organisation.objects.filter(pk=instance.pk).values_list(
            "plan", "timezone", "holiday_country", "holiday_subdivision").first()


@receiver(post_save, sender=Organisation)
def on_organisation_saved(sender, instance: Organisation, created: bool, **kwargs) -> None:
    """A changed plan, time zone or holiday country re-targets the open clocks of the customer's
    tickets."""
    was = getattr(instance, "_sla_was", None)
    now_is = (instance.plan, instance.timezone, instance.holiday_country, instance.holiday_subdivision)
    if created or was is None or was == now_is:
        return
    from escalade import clock

    now = clock.now()
    open_clocks = SlaClock.objects.filter(ticket__organisation=instance).exclude(status=ClockStatus.STOPPED)
    ticket_ids = Ticket.objects.filter(pk__in=open_clocks.values("ticket_id")).order_by("pk")
    reason = f"plan {instance.plan}, time zone {instance.timezone}, holidays {instance.holidays or 'none'}"
    with transaction.atomic():
        # The lock order: each ticket before its clocks; tickets by pk, so two such saves never deadlock.
        for pk in ticket_ids.values_list("pk", flat=True):
            clocks.retarget(lock_ticket(pk), now, reason=reason)
