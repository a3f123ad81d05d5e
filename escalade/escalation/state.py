"""What the escalation rules look at: a snapshot of one ticket and its SLA clocks, taken at the
reference time `now` given to `rules.decide`. Pure: standard library only.

The worker builds a `TicketState` from the database (ticket, clocks, firings already recorded,
counts over the policy's windows — see `rules.counting_windows`) and hands it to `decide`; the
simulator and the tests build one by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

#: Ticket statuses (as in escalade.tickets); on resolved and closed tickets only `ticket_resolved`
#: rules act.
STATUSES = ("open", "in_progress", "pending_customer", "resolved", "closed")
DONE_STATUSES = frozenset({"resolved", "closed"})
#: Clock kinds (as in escalade.sla).
CLOCK_KINDS = ("first_response", "next_update", "resolution_target", "resolution_maximum")
#: Whether a clock counts: running, paused (e.g. pending customer) or stopped (met or ended).
CLOCK_STATES = ("running", "paused", "stopped")


def _aware(owner: str, name: str, value: dt.datetime | None) -> None:
    if value is not None and (not isinstance(value, dt.datetime) or value.utcoffset() is None):
        raise ValueError(f"{owner}.{name} must be a timezone-aware datetime, got {value!r}")


@dataclass(frozen=True, kw_only=True)
class ClockView:
    """One SLA clock as of `now`. Minutes are business minutes on the clock's own calendar.

    `state` is the clock's status: `running`, `paused` or `stopped` (met, or ended with the
    ticket); whether it breached is `breached_at` (set once it passed its due time).
    `started_at` identifies one run of a clock that restarts (next update). `calendar` is the
    `escalade.businesstime.Calendar` the clock counts on (None: the policy's target's calendar),
    which differs from the policy's when the plan's after-hours response set the target."""

    kind: str
    target_minutes: float
    elapsed_minutes: float
    due_at: dt.datetime | None
    breached_at: dt.datetime | None
    state: str
    started_at: dt.datetime | None = None
    calendar: Any = None

    def __post_init__(self) -> None:
        if self.kind not in CLOCK_KINDS:
            raise ValueError(f"ClockView.kind must be one of {', '.join(CLOCK_KINDS)}, got {self.kind!r}")
        if self.state not in CLOCK_STATES:
            raise ValueError(f"ClockView.state must be one of {', '.join(CLOCK_STATES)}, got {self.state!r}")
        if not self.target_minutes > 0:
            raise ValueError(f"ClockView.target_minutes must be more than 0, got {self.target_minutes!r}")
        for name in ("due_at", "breached_at", "started_at"):
            _aware("ClockView", name, getattr(self, name))

    @property
    def share(self) -> float:
        """Elapsed share of the target (1.0 at the due time)."""
        return self.elapsed_minutes / self.target_minutes


@dataclass(frozen=True, kw_only=True)
class TicketState:
    """A ticket as the escalation rules see it, as of the reference time.

    - `plan`, `priority`, `category`, `level`: keys from the ticket's policy version (`category`
      and `level` may be "": none yet, which counts as the first level); `kind`: the ticket kind
      (fault, administration, question, billing).
    - `emergency`: the ticket is handled as an emergency (the policy's emergency coverage, or the
      customer declared a production emergency).
    - `first_worked_at`: when an agent first started work; `last_progress_at`: the last progress
      (a public reply, a status change forward, a level change).
    - `escalation_requested_at` and `business_impact`: the customer's latest escalation request
      and the business impact it (or the ticket) explains; "" for none.
    - `customer_breaches_recent`, `related_open_tickets`: counts over the policy's windows
      (`rules.counting_windows`); `related_open_tickets` includes this ticket.
    - `fired`: idempotency keys already recorded for this ticket (`Action.key`).
    - `customer_tz`: the customer's time zone, for calendars with `tz: customer`;
      `customer_holidays`: the customer's public holidays ("GB", "US-TX", "" for none), for
      calendars with `holiday_country: customer`.
    - `resolved_at`: when the ticket was last resolved (kept once closed; None while open or
      after a reopen).
    - `priority_since`: when the ticket got its current priority, if it changed after opening;
      conditions scoped to priorities (`ticket_opened`, `not_worked_within`) count from then.
    """

    ticket_id: int | str
    number: str
    plan: str
    priority: str
    category: str
    level: str
    status: str
    emergency: bool
    opened_at: dt.datetime
    first_worked_at: dt.datetime | None = None
    last_progress_at: dt.datetime | None = None
    escalation_requested_at: dt.datetime | None = None
    business_impact: str = ""
    clocks: tuple[ClockView, ...] = ()
    customer_breaches_recent: int = 0
    related_open_tickets: int = 0
    fired: frozenset[str] = field(default_factory=frozenset)
    customer_tz: str | None = None
    resolved_at: dt.datetime | None = None
    priority_since: dt.datetime | None = None
    kind: str = "fault"
    customer_holidays: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"TicketState.status must be one of {', '.join(STATUSES)}, got {self.status!r}")
        for name in ("opened_at", "first_worked_at", "last_progress_at", "escalation_requested_at",
                     "resolved_at"):
            _aware("TicketState", name, getattr(self, name))
        if self.opened_at is None:
            raise ValueError("TicketState.opened_at is required")
        kinds = [c.kind for c in self.clocks]
        if len(kinds) != len(set(kinds)):
            raise ValueError(f"TicketState.clocks has more than one clock of a kind: {kinds}")
        if not isinstance(self.fired, frozenset):
            object.__setattr__(self, "fired", frozenset(self.fired))

    @property
    def done(self) -> bool:
        """Resolved or closed: only `ticket_resolved` rules fire."""
        return self.status in DONE_STATUSES

    def clock(self, kind: str) -> ClockView | None:
        """The clock of this kind, if the ticket has one."""
        return next((c for c in self.clocks if c.kind == kind), None)


@dataclass(frozen=True, kw_only=True)
class ConcernView:
    """A ticket's open management concern (`escalation.management_chain`) as the rules see it.

    `step` is the index of the chain step it has reached, at `step_reached_at`; `attempts` the
    unanswered attempts to reach that step (the notification when it was reached counts as the
    first; each further escalation request adds one), the latest at `last_attempt_at`."""

    concern_id: int | str
    ticket_id: int | str
    step: int
    step_reached_at: dt.datetime
    attempts: int
    last_attempt_at: dt.datetime

    def __post_init__(self) -> None:
        for name in ("step_reached_at", "last_attempt_at"):
            _aware("ConcernView", name, getattr(self, name))
        if self.step < 0 or self.attempts < 0:
            raise ValueError(f"ConcernView.step and .attempts must not be negative, got {self.step}, "
                             f"{self.attempts}")


@dataclass(frozen=True, kw_only=True)
class FollowUpView:
    """An open follow-up task of a ticket (`follow_ups`) as the rules see it: `title`, due at
    `due_at`; once overdue it is escalated to `overdue_to` (a role)."""

    task_id: int | str
    ticket_id: int | str
    title: str
    due_at: dt.datetime
    overdue_to: str

    def __post_init__(self) -> None:
        _aware("FollowUpView", "due_at", self.due_at)
