"""What the escalation rules decide to do: one frozen dataclass per action. Pure.

Every action carries
- `rule`: the key of the policy rule that fired (`escalation.triggers.*`, or
  `after_hours.PLAN`), recorded with the firing;
- `key`: the idempotency key of the firing, `"{ticket_id}:{rule}:{cycle}"`. `cycle` tells
  recurring events apart (each update-due interval, each escalation request, each run of a
  clock). All actions of one firing share its key; `index` is their position in `then`. The
  worker stores one Firing row per key (unique), so a firing happens once however often
  `decide` runs;
- `at`: when the condition became true (UTC), for back-dating the record — a breach at the
  clock's due time, not when the worker noticed it;
- `visible_to_customer`: whether the firing is shown on the customer's view of the ticket.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True, kw_only=True)
class Action:
    """Base of every action (see the module docstring)."""

    kind: ClassVar[str] = ""
    rule: str
    key: str
    at: dt.datetime
    index: int = 0
    visible_to_customer: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the Firing and Outbox rows: `kind` plus every field."""
        out: dict[str, Any] = {"kind": self.kind}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, dt.datetime) else (
                list(value) if isinstance(value, tuple) else value)
        return out


@dataclass(frozen=True, kw_only=True)
class Escalate(Action):
    """Move the ticket from `from_level` up to `to_level`. `handled_by` is the team or partner
    that runs `to_level`; `assign_to` is who the escalation matrix names for the ticket's issue
    type at that level (a role, team or built-in role), if any."""

    kind: ClassVar[str] = "escalate"
    from_level: str
    to_level: str
    handled_by: str | None = None
    assign_to: str | None = None


@dataclass(frozen=True, kw_only=True)
class Notify(Action):
    """Send template `template` to `role`; `channels` empty means the person's preferences."""

    kind: ClassVar[str] = "notify"
    role: str
    template: str
    channels: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Page(Action):
    """Page `role` (urgent, around the clock)."""

    kind: ClassVar[str] = "page"
    role: str


@dataclass(frozen=True, kw_only=True)
class Call(Action):
    """Call `role` by phone (a call task for an agent)."""

    kind: ClassVar[str] = "call"
    role: str


@dataclass(frozen=True, kw_only=True)
class StatusUpdateToCustomer(Action):
    """Send the customer the status update `template`."""

    kind: ClassVar[str] = "status_update_to_customer"
    template: str


@dataclass(frozen=True, kw_only=True)
class ReviewTask(Action):
    """Create a review task for `role` (e.g. the tier manager reviews an escalation request);
    `reason` is what the reviewer reads first: the business impact the customer gave."""

    kind: ClassVar[str] = "review_task"
    role: str
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class OpenProblem(Action):
    """Open (or join) a problem record linking the related tickets: those sharing `same`
    (organisation, category or asset) opened within `within_minutes` (wall clock)."""

    kind: ClassVar[str] = "open_problem"
    same: str
    within_minutes: float
    team: str | None = None


@dataclass(frozen=True, kw_only=True)
class RecordBillable(Action):
    """Record the ticket's handling as billable, for `reason`."""

    kind: ClassVar[str] = "record_billable"
    reason: str


@dataclass(frozen=True, kw_only=True)
class NotifyPartner(Action):
    """Inform the partner serving the customer of progress (`template`, or a standard note)."""

    kind: ClassVar[str] = "notify_partner"
    template: str | None = None


@dataclass(frozen=True, kw_only=True)
class RaiseManagementConcern(Action):
    """Raise a management concern about the ticket at chain step `step` (whose person is
    `role`); if the ticket already has an open concern, count one more attempt to reach its
    current step instead."""

    kind: ClassVar[str] = "management_escalation"
    step: int
    role: str


@dataclass(frozen=True, kw_only=True)
class MoveManagementConcern(Action):
    """Move the open management concern `concern_id` from chain step `from_step` to `to_step`
    (whose person is `role`) because of `reason` (the step's timeout in working days passed, or
    its attempts went unanswered)."""

    kind: ClassVar[str] = "management_step"
    concern_id: int | str
    from_step: int
    to_step: int
    role: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class ResolutionMessage(Action):
    """Send the requester the resolution message: `template` (a customer template) or the standard
    one (VIOE 8.3: what was done, instructions, a request to confirm, an offer of follow-up)."""

    kind: ClassVar[str] = "resolution_message"
    template: str | None = None


@dataclass(frozen=True, kw_only=True)
class CreateFollowUps(Action):
    """Create the follow-up tasks `tasks` — (title, due at, UTC) pairs, due times counted from
    the resolution — for `role`; an overdue one is escalated once to `overdue_to`. A task the
    ticket already has (same title) is not created again."""

    kind: ClassVar[str] = "follow_ups"
    role: str
    overdue_to: str
    tasks: tuple[tuple[str, dt.datetime], ...]

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["tasks"] = [[title, due.isoformat()] for title, due in self.tasks]
        return out


@dataclass(frozen=True, kw_only=True)
class FollowUpOverdue(Action):
    """The follow-up task `task_id` (`title`) passed its due time without being done: tell
    `role`, once. `at` is the due time."""

    kind: ClassVar[str] = "follow_up_overdue"
    task_id: int | str
    title: str
    role: str


#: Action classes by kind (the keys of an action in the policy file).
KINDS: dict[str, type[Action]] = {cls.kind: cls for cls in (
    Escalate, Notify, Page, Call, StatusUpdateToCustomer, ReviewTask, OpenProblem, RecordBillable,
    NotifyPartner, RaiseManagementConcern, MoveManagementConcern, ResolutionMessage, CreateFollowUps,
    FollowUpOverdue)}
