"""The scenario file's format: one dataclass per part, loaded by the policy file's own loader
(`escalade.policy.load.load_spec`), so a scenario gets the same errors as a policy — every
unknown key, wrong type or value outside a fixed list at file:line:col, with the allowed keys
and the likely intended one. What needs the policy to check (plans, priorities, levels …) is
checked by `scenario.check_against`.

An event is a mapping with `at` and exactly one action key (`open`, `agent_reply` …), as a
policy trigger's `then` items are. See docs/simulate.md for a complete example.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

from escalade.monitoring.models import MonitoredAsset
from escalade.orgs.models import Agent as AgentModel
from escalade.orgs.models import Contact as ContactModel
from escalade.policy.schema import doc
from escalade.tickets.models import Kind, ResolutionType, Status

TicketStatus = Literal[tuple(Status.values)]
Resolution = Literal[tuple(ResolutionType.values)]
TicketKind = Literal[tuple(Kind.values)]
ContactChannel = Literal[tuple(ContactModel.CHANNELS)]
PageChannel = Literal[tuple(AgentModel.PAGE_CHANNELS)]
ContactRole = Literal["primary", "technical", "executive", "billing"]
AssetKind = Literal[tuple(MonitoredAsset.Kind.values)]

_WHEN = "An instant (`2026-11-23T09:00:00Z`) or an offset from `start` (`+30m`, `+2h`, `+1d`)."


# -- who ----------------------------------------------------------------------------------------

@dataclass(kw_only=True)
class Contact:
    """A person at a customer organisation."""
    name: str = doc("Full name; events name the contact by it (`requester`, `by`).")
    email: str = doc("Email address; default `<first name>@<organisation>.example.com`.", "")
    phone: str = doc("Phone number for sms and phone, international format.", "+15555550100")
    roles: list[ContactRole] = doc("primary, technical, executive, billing.", factory=list)
    channels: dict[str, list[ContactChannel]] = doc(
        "Channels per priority key, `*` for the rest, e.g. `{P1: [sms, email], '*': [email]}`.", factory=dict)
    quiet_hours: str = doc("`HH:MM-HH:MM` in the organisation's time zone; only email then.", "")
    can_open_tickets: bool = doc("Authorised to open tickets.", True)


@dataclass(kw_only=True)
class Asset:
    """A monitored system of the organisation (see simulate/monitoring.py)."""
    name: str = doc("Unique name; events name the system by it.")
    kind: AssetKind = doc("What kind of check.", "http")
    target: str = doc("What is checked; default the organisation's status page.", "")
    interval: str = doc("Minutes between checks (`15m`); default the policy's interval.", "")
    public: bool = doc("Shown on the public status page.", False)
    ref: str = doc("Name for the incident ticket it opens, for later events.", "")


@dataclass(kw_only=True)
class Organisation:
    """A customer."""
    name: str = doc("Name; events name the organisation by it.")
    plan: str = doc("A plan key of the policy.")
    timezone: str = doc("IANA time zone; the timeline shows its tickets' local time.", "UTC")
    partner: str = doc("Name of the partner serving it (created with a help desk agent).", "")
    contacts: list[Contact] = doc("Its people; default one primary technical contact "
                                  "`it@<name>.example.com` who wants email.", factory=list)
    assets: list[Asset] = doc("Monitored systems.", factory=list)


@dataclass(kw_only=True)
class Agent:
    """Someone on the support side."""
    name: str = doc("Full name; events name the agent by it (`by`, `assignee`).")
    email: str = doc("Email address; give a policy contact's address to make the agent that person "
                     "(their pages then follow this agent's preferences).", "")
    contact: str = doc("A key of the policy's `contacts`: name, email and phone from there.", "")
    phone: str = doc("Mobile number for sms and phone pages, international format.", "")
    pager: str = doc("Pager address.", "")
    levels: list[str] = doc("Support levels the agent works at; default every level.", factory=list)
    teams: list[str] = doc("Teams the agent belongs to; default every team.", factory=list)
    manages_levels: list[str] = doc("Levels whose manager the agent is.", factory=list)
    manages_teams: list[str] = doc("Teams whose manager the agent is.", factory=list)
    partner: str = doc("Name of the partner the agent works for (an organisation's `partner`).", "")
    paging: dict[str, list[PageChannel]] = doc(
        "Paging channels per priority key, `*` for the rest, e.g. `{P1: [pager, sms]}`; none: paged by email.",
        factory=dict)
    timezone: str = doc("The agent's time zone, for quiet hours.", "UTC")
    quiet_hours: str = doc("`HH:MM-HH:MM` local time; pages below the highest priority go by email then.", "")


@dataclass(kw_only=True)
class Rotation:
    """An on-call rotation: the members take turns of `shift`, in order, from `start`."""
    team: str = doc("Team key of the policy.")
    members: list[str] = doc("Agent names, in turn order.", min=1)
    start: str = doc("When the first shift begins. " + _WHEN, "+0m")
    shift: str = doc("Length of a shift in whole hours, e.g. `12h`.", "24h")


# -- what happens -------------------------------------------------------------------------------

@dataclass(kw_only=True)
class Opening:
    """A new ticket. The requester opens it (their channel), or an agent (`by`) on their behalf."""
    ref: str = doc("Name for the ticket, for later events; default t1, t2 …", "")
    org: str = doc("Organisation name.")
    subject: str = doc("Subject.", "Simulated ticket")
    description: str = doc("Description of the issue.", "Simulated")
    priority: str = doc("Priority key, name or alias; default the matrix's answer or the lowest.", "")
    category: str = doc("Category key or name.", "")
    kind: TicketKind = doc("fault, administration, question or billing.", "fault")
    channel: str = doc("How it arrived: portal, email, phone, chat, api, monitoring, emergency_line.", "portal")
    level: str = doc("Support level it starts at; default the first.", "")
    requester: str = doc("Contact name; default the organisation's first contact.", "")
    by: str = doc("Agent name, to open it on the requester's behalf (e.g. a phone call).", "")
    matrix: dict[str, str] = doc("Answers to the policy's priority-matrix questions.", factory=dict)
    steps_to_reproduce: str = doc("Intake field.", "")
    expected_behaviour: str = doc("Intake field.", "")
    actual_behaviour: str = doc("Intake field.", "")
    error_messages: str = doc("Intake field.", "")
    affected_users: str = doc("Intake field.", "")
    business_impact: str = doc("Intake field.", "")


INTAKE_FIELDS = ("steps_to_reproduce", "expected_behaviour", "actual_behaviour", "error_messages",
                 "affected_users", "business_impact")


@dataclass(kw_only=True)
class Reply:
    """A message on a ticket."""
    ticket: str = doc("The ticket's ref.")
    body: str = doc("Text.", "")
    by: str = doc("Agent name (agent_reply, note) or contact name (customer_reply); default the first.", "")


@dataclass(kw_only=True)
class StatusChange:
    """A status change."""
    ticket: str = doc("The ticket's ref.")
    to: TicketStatus = doc("The new status.")
    resolution_type: Resolution | None = doc("How it was resolved (required when resolving).", None)
    by: str = doc("`customer`, a contact or an agent name; default the first agent.", "")


@dataclass(kw_only=True)
class Change:
    """An agent changes one field (`priority`, `assign_level`)."""
    ticket: str = doc("The ticket's ref.")
    to: str = doc("Priority key, or level key.")
    by: str = doc("Agent name; default the first agent.", "")


@dataclass(kw_only=True)
class Update:
    """An agent changes some of priority, category, kind, level, team, assignee, subject."""
    ticket: str = doc("The ticket's ref.")
    priority: str = doc("Priority key.", "")
    category: str = doc("Category key.", "")
    kind: TicketKind | None = doc("Kind.", None)
    level: str = doc("Level key.", "")
    team: str = doc("Team key.", "")
    assignee: str = doc("Agent name.", "")
    subject: str = doc("Subject.", "")
    by: str = doc("Agent name; default the first agent.", "")


@dataclass(kw_only=True)
class EscalationRequest:
    """The customer asks for escalation."""
    ticket: str = doc("The ticket's ref.")
    business_impact: str = doc("Why it matters.", "Business impact")
    level: str = doc("The level asked for.", "")
    by: str = doc("Contact name; default the requester.", "")


@dataclass(kw_only=True)
class Answer:
    """A manager answers the ticket's management escalation."""
    ticket: str = doc("The ticket's ref.")
    answer: str = doc("Text.", "")
    by: str = doc("Agent name; default the level manager.", "")


