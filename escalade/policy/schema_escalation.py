"""The `escalation` section of the policy file: automatic triggers, message templates, the
escalation matrix by issue type, the management chain and after-hours rules.

Part of the format defined in `schema.py` (same `doc()` fields, same walking by the loader,
validator, JSON Schema and reference tables). `schema.py` imports this module at its end and
adds `escalation` to `PolicySpec`; the cross-reference checks are in `validate.py`
(`_check_escalation`), the decisions in `escalade.escalation.rules`.

A condition (`when`) and an action (each item of `then`) are written as a mapping with exactly
one key, the kind, whose value holds its settings — `{clock_breached: {clock: first_response}}`,
`{notify: {role: level_manager, template: escalated}}`. Kinds with one main setting may be
written as plain text (`{clock_breached: first_response}`, `{escalate: next}`,
`{page: operations_manager}`); see `SHORTHAND`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from .schema import (
    CalendarKey,
    CategoryKey,
    ChannelKey,
    Duration,
    Key,
    LevelKey,
    PlanKey,
    PriorityKey,
    TeamKey,
    TicketKind,
    doc,
    mapping_key,
)

#: SLA clocks a condition can watch (the clock kinds of `escalade.sla`); `next_update` is the
#: recurring clock of the `update_every` target.
ClockName = Literal["first_response", "next_update", "resolution_target", "resolution_maximum"]
CLOCKS: tuple[str, ...] = get_args(ClockName)
#: What `related_tickets` compares.
RelatedBy = Literal["organisation", "category", "asset"]
#: How a notification may reach a person (`notify.channels`): email to their address, sms and
#: phone to their phone number; `portal` sends nothing (the firing is on the ticket's page).
NotifyChannel = Literal["email", "sms", "phone", "portal"]
NOTIFY_CHANNELS: tuple[str, ...] = get_args(NotifyChannel)
#: Who a template is written for.
Audience = Literal["agents", "customer", "partner"]

#: Roles every policy has without declaring them; `on_call:<team>` names the team's on-call
#: agent. Resolved when a notification is sent (organisation contacts, level and team managers).
BUILT_IN_ROLES: dict[str, str] = {
    "assignee": "the agent the ticket is assigned to",
    "level_manager": "the manager of the ticket's support level",
    "team_manager": "the manager of the ticket's team",
    "requester": "the customer contact who opened the ticket",
    "customer_primary": "the customer's primary contact",
    "customer_technical": "the customer's technical contact",
    "customer_executive": "the customer's executive contact",
    "customer_billing": "the customer's billing contact",
    "partner_agents": "the agents of the partner that serves the customer",
}
ON_CALL_PREFIX = "on_call:"
#: Placeholders a template's subject and body may use, e.g. `Ticket {number} escalated`.
PLACEHOLDERS: dict[str, str] = {
    "number": "the ticket number",
    "subject": "the ticket subject",
    "priority": "the priority's name",
    "plan": "the plan's name",
    "level": "the support level's name",
    "status": "the ticket status",
    "organisation": "the customer organisation's name",
    "rule": "the name of the rule that fired",
    "url": "the ticket's page",
}

_ROLE = ("Who: a key of `roles` or `teams`, `on_call:TEAM`, or a built-in role (assignee, "
         "level_manager, team_manager, requester, customer_primary, customer_technical, "
         "customer_executive, customer_billing, partner_agents).")


# -- conditions ---------------------------------------------------------------------------------

@dataclass(kw_only=True)
class Breach:
    """An SLA clock passed its target. Plain text is short for `{clock: TEXT}`."""
    clock: ClockName = doc("`first_response`, `next_update`, `resolution_target` or "
                           "`resolution_maximum`.", example="clock: first_response")


@dataclass(kw_only=True)
class Window:
    """A share of an SLA clock's window has elapsed (business time, counted by the clock)."""
    clock: ClockName = doc("The clock, as for `clock_breached`.")
    share: float = doc("Share of the target, more than 0 and at most 1: `0.5` is half the window.",
                       example="share: 0.75")
    until: Literal["stopped", "resolved"] = doc(
        "`stopped`: only while the clock runs. `resolved`: also after the clock has stopped (e.g. "
        "the first response was given) while the ticket is unresolved; the window is then "
        "counted from the ticket's opening on the target's calendar.", "stopped")


