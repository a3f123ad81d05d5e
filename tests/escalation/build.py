"""Hand-built ticket states and the example policies, for the pure escalation tests."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

from escalade.escalation.rules import decide
from escalade.escalation.state import ClockView, TicketState
from escalade.policy import Policy, load_policy

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"
UTC = dt.UTC
#: Tuesday 3 March 2026, 15:00 UTC: 09:00 in Dallas (CST), 15:00 in London (GMT). (Monday 2 March
#: is Texas Independence Day, a holiday on the Mirrored Storage calendar.)
T0 = dt.datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


@functools.cache
def policy(name: str) -> Policy:
    return load_policy(EXAMPLES / f"{name}.yaml")


def at(minutes: float) -> dt.datetime:
    """`minutes` of wall-clock time after T0."""
    return T0 + dt.timedelta(minutes=minutes)


def ticket(**fields: Any) -> TicketState:
    """An open P1 ticket at L1, opened at T0, with the given fields changed."""
    base: dict[str, Any] = {
        "ticket_id": 42, "number": "T-0042", "plan": "standard", "priority": "P1", "category": "",
        "level": "L1", "status": "open", "emergency": False, "opened_at": T0,
    }
    base.update(fields)
    return TicketState(**base)


def clock(kind: str, target: float, elapsed: float, *, state: str = "running",
          started_at: dt.datetime | None = T0, breached: bool | None = None) -> ClockView:
    """A clock on a 24x7 calendar started at `started_at`: due `target` minutes after it, and
    breached at its due time once `elapsed` reaches the target (unless `breached` says)."""
    due_at = started_at + dt.timedelta(minutes=target) if started_at else None
    if breached is None:
        breached = elapsed >= target
    return ClockView(kind=kind, target_minutes=target, elapsed_minutes=elapsed,
                     due_at=due_at if state != "paused" else None,
                     breached_at=due_at if breached else None, state=state, started_at=started_at)


def fired(state: TicketState, name: str, now: dt.datetime, rule: str | None = None) -> list[tuple[Any, ...]]:
    """decide() in short form, (kind, main field) per action; only `rule`'s actions if given."""
    return [summary(a) for a in decide(state, policy(name), now) if rule is None or a.rule == rule]


def rules_fired(state: TicketState, name: str, now: dt.datetime) -> list[str]:
    """The rules that fire, in order, each once."""
    return list(dict.fromkeys(a.rule for a in decide(state, policy(name), now)))


def summary(a: Any) -> tuple[Any, ...]:
    main = {"escalate": lambda: (a.from_level, a.to_level), "notify": lambda: (a.role, a.template),
            "page": lambda: a.role, "call": lambda: a.role, "review_task": lambda: a.role,
            "status_update_to_customer": lambda: a.template, "open_problem": lambda: a.same,
            "record_billable": lambda: a.rule, "notify_partner": lambda: a.template,
            "resolution_message": lambda: a.template, "follow_ups": lambda: [t for t, _ in a.tasks],
            "follow_up_overdue": lambda: a.title}[a.kind]()
    return (a.kind, main)
