"""One-line explanations of clocks for agents, and the promise shown to customers."""

from __future__ import annotations

import datetime as dt

from escalade.businesstime.display import when
from escalade.sla.clocks import remaining_minutes
from escalade.sla.models import SlaClock


def local(at: dt.datetime, tz: str) -> str:
    """`Mon 23 Nov 2026, 14:00 GMT` (businesstime.display.when: one format everywhere)."""
    return when(at, tz)


def duration_words(seconds: float) -> str:
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


def explain(clock: SlaClock, now: dt.datetime, tz: str) -> str:
    """E.g. "due Mon 23 Nov 14:00 Europe/London: P2 on standard = 4 business hours on the Standard
    calendar (…); paused 1 h 12 min while pending customer"."""
    state = clock.state
    if state == "breached":
        head = f"breached {local(clock.breached_at, tz)}"
    elif state == "met":
        head = f"met {local(clock.stopped_at, tz)}"
    elif state == "paused":
        left = max(0.0, remaining_minutes(clock, now))  # a target lowered below the time counted: none left
        head = f"paused, {duration_words(left * 60)} of business time left"
    else:
        head = f"due {local(clock.due_at, tz)}"
    text = f"{head}: {clock.target_text}"
    paused = clock.paused_seconds
    if clock.paused_since is not None:
        paused += (now - clock.paused_since).total_seconds()
    if paused >= 60:
        text += f"; paused {duration_words(paused)} while pending customer"
    return text


CUSTOMER_PROMISE = {
    "first_response": "we will respond by",
    "next_update": "next update by",
    "resolution_target": "we aim to resolve by",
    "resolution_maximum": "resolved at the latest by",
}


def promise(clock: SlaClock, tz: str, now: dt.datetime | None = None) -> str | None:
    """What the customer was promised, e.g. "we will respond by Mon 23 Nov 2026, 14:00 GMT"; None
    when the clock is not running, or (given `now`) its due time has passed: a promise is never a
    date in the past."""
    if clock.state != "running" or clock.due_at is None or (now is not None and clock.due_at <= now):
        return None
    return f"{CUSTOMER_PROMISE[clock.kind]} {local(clock.due_at, tz)}"
