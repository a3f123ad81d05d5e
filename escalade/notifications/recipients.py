"""Who receives a notification, from a role named in the policy, and on which channels.

Roles: "assignee", "level_manager", "team_manager", "on_call:<team key>", "requester",
"customer_primary", "customer_technical", "customer_executive", "customer_billing" and
"partner_agents" (the agents of the customer's partner at the ticket's level; every agent of the
partner when the ticket has no level, or is at a level none of them works at — e.g. Zynstra's
Third Level, where the partner is kept informed).

Agents are reached by email (their user's address); pages and calls (`page=True`) on the channels
of their `paging_preferences` for the ticket's priority: pager to their pager address, sms and phone
to their phone number. A page that cannot go that way — no preferences, no address for the chosen
channel, or the agent's quiet hours (their own time zone) at a priority below the policy's highest —
goes by email, and the recipient's `note` says why (stored on the outbox row as `fallback`).

Contacts are reached on the channels they chose for the ticket's priority (`Contact.channels_for`):
email to their email address, sms and phone to their phone number; "portal" needs no message.
During a contact's quiet hours (local time of their organisation; the window may cross midnight,
e.g. 22:00–07:00; start == end means no quiet hours) only email is used — if they chose no email,
email replaces the other channels — unless the ticket has the policy's highest priority, which
reaches them on every chosen channel.

A rule may choose the channels (`notify.channels` in the policy, `channels=` here): they replace
the person's own preferences — email to the email address, sms and phone to the phone number,
portal sends nothing. Quiet hours still apply as above (agents: their own quiet hours), and
someone with no address for any chosen channel gets email, with the reason in `note`.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from escalade.errors import DomainError
from escalade.notifications.models import OnCallRotation
from escalade.orgs.languages import agent_language, contact_language
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
    note: str = ""  # why a page went another way than the person asked (e.g. by email)
    # The language their messages are written in ("": the site's); not part of who they are.
    language: str = field(default="", compare=False)


def is_highest(ticket) -> bool:
    """The default test for "the policy's highest priority": P1, S1 or sev1."""
    return ticket.priority in HIGHEST_PRIORITIES


def _quiet(start: dt.time | None, end: dt.time | None, tz: str, at: dt.datetime) -> bool:
    if start is None or end is None or start == end:
        return False
    local = at.astimezone(zoneinfo.ZoneInfo(tz)).time().replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end  # crosses midnight


def in_quiet_hours(contact: Contact, at: dt.datetime) -> bool:
    """Whether `at` (aware) falls in the contact's quiet hours, in their organisation's time zone.
    The window includes its start and excludes its end."""
    return _quiet(contact.quiet_hours_start, contact.quiet_hours_end, contact.organisation.timezone, at)


def agent_in_quiet_hours(agent: Agent, at: dt.datetime) -> bool:
    """Whether `at` (aware) falls in the agent's quiet hours, in the agent's time zone."""
    return _quiet(agent.quiet_hours_start, agent.quiet_hours_end, agent.timezone, at)


def chosen_channels(name: str, addresses: dict[str, str], channels: tuple[str, ...] | list[str], *,
                    quiet: bool, why_quiet: str = "", language: str = "") -> list[Recipient]:
    """A person's recipients on the channels a rule chose (`notify.channels`): one per chosen
    channel they have an address for; during `quiet` hours only email (sms and phone are held
    back); "portal" sends nothing. Nobody reachable that way → email, noted."""
    wanted = [c for c in dict.fromkeys(channels) if c != "portal"]
    if not wanted:
        return []
    email = addresses.get("email", "")
    if quiet and any(c != "email" for c in wanted):
        return [Recipient(name, "email", email, f"quiet hours{why_quiet}: email instead of "
                                                  f"{', '.join(c for c in wanted if c != 'email')}",
                          language)] if email else []
    found = [Recipient(name, c, addresses[c], language=language) for c in wanted if addresses.get(c)]
    if not found and email:
        return [Recipient(name, "email", email, f"{name} has no address for {', '.join(wanted)}; sent by email",
                          language)]
    return found


def for_agent(agent: Agent | None, priority: str = "", at: dt.datetime | None = None, *, page: bool = False,
              highest: bool = False, channels: tuple[str, ...] = ()) -> list[Recipient]:
    """The agent's recipients: email, or for a page (`page=True`) the channels of their paging
    preferences for `priority` at `at`, falling back to email with the reason in `note`. For a
    notification with `channels` chosen by a rule: those channels (see `chosen_channels`)."""
    if agent is None or not agent.user.is_active:
        return []
    email = agent.user.email
    language = agent_language(agent)
    by_email = [Recipient(agent.name, "email", email, language=language)] if email else []
    if channels and not page:
        quiet = not highest and at is not None and agent_in_quiet_hours(agent, at)
        return chosen_channels(agent.name, {"email": email, "sms": agent.phone, "phone": agent.phone}, channels,
                               quiet=quiet, why_quiet=f" of {agent.name}", language=language)
    if not page:
        return by_email
    chosen = agent.paging_channels_for(priority)
    if not chosen:
        return _noted(by_email, f"{agent.name} has no paging preferences for {priority or 'this priority'}; "
                                f"paged by email")
    urgent = [c for c in chosen if c != "email"]
    if urgent and not highest and at is not None and agent_in_quiet_hours(agent, at):
        window = f"{agent.quiet_hours_start:%H:%M}–{agent.quiet_hours_end:%H:%M} {agent.timezone}"
        return _noted(by_email, f"quiet hours of {agent.name} ({window}) and {priority} is not the highest "
                                f"priority; paged by email")
    addresses = {"email": email, "sms": agent.phone, "phone": agent.phone, "pager": agent.pager}
    found = [Recipient(agent.name, c, addresses[c], language=language) for c in chosen if addresses.get(c)]
    missing = [c for c in urgent if not addresses.get(c)]
    if missing and not any(r.channel != "email" for r in found):
        what = " or ".join("pager address" if c == "pager" else "phone number" for c in dict.fromkeys(missing))
        return _noted([r for r in found if r.channel != "email"] + by_email,
                      f"{agent.name} has no {what} for {', '.join(missing)}; paged by email")
    return found


def _noted(recipients: list[Recipient], note: str) -> list[Recipient]:
    if not recipients:
        logger.warning("%s, and there is no email address either", note.rsplit(";", 1)[0])
    return [Recipient(r.name, r.channel, r.address, note, r.language) for r in recipients]


def for_contact(contact: Contact | None, priority: str, at: dt.datetime, *, highest: bool,
                channels: tuple[str, ...] = ()) -> list[Recipient]:
    """The contact's recipients for a ticket of `priority` at `at`: on their chosen channels, or on
    `channels` when a rule chose them (see `chosen_channels`)."""
    if contact is None:
        return []
    language = contact_language(contact)
    if channels:
        quiet = not highest and in_quiet_hours(contact, at)
        return chosen_channels(contact.name, {"email": contact.email, "sms": contact.phone, "phone": contact.phone},
                               channels, quiet=quiet, why_quiet=f" of {contact.name}", language=language)
    channels = contact.channels_for(priority)
    if not highest and in_quiet_hours(contact, at):
        channels = ["email"] if any(c in ("email", "sms", "phone") for c in channels) else []
    found = []
    for channel in channels:
        address = {"email": contact.email, "sms": contact.phone, "phone": contact.phone}.get(channel, "")
        if address:
            found.append(Recipient(contact.name, channel, address, language=language))
    return found


def on_call_agent(team_key: str, at: dt.datetime) -> Agent | None:
    """The agent on call for the team at `at`: from the team's rotation with the latest start not
    after `at`. Raises DomainError for an unknown team."""
    team = Team.objects.filter(key=team_key).first()
    if team is None:
        raise DomainError(_("there is no team %(team_key)r to find who is on call") % {
            "team_key": team_key}, field="role")
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
    if ticket.level_id is not None and agents.filter(levels=ticket.level_id).exists():
        agents = agents.filter(levels=ticket.level_id)
    return list(agents.distinct())


def resolve(role: str, ticket, at: dt.datetime, *, is_highest_priority: bool | None = None,
            page: bool = False, channels: tuple[str, ...] = ()) -> list[Recipient]:
    """The recipients for `role` on `ticket` at `at` (aware, UTC), one per channel and address, in order.

    `is_highest_priority` says whether quiet hours are overridden; by default, whether the ticket's
    priority is P1, S1 or sev1. `page`: a page or call, which reaches agents on their paging channels.
    `channels`: the channels a rule chose instead of each person's preferences (not for pages).
    """
    highest = is_highest(ticket) if is_highest_priority is None else is_highest_priority
    found: list[Recipient] = []
    channels = tuple(channels)

    def agent(a):
        return for_agent(a, ticket.priority, at, page=page, highest=highest, channels=channels)

    if role == "assignee":
        found = agent(ticket.assignee)
    elif role == "level_manager":
        found = agent(ticket.level.manager if ticket.level else None)
    elif role == "team_manager":
        found = agent(ticket.team.manager if ticket.team else None)
    elif role.startswith("on_call:") and role.removeprefix("on_call:"):
        found = agent(on_call_agent(role.removeprefix("on_call:"), at))
    elif role == "requester":
        found = for_contact(ticket.requester, ticket.priority, at, highest=highest, channels=channels)
    elif role in CONTACT_ROLES:
        contacts = Contact.objects.filter(organisation=ticket.organisation_id, **{CONTACT_ROLES[role]: True})
        for contact in contacts.select_related("organisation").order_by("name", "pk"):
            found += for_contact(contact, ticket.priority, at, highest=highest, channels=channels)
    elif role == "partner_agents":
        for partner_agent in _partner_agents(ticket):
            found += agent(partner_agent)
    else:
        raise DomainError(_("unknown recipient role %(role)r; use one of %(known)s") % {
            "role": role, "known": ", ".join(ROLES)}, field="role")
    unique: dict[tuple[str, str], Recipient] = {}
    for recipient in found:
        unique.setdefault((recipient.channel, recipient.address), recipient)
    return list(unique.values())