@dataclass(kw_only=True)
class Opening:
    """A ticket is opened at, or later marked with, one of the priorities."""
    priorities: list[PriorityKey] = doc("Priorities; empty means every priority.", factory=list,
                                        example="priorities: [SEV1]")


@dataclass(kw_only=True)
class Wait:
    """Nobody has started work on the ticket this long after it was opened."""
    duration: Duration = doc("Wall-clock time since opening, e.g. `2 hours`.",
                             example="duration: 2 hours")
    priorities: list[PriorityKey] = doc("Priorities; empty means every priority.", factory=list)


@dataclass(kw_only=True)
class Cadence:
    """The next update is due (the `update_every` target; before the first response, counted
    from opening). Fires again at each further interval without an update."""
    priorities: list[PriorityKey] = doc("Priorities; empty means every priority.", factory=list)


@dataclass(kw_only=True)
class Stall:
    """No progress on the ticket for this long. Fires once per stall; a rule that escalates fires
    again after each further such period while it can still move the ticket up."""
    duration: Duration = doc("Wall-clock time since the last progress, e.g. `1 hour`.")
    emergency_only: bool = doc("Only for tickets handled as emergencies.", False)


@dataclass(kw_only=True)
class Request:
    """The customer asked for escalation (portal button, API, or "Escalation Request" in an
    email)."""
    business_impact_required: bool = doc("Only when the request explains the business impact.",
                                         True)


@dataclass(kw_only=True)
class Topic:
    """The ticket is in (or is moved into) one of these categories."""
    categories: list[CategoryKey] = doc("Categories, e.g. `[security]`.", min=1)


@dataclass(kw_only=True)
class Trend:
    """Several related open tickets: same organisation, category or monitored asset."""
    same: RelatedBy = doc("What related tickets share: `organisation`, `category` or `asset`.")
    count: int = doc("How many tickets (this one included) make a trend.", min=2)
    within: Duration = doc("Window in which they were opened, wall-clock, e.g. `24 hours`.")


@dataclass(kw_only=True)
class History:
    """The customer has had repeated SLA breaches."""
    count: int = doc("How many breaches (of the `clocks` below, any ticket of the customer).", min=1)
    within: Duration = doc("Window counted back from now, wall-clock, e.g. `30 days, 24x7`.")
    clocks: list[ClockName] = doc(
        "Which clocks' breaches count, e.g. `[first_response, resolution_maximum]` when missed "
        "update intervals are not SLA breaches; empty: every clock.", factory=list,
        example="clocks: [first_response, resolution_maximum]")


@dataclass(kw_only=True)
class Resolution:
    """The ticket became resolved. Fires once per resolution: resolved, reopened and resolved
    again fires again; a ticket closed before the worker looked still counts. The trigger's
    filters (`plans`, `priorities`, `categories`, `levels`) apply to the ticket as resolved."""
    priorities: list[PriorityKey] = doc("Priorities; empty means every priority.", factory=list,
                                        example="priorities: [P1]")
    emergency_only: bool = doc("Only for tickets handled as emergencies (the policy's emergency "
                               "coverage, or opened on the emergency line).", False,
                               example="emergency_only: true")


