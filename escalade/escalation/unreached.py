"""When a rule's message has nobody to go to.

A ticket a monitor opened has no requester, yet MyCorp promises "hourly status on any open Severity
1 cases": what is written for the requester goes to the roles of `escalation.no_requester` (the
customer's primary or technical contact), the first that reaches somebody. When nobody can be
reached at all, the firing is not silently "done": a "nobody to tell" task is recorded on the
ticket for a support manager (the manager page lists it with the other open tasks)."""

from __future__ import annotations

from escalade.audit.chain import record
from escalade.escalation import actions as act
from escalade.escalation.models import ReviewTask
from escalade.notifications.recipients import CONTACT_ROLES
from escalade.orgs.models import Contact
from escalade.policy import Policy, names
from escalade.tickets.models import Ticket

NOBODY = "nobody_to_tell"


def stand_ins(policy: Policy, ticket: Ticket, role: str) -> list[str]:
    """The roles to try, in order, for a message to `role`: the role itself, or for the requester
    of a ticket that has none, the policy's `escalation.no_requester` roles."""
    if role == "requester" and ticket.requester_id is None:
        return list(policy.escalation.no_requester)
    return [role]


def chose_the_portal(ticket: Ticket, role: str) -> bool:
    """Whether `role` names customer contacts who are there but chose to follow the ticket in the
    portal (no message) for its priority: reaching nobody is then their choice."""
    if role == "requester":
        contacts = [ticket.requester] if ticket.requester_id else []
    elif role in CONTACT_ROLES:
        contacts = list(Contact.objects.filter(organisation=ticket.organisation_id, **{CONTACT_ROLES[role]: True}))
    else:
        return False
    return any("portal" in c.channels_for(ticket.priority) for c in contacts)


def nobody_to_tell(ticket: Ticket, a: act.Action, role: str, kind: str, subject: str) -> ReviewTask | None:
    """Record that rule `a.rule` had a message (`kind`, `subject`) for `role` and nobody to send it
    to: an audit event, and an open task on the manager page (its `role` is the role nobody could
    be found for) unless one for the same rule and role is still open, so a recurring rule does not
    pile them up. None when the people of the role chose the portal."""
    if chose_the_portal(ticket, role):
        return None
    who = "the requester (the ticket has none), nor any stand-in the policy names" if (
        role == "requester" and ticket.requester_id is None) else names.role_name(None, role)
    record(actor=f"system: escalation rule {a.rule}", action="escalation.nobody_to_tell", obj=ticket,
           ticket_id=ticket.pk, at=a.at, after={"rule": a.rule, "role": role, "kind": kind, "subject": subject})
    if ReviewTask.objects.filter(ticket=ticket, kind=NOBODY, rule=a.rule, role=role,
                                 status=ReviewTask.Status.OPEN).exists():
        return None
    return ReviewTask.objects.create(
        ticket=ticket, kind=NOBODY, role=role, rule=a.rule, created_at=a.at,
        title=f"Nobody to tell: {subject}"[:200],
        reason=f"The rule “{names.rule_name(None, a.rule)}” had {_article(kind.replace('_', ' '))} for {who}, "
               f"and nobody could be reached: add a "
               f"contact or an address, or tell them yourself.")


def _article(noun: str) -> str:
    """'an escalation', 'a page': the indefinite article a reader expects before `noun`."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"
