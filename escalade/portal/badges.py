"""SLA badges: the colour of a running clock by the share of its target still left."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from escalade.businesstime.display import duration, relative
from escalade.portal import words
from escalade.sla.clocks import remaining_minutes
from escalade.sla.models import SlaClock

AMBER_BELOW = 0.5  # less than half the target left
RED_BELOW = 0.2  # less than a fifth left


@dataclass
class Badge:
    colour: str  # green, amber, red, breached, paused, met
    label: str  # the clock's kind, e.g. "First response"
    remaining_minutes: float  # business minutes, negative once past due
    text: str  # e.g. "due in 2 h 10 min" or "breached 35 min ago"


def badge(clock: SlaClock, now: dt.datetime) -> Badge:
    """The badge of one clock at `now` (UTC, the injected clock): "due in 2 h 10 min", "breached
    12 min ago" (wall-clock time), "paused, 1 h 5 min left" (business time)."""
    label = words.label(words.CLOCK, clock.kind)
    state = clock.state
    if state == "met":
        return Badge("met", label, 0, "met")
    left = remaining_minutes(clock, now)
    if state == "breached" or left <= 0:
        since = clock.breached_at or clock.due_at or now
        return Badge("breached", label, left, f"breached {relative(since, now)}")
    share = left / clock.target_minutes if clock.target_minutes else 0
    colour = "red" if share < RED_BELOW else "amber" if share < AMBER_BELOW else "green"
    if state == "paused":
        return Badge("paused", label, left, f"paused, {duration(left)} left")
    return Badge(colour, label, left, f"due {relative(clock.due_at, now)}" if clock.due_at else
                 f"{duration(left)} left")


def most_urgent(clocks, now: dt.datetime) -> Badge | None:
    """The badge of the open clock with the least time left, or None when no clock is open."""
    badges = [badge(c, now) for c in clocks if c.state in ("running", "paused", "breached")]
    return min(badges, key=lambda b: b.remaining_minutes, default=None)
