"""The policy file format: one dataclass per section.

These dataclasses are the single definition of the format. The loader (`load.py`), the
cross-reference checks (`validate.py`), the JSON Schema (`jsonschema.py`) and the key tables in
`docs/policy.md` (`reference.py`) are all derived from them by walking their fields, so the
format, its schema and its documentation cannot drift apart.

Each field's `metadata` holds `doc` (one sentence for support managers), optionally `example`
(a YAML snippet) and `min` (smallest allowed number or list length). A field marked `key=True`
is filled from the mapping key the object sits under (`priorities: {P1: ...}` gives
`Priority.key == "P1"`); it is never written in the file.

To add a section (escalation, notifications, monitoring …): write its dataclass here and add
one field to `Policy`. Loading, the JSON Schema and the reference tables follow.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field
from typing import Any, Literal, NewType

# -- scalar kinds -------------------------------------------------------------------------------
# NewTypes over str mark values that have a grammar (checked while loading) or that name
# something defined elsewhere in the file (checked by validate.py).

Key = NewType("Key", str)
"""A name you define: letters, digits, `_`, `-`, `.`; e.g. `P1`, `standard`, `head_of_support`."""
Duration = NewType("Duration", str)
"""A duration such as `15 minutes`, `1 hour, 24x7`, `4 business hours`, `3 business days`."""
Interval = NewType("Interval", str)
"""Opening hours within one day, `HH:MM-HH:MM`; the end may be `24:00`."""
TimeZoneName = NewType("TimeZoneName", str)
"""An IANA time zone such as `Europe/London`, or `customer` for the customer's own zone."""
DateText = NewType("DateText", str)
"""A calendar date, `YYYY-MM-DD`."""

CalendarKey = NewType("CalendarKey", str)
PlanKey = NewType("PlanKey", str)
PriorityKey = NewType("PriorityKey", str)
CategoryKey = NewType("CategoryKey", str)
LevelKey = NewType("LevelKey", str)
TeamKey = NewType("TeamKey", str)
RoleKey = NewType("RoleKey", str)
ContactKey = NewType("ContactKey", str)
ChannelKey = NewType("ChannelKey", str)

#: Reference kinds → (the Policy attribute holding the definitions, the noun used in messages).
REFERENCES: dict[Any, tuple[str, str]] = {
    CalendarKey: ("calendars", "calendar"),
    PlanKey: ("plans", "plan"),
    PriorityKey: ("priorities", "priority"),
    CategoryKey: ("categories", "category"),
    LevelKey: ("levels", "support level"),
    TeamKey: ("teams", "team"),
    RoleKey: ("roles", "role"),
    ContactKey: ("contacts", "contact"),
    ChannelKey: ("channels", "channel"),
}

#: The calendar every policy has without declaring it: open around the clock, UTC.
ALWAYS = "24x7"
#: `tz: customer` — the calendar is applied in the customer's own time zone.
CUSTOMER_TZ = "customer"
#: `holiday_country: customer` — the calendar closes on each customer's own public holidays.
CUSTOMER_HOLIDAYS = "customer"
#: Ticket statuses (the lifecycle belongs to escalade.tickets; the policy only names them).
STATUSES = ("open", "in_progress", "pending_customer", "resolved", "closed")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Status = Literal["open", "in_progress", "pending_customer", "resolved", "closed"]
ChannelKind = Literal["email", "phone", "portal", "chat", "emergency_line"]
#: What a ticket is (the ticket kinds of escalade.tickets): a fault, an administration request, a
#: question or a billing matter. Targets (`by_kind`) and escalation rules (`kinds`) may depend on it.
TicketKind = Literal["fault", "administration", "question", "billing"]
TICKET_KINDS: tuple[str, ...] = ("fault", "administration", "question", "billing")
Combine = Literal["majority", "highest"]


def doc(text: str, default: Any = MISSING, *, example: str | None = None, min: int | None = None,
        factory: Any = MISSING, key: bool = False) -> Any:
    """A dataclass field carrying its documentation (see the module docstring)."""
    meta: dict[str, Any] = {"doc": text}
    if example is not None:
        meta["example"] = example
    if min is not None:
        meta["min"] = min
    if key:
        meta["key"] = True
        default = ""
    if factory is not MISSING:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


