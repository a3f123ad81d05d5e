"""Sweeps: find what has come due and do it. Each takes the reference time and returns how many
items it handled, so the loop knows whether there was work. Each item is claimed under lock by
the domain function, so any number of workers can run the same sweep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings

from escalade.audit.publish import publish_checkpoint
from escalade.audit.sequencer import seal_pending
from escalade.escalation.sweep import check_due
from escalade.mail.intake import process_received
from escalade.monitoring.compaction import compact_results
from escalade.monitoring.events import publish_started_and_ended
from escalade.monitoring.notices import send_due_notices
from escalade.monitoring.sweep import check_due_assets
from escalade.notifications.outbox import deliver_due
from escalade.policy.models import PolicyVersion
from escalade.policy.publish import policy_of
from escalade.sla.breaches import record_breaches
from escalade.surveys.nps import send_due_invitations
from escalade.throttle.buckets import prune as prune_token_buckets
from escalade.tickets.models import Status, Ticket
from escalade.tickets.services import auto_close_resolved


def close_resolved_tickets(now: dt.datetime) -> int:
    """Close unconfirmed resolutions after the days the ticket's policy says (the
    ESCALADE_AUTO_CLOSE_DAYS setting for tickets without a policy)."""
    closed = 0
    versions = Ticket.objects.filter(status=Status.RESOLVED).values_list("policy_version", flat=True).distinct()
    for version_id in versions:
        if version_id is None:
            days = settings.ESCALADE_AUTO_CLOSE_DAYS
        else:
            days = policy_of(PolicyVersion.objects.get(pk=version_id)).auto_close_after_days
        if days:
            closed += auto_close_resolved(now=now, after_days=days,
                                          among=Ticket.objects.filter(policy_version=version_id))
    return closed


def process_waiting_email(now: dt.datetime) -> int:
    """Received email becomes tickets, replies or held messages: claimed in batches (mail.intake)."""
    return process_received(now)


# Order matters within a round: waiting email becomes tickets first, monitoring checks may open
# incident tickets, breaches are recorded before the rules look, and the messages all of them queue
# are delivered last.
SWEEPS: list[Callable[[dt.datetime], int]] = [
    process_waiting_email, check_due_assets, record_breaches, check_due, close_resolved_tickets,
    send_due_notices,  # maintenance notices queue their messages before delivery
    publish_started_and_ended,  # maintenance start and end events for webhook subscribers
    send_due_invitations,  # the policy's periodic NPS survey queues its invitations before delivery
    deliver_due,
    seal_pending, publish_checkpoint,  # the audit events of this round get their place in the log, signed
    compact_results,  # old check results into hourly summaries; after the urgent work
    prune_token_buckets,  # rate-limit buckets that are full again
]