@dataclass(kw_only=True)
class Condition:
    """When a trigger fires: exactly one of these keys."""
    clock_breached: Breach | None = doc("An SLA clock passed its target.", None,
                                               example="clock_breached: first_response")
    clock_elapsed: Window | None = doc("A share of an SLA clock's window has elapsed.", None,
                                             example="clock_elapsed: {clock: first_response, "
                                                     "share: 0.5}")
    ticket_opened: Opening | None = doc("A ticket is opened with (or marked) a priority.", None)
    not_worked_within: Wait | None = doc("Nobody started work within a time.", None)
    update_due: Cadence | None = doc("The next update is due.", None)
    no_progress_within: Stall | None = doc("No progress for a time.", None)
    escalation_requested: Request | None = doc("The customer asked for escalation.",
                                                           None)
    category_in: Topic | None = doc("The ticket is in one of some categories.", None)
    related_tickets: Trend | None = doc("Several related tickets within a window.", None)
    customer_breaches: History | None = doc("Repeated SLA breaches for the customer.", None)
    ticket_resolved: Resolution | None = doc("The ticket became resolved (once per resolution).",
                                             None, example="ticket_resolved: {emergency_only: true}")


# -- actions ------------------------------------------------------------------------------------

@dataclass(kw_only=True)
class Escalate:
    """Move the ticket up the support levels. Plain text is short for `{to: TEXT}`."""
    to: Key = doc("`next` for the next level, or a level key such as `L4`; never moves down.",
                  "next", example="to: next")


@dataclass(kw_only=True)
class Notify:
    """Send a message to a role."""
    role: str = doc(_ROLE, example="role: level_manager")
    template: Key = doc("Key of the message in `escalation.templates`.")
    channels: list[NotifyChannel] = doc(
        "The channels to use instead of each person's own preferences: `email` (their email "
        "address), `sms` and `phone` (their phone number), `portal` (no message). Quiet hours "
        "still apply: below the highest priority only email goes out then. Someone with no "
        "address for any of them gets email. Empty: the person's own preferences.",
        factory=list, example="channels: [sms, email]")


@dataclass(kw_only=True)
class Page:
    """Page a role (urgent: SMS or phone, around the clock). Plain text is short for
    `{role: TEXT}`."""
    role: str = doc(_ROLE, example="role: operations_manager")


@dataclass(kw_only=True)
class Call:
    """Call a role by phone (a call task for an agent). Plain text is short for `{role: TEXT}`."""
    role: str = doc(_ROLE, example="role: customer_primary")


@dataclass(kw_only=True)
class Update:
    """Send the customer a status update. Plain text is short for `{template: TEXT}`."""
    template: Key = doc("Key of a template written for the customer (`audience: customer`).")


@dataclass(kw_only=True)
class Review:
    """Create a review task (e.g. for the tier manager). Plain text is short for
    `{role: TEXT}`."""
    role: str = doc(_ROLE, example="role: level_manager")


@dataclass(kw_only=True)
class Problem:
    """Open a problem record linking the related tickets (trend analysis)."""
    team: TeamKey | None = doc("Team that owns the problem record.", None)


@dataclass(kw_only=True)
class Charge:
    """Record the ticket's handling as billable. Plain text is short for `{reason: TEXT}`."""
    reason: str = doc("Why it is billed, shown on the ticket and the invoice line.")


@dataclass(kw_only=True)
class Briefing:
    """Keep the partner that runs the customer's first levels informed."""
    template: Key | None = doc("Key of a template (`audience: partner`); none: a standard "
                               "progress note.", None)


@dataclass(kw_only=True)
class ResolutionMessage:
    """Send the requester the resolution message (VIOE 8.3: what was done, instructions, a
    request to confirm, an offer of follow-up). Write `resolution_message: {}`."""
    template: Key | None = doc("Key of a template (`audience: customer`) to send instead of the "
                               "standard resolution message.", None, example="template: resolved")


@dataclass(kw_only=True)
class FollowUpTask:
    """One follow-up task and how long after the resolution it is due."""
    task: str = doc("What is to be done, e.g. `Root cause analysis`.",
                    example="task: Root cause analysis")
    within: Duration = doc("Due this long after the resolution, wall-clock, e.g. `72 hours` or "
                           "`7 days, 24x7`.", example="within: 72 hours")