def mapping_key(what: str) -> Any:
    return doc(f"The {what}'s key: the name it is listed under (filled in, not written).", key=True)


# -- calendars ----------------------------------------------------------------------------------

@dataclass(kw_only=True)
class Week:
    """Open intervals per weekday; a day left out is closed."""
    mon: list[Interval] = doc("Monday's open intervals.", factory=list, example='mon: ["09:00-18:00"]')
    tue: list[Interval] = doc("Tuesday's open intervals.", factory=list)
    wed: list[Interval] = doc("Wednesday's open intervals.", factory=list)
    thu: list[Interval] = doc("Thursday's open intervals.", factory=list)
    fri: list[Interval] = doc("Friday's open intervals.", factory=list)
    sat: list[Interval] = doc("Saturday's open intervals.", factory=list)
    sun: list[Interval] = doc("Sunday's open intervals.", factory=list,
                              example='sun: ["00:00-24:00"]')


@dataclass(kw_only=True)
class CalendarSpec:
    """When the clock runs: weekly hours in a time zone, minus holidays — or around the clock."""
    key: str = mapping_key("calendar")
    name: str = doc("Display name, e.g. `Standard business hours`. Defaults to the key.", "")
    tz: TimeZoneName = doc("IANA time zone, or `customer` to use each customer's own zone.", "UTC",
                           example="tz: Europe/London")
    always: bool = doc("Open around the clock (24x7); then leave out `week` and holidays.", False)
    week: Week | None = doc("Weekly opening hours (several intervals a day allowed).", None,
                            example='week: {mon: ["08:00-12:00", "13:00-18:00"]}')
    holidays: list[DateText] = doc("Dates on which the calendar is closed.", factory=list,
                                   example='holidays: ["2026-12-25", "2026-12-26"]')
    holiday_country: str | None = doc("Country whose public holidays close the calendar "
                                      "(ISO code, e.g. `GB`), or `customer` for each customer's own "
                                      "(the organisation's holiday country and region; none set: no "
                                      "public holidays).", None, example="holiday_country: customer")
    holiday_subdivision: str | None = doc("Region within the country, e.g. `ENG` for England.", None)
    business_day: Duration | None = doc(
        "Length of one business day on this calendar, e.g. `9 hours`. "
        "Defaults to the longest open weekday (24 hours when `always`).", None)
    description: str = doc("Free text shown on the published policy page.", "")


# -- plans, priorities, categories --------------------------------------------------------------

@dataclass(kw_only=True)
class Plan:
    """A support plan (tier) a customer organisation is on."""
    key: str = mapping_key("plan")
    name: str = doc("Display name, e.g. `Premium`.")
    coverage: CalendarKey = doc("Calendar of the plan's support hours; business-time targets "
                                "run on it.", example="coverage: business_hours")
    limited_coverage: CalendarKey | None = doc(
        "Calendar of extra best-effort hours (e.g. limited weekend support); clocks do not run "
        "in them.", None)
    description: str = doc("What the plan includes, in words.", "")


@dataclass(kw_only=True)
class Priority:
    """One priority (severity) level. List them highest first."""
    key: str = mapping_key("priority")
    name: str = doc("Display name, e.g. `Critical`.")
    aliases: list[str] = doc("Other names agents and customers use; matched without regard to "
                             "case, e.g. `Sev 1`, `Severity 1`, `Urgent`.", factory=list)
    definition: str = doc("What makes an issue this priority.", "")
    examples: list[str] = doc("Typical situations at this priority.", factory=list)


@dataclass(kw_only=True)
class MatrixLevel:
    """One answer to a priority-matrix question and the priority it points to."""
    key: str = mapping_key("answer")
    label: str = doc("The answer as the document words it, e.g. `Operations stopped`.")
    priority: PriorityKey = doc("Priority this answer points to.")
    aliases: list[str] = doc("Other wordings that select this answer.", factory=list)


@dataclass(kw_only=True)
class MatrixDimension:
    """One question of the priority matrix, e.g. users affected."""
    key: str = mapping_key("question")
    name: str = doc("The question as shown to agents, e.g. `Users affected`.")
    levels: dict[Key, MatrixLevel] = doc("Possible answers, most severe first.", min=1)


