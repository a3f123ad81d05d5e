"""Priority-change requests: "A customer may request a priority change with a justification; an
agent accepts or declines it" (VIOE 7.3).

The ticket's policy decides, in its `priority_change` section, whether customers may ask and
whether a justification is required. Accepting changes the priority through
`services.update_ticket`, so the ticket's SLA clocks re-target keeping the business time already
counted; the request, its justification and the decision are in the audit trail.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import Conflict, DomainError, NotFound, PermissionDenied
from escalade.orgs.access import Viewer
from escalade.policy import NotInPolicy, Policy
from escalade.policy.publish import policy_of
from escalade.tickets import services
from escalade.tickets.locking import current_state, expect_version, lock_ticket, save_change
from escalade.tickets.models import PriorityChangeRequest, Status, Ticket
from escalade.tickets.priority_matrix import not_in_policy
from escalade.tickets.selectors import visible_tickets

Request = PriorityChangeRequest


def _check_sees(viewer: Viewer, ticket: Ticket) -> None:
    """NotFound (never 'forbidden') unless the viewer may see the ticket, as selectors.get_ticket."""
    if not visible_tickets(viewer).filter(pk=ticket.pk).exists():
        raise NotFound(_("No ticket %(number)s that you can see") % {"number": ticket.number})


def _policy(ticket: Ticket) -> Policy | None:
    return policy_of(ticket.policy_version) if ticket.policy_version_id else None


def _priority_key(policy: Policy | None, priority: str) -> str:
    if not (priority or "").strip():
        raise DomainError(_("Say which priority the ticket should have"), field="priority")
    if policy is None:
        return priority.strip()
    try:
        return policy.priority(priority).key
    except NotInPolicy as exc:
        raise not_in_policy(exc, field="priority") from None


@transaction.atomic
def request_priority_change(viewer: Viewer, ticket: Ticket, priority: str, justification: str,
                            at: dt.datetime | None = None,
                            expected_version: int | None = None) -> PriorityChangeRequest:
    """Ask for `priority` (a key, name or alias of the ticket's policy) on `ticket`.

    Customers of the ticket's organisation may ask when the policy lets them (and their contact is
    authorised to make requests); agents who can see the ticket may always ask. Raises NotFound
    for a ticket the viewer cannot see, PermissionDenied, DomainError naming `priority` or
    `justification`, and Conflict while another request on the ticket is pending. The ticket is
    locked first (one request at a time per ticket) and its version raised.
    """
    ticket = lock_ticket(ticket)
    _check_sees(viewer, ticket)
    expect_version(ticket, expected_version)
    policy = _policy(ticket)
    rules = policy.priority_change if policy is not None else None
    if viewer.kind == "customer":
        if rules is None or not rules.customer_may_request:
            raise PermissionDenied(_("This support policy does not let customers ask for another priority; the support "
                                     "team sets it."))
        if not viewer.contact.can_open_tickets:
            raise PermissionDenied(_("%(name)s is not authorised to make requests for %(organisation)s; ask your "
                                     "primary contact.") % {
                "name": viewer.contact.name, "organisation": viewer.contact.organisation.name})
    elif not viewer.is_staff_side:
        raise PermissionDenied(_("Sign in to ask for another priority."))
    if ticket.status in (Status.RESOLVED, Status.CLOSED):
        raise Conflict(_("%(number)s is %(status)s; reopen it first") % {
            "number": ticket.number, "status": ticket.get_status_display()}, field="priority",
                       current=current_state(ticket))
    to_priority = _priority_key(policy, priority)
    if to_priority == ticket.priority:
        raise DomainError(_("%(number)s is already %(to_priority)s") % {
            "number": ticket.number, "to_priority": to_priority}, field="priority")
    justification = (justification or "").strip()
    if not justification and (rules is None or rules.justification_required):
        raise DomainError(_("Explain why the ticket needs another priority (its business impact, who is affected, "
                            "whether there is a workaround)"), field="justification")
    at = at or clock.now()
    if Request.objects.filter(ticket=ticket, status=Request.Status.PENDING).exists():
        raise Conflict(_("%(number)s already has a priority change waiting for an agent") % {
            "number": ticket.number}, field="priority",
                       current=current_state(ticket))
    try:
        with transaction.atomic():
            request = Request.objects.create(
                ticket=ticket, requested_by=viewer.user, from_priority=ticket.priority, to_priority=to_priority,
                justification=justification, created_at=at,
            )
    except IntegrityError:  # the unique constraint stays the last line of defence behind the lock
        raise Conflict(_("%(number)s already has a priority change waiting for an agent") % {"number": ticket.number},
                       field="priority") from None
    save_change(ticket, at=at)
    record(actor=viewer.label, actor_user=viewer.user, action="ticket.priority_change_requested", obj=request,
           ticket_id=ticket.pk, at=at, before={"priority": ticket.priority},
           after={"priority": to_priority, "justification": justification})
    return request


@transaction.atomic
def decide_priority_change(viewer: Viewer, request: PriorityChangeRequest, accept: bool, note: str = "",
                           at: dt.datetime | None = None,
                           expected_version: int | None = None) -> PriorityChangeRequest:
    """An agent accepts (the ticket takes the requested priority and its clocks re-target) or
    declines a pending request. Raises PermissionDenied for anyone but an agent, NotFound for a
    ticket the agent cannot see, and Conflict for a request already decided. Locks the ticket,
    then the request (the lock order); the decision raises the ticket's version."""
    if not viewer.is_staff_side:
        raise PermissionDenied(_("Only agents can accept or decline a priority change."))
    ticket = lock_ticket(request.ticket_id)
    request = Request.objects.select_for_update().get(pk=request.pk)
    request.ticket = ticket
    _check_sees(viewer, ticket)
    expect_version(ticket, expected_version)
    if request.status != Request.Status.PENDING:
        raise Conflict(_("This request was already %(status)s") % {
            "status": request.get_status_display().lower()}, field="status",
                       current=current_state(ticket))
    if accept and ticket.status == Status.CLOSED:
        raise Conflict(_("%(number)s is closed; its priority can no longer change") % {
            "number": ticket.number}, field="status",
                       current=current_state(ticket))
    at = at or clock.now()
    request.status = Request.Status.ACCEPTED if accept else Request.Status.DECLINED
    request.decided_by, request.decided_at, request.note = viewer.user, at, note.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "note"])
    save_change(ticket, at=at)
    # The decision, with the justification, comes first in the trail; then the change it causes
    # (ticket.updated, sla.clocks_retargeted).
    record(actor=viewer.label, actor_user=viewer.user, obj=request, ticket_id=ticket.pk, at=at,
           action=f"ticket.priority_change_{request.status}",
           before={"priority": request.from_priority},
           after={"priority": request.to_priority, "justification": request.justification, "note": request.note,
                  "requested_by": request.requested_by.get_username() if request.requested_by else None})
    if accept:
        services.update_ticket(viewer, ticket, priority=request.to_priority, at=at)
    return request
