"""SLA badges: the colour of a running clock by the share of its target still left."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from escalade.sla.clocks import remaining_minutes
from escalade.sla.models import SlaClock

AMBER_BELOW = 0.5  # less than half the target left
RED_BELOW = 0.2  # less than a fifth left


@dataclass
class Badge:
    colour: str  # green, amber, red, breached, paused, met
    label: str  # the clock's kind, e.g. "First response"
    remaining_minutes: float  # business minutes, negative once past due
    text: str  # e.g. "2 h 10 min left" or "breached 35 min ago"


def _duration(minutes: float) -> str:
    minutes = abs(round(minutes))
    hours, mins = divmod(minutes, 60)
    if hours >= 24:
        return f"{hours // 24} d {hours % 24} h"
    return f"{hours} h {mins} min" if hours else f"{mins} min"


def badge(clock: SlaClock, now: dt.datetime) -> Badge:
    """The badge of one clock at `now` (UTC)."""
    label = clock.get_kind_display()
    state = clock.state
    if state == "met":
        return Badge("met", label, 0, "met")
    left = remaining_minutes(clock, now)
    if state == "breached" or left <= 0:
        return Badge("breached", label, left, f"breached {_duration(left)} ago")
    share = left / clock.target_minutes if clock.target_minutes else 0
    colour = "red" if share < RED_BELOW else "amber" if share < AMBER_BELOW else "green"
    if state == "paused":
        return Badge("paused", label, left, f"paused, {_duration(left)} left")
    return Badge(colour, label, left, f"{_duration(left)} left")


def most_urgent(clocks, now: dt.datetime) -> Badge | None:
    """The badge of the open clock with the least time left, or None when no clock is open."""
    badges = [badge(c, now) for c in clocks if c.state in ("running", "paused", "breached")]
    return min(badges, key=lambda b: b.remaining_minutes, default=None)