@dataclass(kw_only=True)
class TaskDone:
    """A manager marks a review or follow-up task done, by its title."""
    ticket: str = doc("The ticket's ref.")
    task: str = doc("The task's title.")
    by: str = doc("Agent name; default the level manager.", "")


@dataclass(kw_only=True)
class Outage:
    """A monitored system fails every check from `at`."""
    asset: str = doc("System name.")
    for_: str = doc("How long; none: until a recovery.", "")
    detail: str = doc("The failure's text.", "HTTP 503 Service Unavailable")


@dataclass(kw_only=True)
class Recovery:
    """A monitored system's outage ends."""
    asset: str = doc("System name.")


@dataclass(kw_only=True)
class Maintenance:
    """A maintenance window is scheduled at `at`."""
    asset: str = doc("System name (or `org`, or neither: the whole service).", "")
    org: str = doc("Organisation name.", "")
    starts: str = doc("Start: " + _WHEN + " `-8d` is before `start`.", "")
    ends: str = doc("End, or give `for`.", "")
    for_: str = doc("Length, e.g. `2h`.", "1h")
    notice: str = doc("Announced this long before the start, e.g. `10d`; default at `at`.", "")
    reason: str = doc("Why.", "Maintenance")


@dataclass(kw_only=True)
class Event:
    """Something that happens: `at` and exactly one action."""
    at: str = doc(_WHEN)
    open: Opening | None = doc("Open a ticket.", None)
    agent_reply: Reply | None = doc("An agent's public reply.", None)
    customer_reply: Reply | None = doc("The customer's reply.", None)
    note: Reply | None = doc("An agent's internal note.", None)
    status: StatusChange | None = doc("A status change.", None)
    priority: Change | None = doc("An agent changes the priority.", None)
    assign_level: Change | None = doc("An agent moves the ticket to a level.", None)
    update: Update | None = doc("An agent changes several fields.", None)
    escalation_request: EscalationRequest | None = doc("The customer asks for escalation.", None)
    management_answer: Answer | None = doc("A manager answers the management escalation.", None)
    complete_task: TaskDone | None = doc("A manager marks a task done.", None)
    outage: Outage | None = doc("A monitored system goes down.", None)
    recovery: Recovery | None = doc("A monitored system comes back.", None)
    maintenance: Maintenance | None = doc("A maintenance window is scheduled.", None)


EVENT_KINDS = tuple(f.name for f in fields(Event) if f.name != "at")


@dataclass(kw_only=True)
class ScenarioSpec:
    """A scenario: who the customers and the support staff are, then what happens when."""
    start: str = doc("UTC instant the simulation starts; default Monday 2026-11-23 09:00Z.", "2026-11-23T09:00:00Z")
    until: str = doc("When it ends: an instant, or an offset from `start`.", "+1d")
    organisations: list[Organisation] = doc("Customers.", factory=list)
    agents: list[Agent] = doc("Support staff; default one agent at every level and team and one level "
                              "manager.", factory=list)
    on_call: list[Rotation] = doc("On-call rotations.", factory=list)
    events: list[Event] = doc("What happens, each at its time.", factory=list)
