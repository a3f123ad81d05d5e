"""What the state builder must count for the rules (`TicketState.related_open_tickets` and
`.customer_breaches_recent`): the windows of a policy's `related_tickets` and `customer_breaches`
conditions. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from escalade.policy import Policy

from .terms import condition, wall_minutes


@dataclass(frozen=True)
class CountingWindows:
    """What the state builder must count for `TicketState`: related tickets sharing
    `related_same` opened within `related_within_minutes`, and the customer's breaches of
    `breach_clocks` (empty: every clock) within `breaches_within_minutes` (None: the policy has
    no such rule)."""

    related_same: str | None
    related_within_minutes: float | None
    breaches_within_minutes: float | None
    breach_clocks: tuple[str, ...] = ()


def counting_windows(policy: Policy) -> CountingWindows:
    """The windows of the policy's `related_tickets` and `customer_breaches` conditions (the
    validator makes all rules of a kind agree)."""
    same = related = breaches = None
    clocks: tuple[str, ...] = ()
    for trigger in policy.escalation.triggers.values():
        kind, cond = condition(trigger)
        if kind == "related_tickets" and same is None:
            same, related = cond.same, wall_minutes(cond.within)
        elif kind == "customer_breaches" and breaches is None:
            breaches, clocks = wall_minutes(cond.within), tuple(cond.clocks)
    return CountingWindows(same, related, breaches, clocks)