@dataclass(kw_only=True)
class FollowUps:
    """Create follow-up tasks with due times, counted from the resolution (VIOE 6.5: root cause
    analysis within 72 hours, …). Each task is created once per ticket; a support manager marks
    it done on the console; one that is overdue is escalated once to `overdue_to`."""
    tasks: list[FollowUpTask] = doc("The tasks, each with its due time.", min=1)
    role: str = doc("Who does them. " + _ROLE, "level_manager", example="role: level_manager")
    overdue_to: str = doc("Who is told, once, when a task is overdue. " + _ROLE, "level_manager",
                          example="overdue_to: level_manager")


@dataclass(kw_only=True)
class Concern:
    """Raise a concern with the management chain (`escalation.management_chain`): the person of
    the starting step is notified and, without an answer, the concern moves up the chain (each
    step's `timeout_working_days` and `attempts`). Raised again while the ticket's concern is
    open, it counts as one more attempt to reach the current step. Plain text is short for
    `{start: TEXT}`."""
    start: str | None = doc("Role of the chain step to start at, e.g. `head_of_support`; none: the "
                            "first step.", None, example="start: head_of_support")


@dataclass(kw_only=True)
class Action:
    """One action of a trigger: exactly one of these keys."""
    escalate: Escalate | None = doc("Move up the support levels.", None, example="escalate: next")
    notify: Notify | None = doc("Send a message to a role.", None,
                                    example="notify: {role: level_manager, template: escalated}")
    page: Page | None = doc("Page a role.", None, example="page: operations_manager")
    call: Call | None = doc("Call a role by phone.", None, example="call: customer_primary")
    status_update_to_customer: Update | None = doc(
        "Send the customer a status update.", None,
        example="status_update_to_customer: hourly_status")
    review_task: Review | None = doc("Create a review task for a role.", None)
    open_problem: Problem | None = doc("Open a problem record (write `open_problem: {}`).",
                                           None)
    record_billable: Charge | None = doc("Record the handling as billable.", None)
    notify_partner: Briefing | None = doc("Inform the partner (write `notify_partner: {}`).",
                                               None)
    management_escalation: Concern | None = doc(
        "Raise a concern with the management chain.", None,
        example="management_escalation: head_of_support")
    resolution_message: ResolutionMessage | None = doc(
        "Send the requester the resolution message (write `resolution_message: {}`).", None)
    follow_ups: FollowUps | None = doc("Create follow-up tasks due after the resolution.", None)


# -- triggers and templates ---------------------------------------------------------------------

@dataclass(kw_only=True)
class Trigger:
    """An automatic escalation rule: when a condition holds for a ticket that passes the
    filters, do the actions. Each firing is recorded with the rule's key."""
    key: str = mapping_key("rule")
    description: str = doc("The rule in words, e.g. the policy sentence it comes from.", "")
    when: Condition = doc("The condition (exactly one kind).",
                          example="when: {clock_breached: first_response}")
    plans: list[PlanKey] = doc("Only tickets of customers on these plans; empty: every plan.",
                               factory=list)
    priorities: list[PriorityKey] = doc("Only tickets of these priorities; empty: every priority.",
                                        factory=list)
    categories: list[CategoryKey] = doc("Only tickets in these categories; empty: every category.",
                                        factory=list)
    levels: list[LevelKey] = doc("Only tickets at these support levels; empty: every level.",
                                 factory=list, example="levels: [L1]")
    kinds: list[TicketKind] = doc("Only tickets of these kinds (`fault`, `administration`, "
                                  "`question`, `billing`); empty: every kind.", factory=list,
                                  example="kinds: [fault]")
    then: list[Action] = doc("What to do, in order.", min=1)
    visible_to_customer: bool = doc("Show the firing on the customer's view of the ticket.", False)


@dataclass(kw_only=True)
class Template:
    """A message used by `notify`, `status_update_to_customer`, `notify_partner` and
    `resolution_message`. Subject and body may use placeholders: {number} {subject} {priority}
    {plan} {level} {status} {organisation} {rule} {url}."""
    key: str = mapping_key("template")
    audience: Audience = doc("Who it is written for: `agents`, `customer` or `partner`.", "agents")
    subject: str = doc("Subject line, e.g. `Ticket {number} escalated to {level}`.")
    body: str = doc("Message text.", "")


