"""The highest priority through the priority matrix is reviewed, not taken on trust.

Ticking the first answer of every question used to give a customer P1 at once. Now (VIOE 7.3:
"Support will assess priority based on: business impact described, number of users affected,
availability of workaround"):

- a ticket whose answers suggest the policy's highest priority must describe its business impact
  (the `business_impact` text), whoever opens it;
- a customer's ticket then opens at the next priority, with a priority change request to the
  highest one (the existing review: `PriorityChangeRequest`, which an agent accepts or declines on
  the ticket page), its justification the business impact described. Accepting re-targets the
  SLA clocks through `services.update_ticket`, keeping the business time already counted;
- an agent's ticket (a phone call, an emergency line) opens at the highest priority: the agent
  answering the questions with the customer is the assessment.

A priority chosen directly (agents only) or a policy with a single priority is not held back."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from escalade.audit.chain import record
from escalade.errors import DomainError
from escalade.orgs.access import Viewer
from escalade.policy import Policy
from escalade.tickets.models import PriorityChangeRequest, Ticket
from escalade.tickets.priority_matrix import PrioritySuggestion

IMPACT_FIELD = "business_impact"


def needs_review(policy: Policy, suggestion: PrioritySuggestion) -> bool:
    """True when the answers (not a choice) suggest the policy's highest priority."""
    return suggestion.source == "matrix" and suggestion.key == policy.priority_keys[0]


def held_priority(policy: Policy) -> str:
    """The priority a customer's ticket runs at until the highest one is confirmed: the next one."""
    keys = policy.priority_keys
    return keys[1] if len(keys) > 1 else keys[0]


def opening_priority(viewer: Viewer, policy: Policy, suggestion: PrioritySuggestion,
                     business_impact: str) -> tuple[str, str | None]:
    """(the priority the ticket opens at, the priority to ask an agent to confirm or None).

    Raises DomainError on `business_impact` when the answers suggest the highest priority and no
    business impact is described."""
    if not needs_review(policy, suggestion):
        return suggestion.key, None
    if not (business_impact or "").strip():
        raise DomainError(_("Your answers suggest %(label)s: describe the business impact (what is stopped, for whom) "
                            "so support can confirm it") % {"label": suggestion.label}, field=IMPACT_FIELD)
    held = held_priority(policy)
    if viewer.is_staff_side or held == suggestion.key:
        return suggestion.key, None
    return held, suggestion.key


def ask_for_review(viewer: Viewer, ticket: Ticket, to_priority: str, business_impact: str,
                   at: dt.datetime) -> PriorityChangeRequest:
    """The pending request to `to_priority` on a ticket just opened (inside `open_ticket`'s
    transaction, so no one else can hold its lock yet), with the business impact as justification.
    Recorded as `ticket.priority_change_requested`, like a request made on the ticket page."""
    request = PriorityChangeRequest.objects.create(
        ticket=ticket, requested_by=viewer.user, from_priority=ticket.priority, to_priority=to_priority,
        justification=business_impact.strip(), created_at=at)
    record(actor=viewer.label, actor_user=viewer.user, action="ticket.priority_change_requested", obj=request,
           ticket_id=ticket.pk, at=at, before={"priority": ticket.priority},
           after={"priority": to_priority, "justification": request.justification, "from": "priority_matrix"})
    return request