@dataclass(kw_only=True)
class PriorityMatrix:
    """Suggests a priority from answers to a few questions (impact, users affected …)."""
    combine: Combine = doc("How answers combine: `majority` (the priority most answers point to; "
                           "a tie goes to the more severe) or `highest` (the most severe answer).",
                           "majority")
    dimensions: dict[Key, MatrixDimension] = doc("The questions, keyed by name.", min=1)


@dataclass(kw_only=True)
class PriorityChange:
    """Whether customers may ask for a different priority."""
    customer_may_request: bool = doc("Customers may request a priority change.", False)
    justification_required: bool = doc("Such a request must give a justification.", True)


@dataclass(kw_only=True)
class Category:
    """A kind of issue (technical, billing, security …)."""
    key: str = mapping_key("category")
    name: str = doc("Display name, e.g. `Billing and financial`.")
    description: str = doc("What belongs in this category.", "")
    examples: list[str] = doc("Typical issues, e.g. `Login issues`.", factory=list)
    priority_definitions: dict[PriorityKey, str] = doc(
        "What each priority means for this category.", factory=dict,
        example="priority_definitions: {P1: Billing errors affecting critical services}")
    team: TeamKey | None = doc("Team that usually handles this category: a new ticket in it goes to this "
                               "team.", None)
    level: LevelKey | None = doc("Support level a new ticket in this category starts at, e.g. `L4` for "
                                 "billing questions the account manager handles; none: the first level.",
                                 None, example="level: L4")


@dataclass(kw_only=True)
class Situation:
    """A situation, for what does or does not qualify as an emergency. Plain text is short for
    `{situation: TEXT}`."""
    situation: str = doc("The situation, e.g. `Platform completely unavailable`.")
    priority: PriorityKey | None = doc("Priority this situation gets.", None)
    note: str = doc("Remark, e.g. `can wait until business hours`.", "")


SHORTHAND: dict[type, str] = {Situation: "situation"}
"""Dataclasses that may be written as plain text, and the field that text fills."""


@dataclass(kw_only=True)
class Emergency:
    """Emergency coverage: critical issues get a different calendar (usually 24x7)."""
    coverage: CalendarKey = doc("Calendar that applies to emergencies.", ALWAYS)
    priorities: list[PriorityKey] = doc("Priorities treated as emergencies, e.g. `[P1]`.", min=1)
    plans: list[PlanKey] = doc("Plans that have emergency coverage; empty means every plan.",
                               factory=list)
    plans_for_fee: list[PlanKey] = doc("Plans that may buy emergency support for an additional "
                                       "fee (their clocks are not changed).", factory=list)
    channel: ChannelKey | None = doc("Channel for emergencies, e.g. the emergency line.", None)
    qualifies: list[Situation] = doc("Situations that are emergencies.", factory=list)
    does_not_qualify: list[Situation] = doc("Situations that are not, even if urgent.",
                                            factory=list)
    note: str = doc("Anything else customers should know.", "")


# -- targets ------------------------------------------------------------------------------------

_FIRST = "Time from ticket creation to the first response by an agent."
_UPDATE = "Longest time between agent updates while the ticket is open (recurring)."
_TARGET = "Time to resolution the support team aims for."
_MAXIMUM = "Time to resolution that must not be exceeded."


@dataclass(kw_only=True)
class CategoryTargets:
    """Targets for one category (or ticket kind), replacing the plan × priority targets they
    name."""
    first_response: Duration | None = doc(_FIRST, None)
    update_every: Duration | None = doc(_UPDATE, None)
    resolution_target: Duration | None = doc(_TARGET, None)
    resolution_maximum: Duration | None = doc(_MAXIMUM, None)


@dataclass(kw_only=True)
class TargetSpec:
    """Targets for one plan × priority. Each is a duration (see *Durations*); leave one out for
    no target."""
    first_response: Duration | None = doc(_FIRST, None, example="first_response: 4 business hours")
    update_every: Duration | None = doc(_UPDATE, None, example="update_every: 30 minutes")
    resolution_target: Duration | None = doc(_TARGET, None)
    resolution_maximum: Duration | None = doc(_MAXIMUM, None)
    by_category: dict[CategoryKey, CategoryTargets] = doc(
        "Different targets for some categories.", factory=dict,
        example='by_category: {security: {first_response: "30 minutes, 24x7"}}')
    by_kind: dict[TicketKind, CategoryTargets] = doc(
        "Different targets for some ticket kinds (`fault`, `administration`, `question`, "
        "`billing`); a category's own targets (`by_category`) win over them.", factory=dict,
        example="by_kind: {administration: {resolution_target: 5 business days}}")