# -- matrix, management chain, after hours ------------------------------------------------------

@dataclass(kw_only=True)
class Route:
    """The escalation path of one issue type: who takes it at each support level."""
    key: str = mapping_key("issue type")
    name: str = doc("Display name, e.g. `Security`.")
    categories: list[CategoryKey] = doc("Categories of this issue type.", min=1)
    path: dict[LevelKey, str] = doc(
        "Level → who takes this issue type there (a role, team or built-in role), in level "
        "order; levels left out keep their usual team.", min=1,
        example="path: {L1: support, L3: security, L4: ciso}")


@dataclass(kw_only=True)
class Step:
    """One step of the management chain."""
    role: str = doc(_ROLE, example="role: head_of_support")
    timeout_working_days: float | None = doc(
        "Working days to wait for progress before the next step may be taken; none: no limit.",
        None, example="timeout_working_days: 1")
    attempts: int | None = doc("Unanswered attempts to reach this step after which the next step "
                               "may be taken; none: not counted.", None, min=1,
                               example="attempts: 2")
    description: str = doc("The step in words.", "")


@dataclass(kw_only=True)
class Chain:
    """Management escalation: people to raise a concern with, in order."""
    calendar: CalendarKey | None = doc("Calendar whose days are the working days; none: the "
                                       "customer's plan's coverage.", None)
    steps: list[Step] = doc("The steps, first first.", min=1)


@dataclass(kw_only=True)
class AfterHours:
    """What a plan gets outside its coverage hours."""
    key: str = mapping_key("plan")
    priorities: list[PriorityKey] = doc("Priorities handled after hours; empty: every priority.",
                                        factory=list)
    response: Duration | None = doc(
        "Response promised after hours, e.g. `30 minutes, 24x7`: a ticket of the plan opened "
        "outside its coverage hours, at one of `priorities` (and on `channel`, if given), gets this "
        "first-response target when it is due sooner than the usual one.", None)
    channel: ChannelKey | None = doc("Channel to use after hours, e.g. the emergency line; with "
                                     "`response`, only tickets opened on a channel of this kind get "
                                     "the after-hours response.", None)
    billable: bool = doc("After-hours handling of emergencies is billed (recorded on the ticket).",
                         False)
    note: str = doc("What customers should know.", "")


@dataclass(kw_only=True)
class Escalation:
    """Escalation: automatic triggers and their messages, the escalation matrix by issue type,
    the management chain and after-hours rules. Who runs each level is `levels.*.team` or a
    partner's `levels`."""
    triggers: dict[Key, Trigger] = doc("Automatic rules, keyed by a name you choose.",
                                       factory=dict)
    templates: dict[Key, Template] = doc("Messages the triggers send.", factory=dict)
    matrix: dict[Key, Route] = doc("Escalation path per issue type.", factory=dict)
    management_chain: Chain | None = doc("People to raise a concern with, in order.",
                                                   None)
    after_hours: dict[PlanKey, AfterHours] = doc("After-hours rules per plan.", factory=dict)
    no_requester: list[str] = doc(
        "Who gets what is written for the requester (status updates, the resolution message) on a "
        "ticket that has none, e.g. one a monitor opened: the first of these roles that reaches "
        "somebody. When nobody can be reached, the firing is recorded as 'nobody to tell' for a "
        "support manager. " + _ROLE, factory=lambda: ["customer_primary", "customer_technical"],
        example="no_requester: [customer_technical, customer_primary]")


#: Dataclasses that may be written as plain text, and the field that text fills (merged into
#: `schema.SHORTHAND`).
SHORTHAND: dict[type, str] = {
    Breach: "clock",
    Escalate: "to",
    Page: "role",
    Call: "role",
    Update: "template",
    Review: "role",
    Charge: "reason",
    Concern: "start",
}
