"""SLA badges: the colour of a running clock by the share of its target still left."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from escalade.portal import words
from escalade.sla.clocks import remaining_minutes
from escalade.sla.models import SlaClock
from escalade.timewords import duration, relative

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
        return Badge("met", label, 0, pgettext("SLA clock", "met"))
    left = remaining_minutes(clock, now)
    if state == "breached" or left <= 0:
        since = clock.breached_at or clock.due_at or now
        return Badge("breached", label, left, _breached(since, now))
    share = left / clock.target_minutes if clock.target_minutes else 0
    colour = "red" if share < RED_BELOW else "amber" if share < AMBER_BELOW else "green"
    if state == "paused":
        return Badge("paused", label, left, _("paused, %(duration)s left") % {"duration": duration(left)})
    return Badge(colour, label, left, _due(clock.due_at, now) if clock.due_at else
                 _("%(duration)s left") % {"duration": duration(left)})


def _breached(since: dt.datetime, now: dt.datetime) -> str:
    if abs((since - now).total_seconds()) < 60:
        return _("breached now")
    # Translators: %(when)s is a relative time: "12 min ago", "in 5 min".
    return _("breached %(when)s") % {"when": relative(since, now)}


def _due(due_at: dt.datetime, now: dt.datetime) -> str:
    if abs((due_at - now).total_seconds()) < 60:
        return _("due now")
    # Translators: %(when)s is a relative time: "in 2 h 10 min", "12 min ago".
    return _("due %(when)s") % {"when": relative(due_at, now)}


def most_urgent(clocks, now: dt.datetime) -> Badge | None:
    """The badge of the open clock with the least time left, or None when no clock is open."""
    badges = [badge(c, now) for c in clocks if c.state in ("running", "paused", "breached")]
    return min(badges, key=lambda b: b.remaining_minutes, default=None)