# -- ticket handling ----------------------------------------------------------------------------

@dataclass(kw_only=True)
class Clocks:
    """How SLA clocks behave."""
    pause_statuses: list[Status] = doc("Ticket statuses in which target clocks are paused.",
                                       factory=lambda: ["pending_customer"])


@dataclass(kw_only=True)
class Lifecycle:
    """What happens to resolved tickets."""
    auto_close_after_days: int | None = doc("Close resolved tickets after this many days "
                                            "(null: never).", 7, min=1)
    customer_may_reopen: bool = doc("Customers may reopen a resolved ticket.", True)
    reopen_within_days: int | None = doc("Reopening is allowed this many days after resolution "
                                         "(null: until closed).", None, min=1)


#: What a customer can tell us about an issue: the ticket's information fields (VIOE 8.4).
IntakeField = Literal["description", "steps_to_reproduce", "expected_behaviour", "actual_behaviour",
                      "error_messages", "affected_users", "business_impact"]


@dataclass(kw_only=True)
class Intake:
    """What a new ticket must tell us. The portal marks the `required` fields and the portal and
    API refuse a ticket without them; a ticket by email cannot be refused, so its acknowledgement
    asks for what is missing, as it asks for `ask_for`."""
    required: list[IntakeField] = doc(
        "Information every new ticket must give (the issue description always is).",
        factory=list, example="required: [description, affected_users]")
    by_category: dict[CategoryKey, list[IntakeField]] = doc(
        "A different `required` list for some categories, e.g. less for questions.",
        factory=dict, example="by_category: {question: [description]}")
    ask_for: list[IntakeField] = doc(
        "Information the acknowledgement asks for when the ticket lacks it, without refusing the "
        "ticket.", factory=list, example="ask_for: [error_messages, steps_to_reproduce]")


# -- people and channels ------------------------------------------------------------------------

@dataclass(kw_only=True)
class Level:
    """A support level (tier), L1 first."""
    key: str = mapping_key("level")
    name: str = doc("Display name, e.g. `Help Desk Technician`.")
    description: str = doc("The level's role.", "")
    handles: list[str] = doc("What this level handles.", factory=list)
    team: TeamKey | None = doc("Team that staffs this level.", None)
    resolved_within_percent: float | None = doc(
        "Target share (percent) of resolved tickets resolved at this level or a level before it; "
        "the report of resolutions by level compares against it.", None,
        example="resolved_within_percent: 60   # VIOE: 60% at Tier 1, 90% at Tier 1+2")


@dataclass(kw_only=True)
class Team:
    """A team agents belong to (security, engineering, account management …)."""
    key: str = mapping_key("team")
    name: str = doc("Display name.")
    description: str = doc("What the team does.", "")
    categories: list[CategoryKey] = doc("Categories the team takes.", factory=list)


@dataclass(kw_only=True)
class Role:
    """A named role that later sections (escalation, notifications) refer to."""
    key: str = mapping_key("role")
    name: str = doc("Display name, e.g. `VP of Operations`.")
    description: str = doc("Responsibilities.", "")
    team: TeamKey | None = doc("Team the role belongs to.", None)
    contacts: list[ContactKey] = doc("People who hold the role.", factory=list)


@dataclass(kw_only=True)
class Contact:
    """A person. Use fictional details in examples (example.com, 555 numbers)."""
    key: str = mapping_key("contact")
    name: str = doc("Full name.")
    title: str = doc("Job title.", "")
    email: str | None = doc("Email address.", None)
    phone: str | None = doc("Phone number, international format.", None)


