"""What moving open tickets to another policy would do to their SLA clocks — due times that move,
clocks that go, targets that appear — computed without writing anything, for
`escalade policy apply --dry-run`.

It follows `clocks.retarget` (what `tickets.services.move_to_active_policy` runs for each ticket)
on in-memory copies of the clocks: the business time already elapsed is kept, a running clock is
due when the rest of its new target has elapsed on the new calendar, a clock the new policy has no
target for stops. `clocks.retarget` starts no new clock, so a target the ticket had no clock for
is reported as one only new tickets get (the next-update clock starts at the next agent reply).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from dataclasses import dataclass, field

from escalade.orgs.models import Organisation
from escalade.policy import Policy, load_policy_text
from escalade.policy.diff import Section, diff_policies
from escalade.policy.models import PolicyVersion
from escalade.policy.publish import active_version, policy_of
from escalade.sla.clocks import TARGET_OF, _schedule, _set_target, elapsed_minutes, targets_or_why_not
from escalade.sla.models import ClockKind, ClockStatus, SlaClock
from escalade.tickets.models import Status, Ticket


@dataclass
class TicketPreview:
    ticket: Ticket
    changes: list[str] = field(default_factory=list)  # one sentence per clock that changes


def _when(at: dt.datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M}Z" if at else "none"


def preview_ticket(ticket: Ticket, policy: Policy, at: dt.datetime) -> TicketPreview:
    """How the ticket's clocks would change if it moved to `policy` at `at` (nothing is saved)."""
    out = TicketPreview(ticket)
    targets, why = targets_or_why_not(ticket, policy)
    clocks = {c.kind: c for c in SlaClock.objects.filter(ticket=ticket).order_by("pk")}
    for kind, clock in clocks.items():
        if clock.status == ClockStatus.STOPPED:
            continue
        new = copy.copy(clock)
        if new.status == ClockStatus.RUNNING:
            new.elapsed_minutes, new.running_since = elapsed_minutes(clock, at), at
        if targets is None or not _set_target(new, targets, ticket):
            reason = why or f"the new policy has no {TARGET_OF[kind].replace('_', ' ')} target for it"
            out.changes.append(f"{kind}: goes (was due {_when(clock.due_at)}; {reason})")
            continue
        if new.status == ClockStatus.RUNNING:
            _schedule(new)
            if new.due_at != clock.due_at:
                out.changes.append(f"{kind}: due {_when(clock.due_at)} → {_when(new.due_at)} ({new.target_text})")
        elif new.target_text != clock.target_text:
            out.changes.append(f"{kind}: paused; target {clock.target_text} → {new.target_text}")
    for kind, target_kind in TARGET_OF.items():
        if targets is None or getattr(targets, target_kind) is None or kind in clocks:
            continue
        if kind == ClockKind.NEXT_UPDATE:
            out.changes.append(f"{kind}: appears at the next agent reply ({target_kind.replace('_', ' ')} "
                               f"{getattr(targets, target_kind).duration.text})")
        else:
            out.changes.append(f"{kind}: new target {getattr(targets, target_kind).duration.text}, not started "
                               "for this ticket (tickets opened under the new policy get it)")
    return out


def preview_open_tickets(policy: Policy, at: dt.datetime) -> list[TicketPreview]:
    """Every ticket that is not closed, oldest first, with what moving it would change."""
    tickets = Ticket.objects.exclude(status=Status.CLOSED).select_related("organisation").order_by("pk")
    return [preview_ticket(t, policy, at) for t in tickets]


@dataclass
class DryRun:
    """What applying a policy file would do, found without writing anything."""
    policy: Policy
    active: PolicyVersion | None
    unchanged: bool  # the file is the active version, byte for byte
    sections: list[Section]  # the policy diff against the active version
    tickets: list[TicketPreview]  # every open ticket, if moved to the new policy
    unknown_plans: dict[str, list[str]]  # plan the new policy lacks → organisations on it


def dry_run(text: str, filename: str, at: dt.datetime) -> DryRun:
    """Validate `text` (raises PolicyInvalid) and say what applying it would change; reads only."""
    policy = load_policy_text(text, filename)
    active = active_version()
    unchanged = active is not None and active.sha256 == hashlib.sha256(text.encode()).hexdigest()
    sections = diff_policies(policy_of(active), policy) if active else []
    unknown: dict[str, list[str]] = {}
    for name, plan in Organisation.objects.order_by("name").values_list("name", "plan"):
        if plan not in policy.plans:
            unknown.setdefault(plan, []).append(name)
    return DryRun(policy, active, unchanged, sections, preview_open_tickets(policy, at), unknown)
