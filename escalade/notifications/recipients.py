"""Who receives a notification, from a role named in the policy, and on which channels.

Roles: "assignee", "level_manager", "team_manager", "on_call:<team key>", "requester",
"customer_primary", "customer_technical", "customer_executive", "customer_billing" and
"partner_agents" (the agents of the customer's partner at the ticket's level; every agent of the
partner when the ticket has no level).

Agents are reached by email (their user's address). Contacts are reached on the channels they
chose for the ticket's priority (`Contact.channels_for`): email to their email address, sms and
phone to their phone number; "portal" needs no message. During a contact's quiet hours (local
time of their organisation; the window may cross midnight, e.g. 22:00–07:00; start == end means
no quiet hours) only email is used — if they chose no email, email replaces the other channels —
unless the ticket has the policy's highest priority, which reaches them on every chosen channel.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass

from escalade.errors import DomainError
from escalade.notifications.models import OnCallRotation
from escalade.orgs.models import Agent, Contact, Team

logger = logging.getLogger("escalade.notifications")

HIGHEST_PRIORITIES = ("P1", "S1", "sev1")
CONTACT_ROLES = {
    "customer_primary": "is_primary",
    "customer_technical": "is_technical",
    "customer_executive": "is_executive",
    "customer_billing": "is_billing",
}
ROLES = (
    "assignee", "level_manager", "team_manager", "on_call:<team key>", "requester", *CONTACT_ROLES, "partner_agents",
)


@dataclass(frozen=True)
class Recipient:
    name: str
    channel: str
    address: str


def is_highest(ticket) -> bool:
    """The default test for "the policy's highest priority": P1, S1 or sev1."""
    return ticket.priority in HIGHEST_PRIORITIES


def in_quiet_hours(contact: Contact, at: dt.datetime) -> bool:
    """Whether `at` (aware) falls in the contact's quiet hours, in their organisation's time zone.
    The window includes its start and excludes its end."""
    start, end = contact.quiet_hours_start, contact.quiet_hours_end
    if start is None or end is None or start == end:
        return False
    local = at.astimezone(zoneinfo.ZoneInfo(contact.organisation.timezone)).time().replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end  # crosses midnight


def for_agent(agent: Agent | None) -> list[Recipient]:
    if agent is None or not agent.user.is_active or not agent.user.email:
        return []
    return [Recipient(agent.name, "email", agent.user.email)]


def for_contact(contact: Contact | None, priority: str, at: dt.datetime, *, highest: bool) -> list[Recipient]:
    """The contact's recipients for a ticket of `priority` at `at`."""
    if contact is None:
        return []
    channels = contact.channels_for(priority)
    if not highest and in_quiet_hours(contact, at):
        channels = ["email"] if any(c in ("email", "sms", "phone") for c in channels) else []
    found = []
    for channel in channels:
        address = {"email": contact.email, "sms": contact.phone, "phone": contact.phone}.get(channel, "")
        if address:
            found.append(Recipient(contact.name, channel, address))
    return found


def on_call_agent(team_key: str, at: dt.datetime) -> Agent | None:
    """The agent on call for the team at `at`: from the team's rotation with the latest start not
    after `at`. Raises DomainError for an unknown team."""
    team = Team.objects.filter(key=team_key).first()
    if team is None:
        raise DomainError(f"there is no team {team_key!r} to find who is on call", field="role")
    rotation = OnCallRotation.objects.filter(team=team, start__lte=at).order_by("-start", "-pk").first()
    agent = rotation.on_call_at(at) if rotation else None
    if agent is None:
        logger.warning("nobody is on call for team %s at %s", team_key, at.isoformat())
    return agent


def _partner_agents(ticket) -> list[Agent]:
    partner = ticket.organisation.partner
    if partner is None:
        return []
    agents = Agent.objects.filter(partner=partner).select_related("user").order_by("name", "pk")
    if ticket.level_id is not None:
        agents = agents.filter(levels=ticket.level_id)
    return list(agents.distinct())


def resolve(role: str, ticket, at: dt.datetime, *, is_highest_priority: bool | None = None) -> list[Recipient]:
    """The recipients for `role` on `ticket` at `at` (aware, UTC), one per channel and address, in order.

    `is_highest_priority` says whether quiet hours are overridden; by default, whether the ticket's
    priority is P1, S1 or sev1.
    """
    highest = is_highest(ticket) if is_highest_priority is None else is_highest_priority
    found: list[Recipient] = []
    if role == "assignee":
        found = for_agent(ticket.assignee)
    elif role == "level_manager":
        found = for_agent(ticket.level.manager if ticket.level else None)
    elif role == "team_manager":
        found = for_agent(ticket.team.manager if ticket.team else None)
    elif role.startswith("on_call:") and role.removeprefix("on_call:"):
        found = for_agent(on_call_agent(role.removeprefix("on_call:"), at))
    elif role == "requester":
        found = for_contact(ticket.requester, ticket.priority, at, highest=highest)
    elif role in CONTACT_ROLES:
        contacts = Contact.objects.filter(organisation=ticket.organisation_id, **{CONTACT_ROLES[role]: True})
        for contact in contacts.select_related("organisation").order_by("name", "pk"):
            found += for_contact(contact, ticket.priority, at, highest=highest)
    elif role == "partner_agents":
        for agent in _partner_agents(ticket):
            found += for_agent(agent)
    else:
        raise DomainError(f"unknown recipient role {role!r}; use one of {', '.join(ROLES)}", field="role")
    unique: dict[tuple[str, str], Recipient] = {}
    for recipient in found:
        unique.setdefault((recipient.channel, recipient.address), recipient)
    return list(unique.values())