@dataclass(kw_only=True)
class Channel:
    """A way to reach support."""
    key: str = mapping_key("channel")
    kind: ChannelKind = doc("`email`, `phone`, `portal`, `chat` or `emergency_line`.")
    name: str = doc("Display name.", "")
    address: str | None = doc("Email address, phone number or URL.", None)
    hours: CalendarKey = doc("Calendar of the hours the channel is staffed.", ALWAYS)
    plans: list[PlanKey] = doc("Plans that may use it; empty means every plan.", factory=list)
    priorities: list[PriorityKey] = doc("Priorities it is for; empty means every priority.",
                                        factory=list)
    categories: list[CategoryKey] = doc("Categories it is for; empty means every category.",
                                        factory=list)
    best_for: str = doc("When to use it.", "")
    note: str = doc("Anything else, e.g. fees.", "")


@dataclass(kw_only=True)
class Partner:
    """A partner (service provider, reseller) that runs some support levels for its customers."""
    key: str = mapping_key("partner")
    name: str = doc("Display name, e.g. `Service Provider`.")
    description: str = doc("Who they are and what they do.", "")
    levels: list[LevelKey] = doc("Support levels the partner runs, e.g. `[L1, L2]`.", min=1)


# Sections kept in their own modules; they import the scalar kinds above.
from .schema_email import Email  # noqa: E402
from .schema_escalation import SHORTHAND as _ESCALATION_SHORTHAND  # noqa: E402
from .schema_escalation import Escalation  # noqa: E402
from .schema_fields import CustomField  # noqa: E402
from .schema_monitoring import Monitoring  # noqa: E402
from .schema_surveys import Surveys  # noqa: E402

SHORTHAND.update(_ESCALATION_SHORTHAND)

# -- the file -----------------------------------------------------------------------------------

@dataclass(kw_only=True)
class PolicySpec:
    """A Support & Escalation policy: the top level of the file."""
    version: int = doc("Format version; always `1` for now.", 1, min=1, example="version: 1")
    name: str = doc("Name of the policy, e.g. `VIOE Support & Escalation`.")
    description: str = doc("Free text shown on the published policy page.", "")
    calendars: dict[Key, CalendarSpec] = doc("Named calendars; `24x7` is built in.", factory=dict)
    plans: dict[Key, Plan] = doc("Support plans (tiers).", min=1)
    priorities: dict[Key, Priority] = doc("Priorities, highest first.", min=1)
    priority_matrix: PriorityMatrix | None = doc("Questions that suggest a priority.", None)
    priority_change: PriorityChange = doc("Customer requests to change priority.",
                                          factory=PriorityChange)
    categories: dict[Key, Category] = doc("Issue categories.", factory=dict)
    emergency: Emergency | None = doc("Emergency coverage.", None)
    targets: dict[PlanKey, dict[PriorityKey, TargetSpec]] = doc(
        "Targets per plan, then per priority; every plan × priority needs an entry.", min=1,
        example="targets: {basic: {P1: {first_response: 4 business hours}}}")
    clocks: Clocks = doc("Clock behaviour.", factory=Clocks)
    lifecycle: Lifecycle = doc("Resolved and closed tickets.", factory=Lifecycle)
    intake: Intake = doc("Information required from the customer on a new ticket.", factory=Intake)
    levels: dict[Key, Level] = doc("Support levels, L1 first.", factory=dict)
    teams: dict[Key, Team] = doc("Teams.", factory=dict)
    roles: dict[Key, Role] = doc("Named roles.", factory=dict)
    contacts: dict[Key, Contact] = doc("People.", factory=dict)
    channels: dict[Key, Channel] = doc("Ways to reach support.", factory=dict)
    partners: dict[Key, Partner] = doc("Partners that run some support levels.", factory=dict)
    email: Email = doc("Tickets by email: senders, automatic replies, keywords.", factory=Email)
    escalation: Escalation = doc("Escalation rules: triggers, matrix, management chain, "
                                 "after hours.", factory=Escalation)
    monitoring: Monitoring = doc("Proactive monitoring, maintenance notice, availability SLA and credits.",
                                 factory=Monitoring)
    surveys: Surveys = doc("Periodic surveys (Net Promoter Score).", factory=Surveys)
    custom_fields: dict[Key, CustomField] = doc(
        "Further information tickets carry, keyed by name: shown on the forms, the ticket page, the "
        "API and the queue filters.", factory=dict,
        example="custom_fields: {server: {name: Affected server, required_in: [fault]}}")
