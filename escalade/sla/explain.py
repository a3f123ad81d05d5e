"""One-line explanations of clocks for agents, and the promise shown to customers, in the reader's
language (the one active) and time zone."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from escalade.sla.clocks import remaining_minutes
from escalade.sla.models import SlaClock
from escalade.sla.words import target_in_words
from escalade.timewords import hours_and_minutes, when


def local(at: dt.datetime, tz: str) -> str:
    """`Mon 23 Nov 2026, 14:00 GMT` (escalade.timewords.when: one format everywhere)."""
    return when(at, tz)


def duration_words(seconds: float) -> str:
    """"2 h 10 min", "30 h", "45 min": business or wall-clock time in hours and minutes."""
    hours, minutes = divmod(round(seconds / 60), 60)
    return hours_and_minutes(hours, minutes)


def explain(clock: SlaClock, now: dt.datetime, tz: str) -> str:
    """E.g. "due Mon 23 Nov 14:00 Europe/London: P2 on standard = 4 business hours on the Standard
    calendar (…); paused 1 h 12 min while pending customer"."""
    state = clock.state
    if state == "breached":
        head = _("breached %(when)s") % {"when": local(clock.breached_at, tz)}
    elif state == "met":
        head = _("met %(when)s") % {"when": local(clock.stopped_at, tz)}
    elif state == "paused":
        left = max(0.0, remaining_minutes(clock, now))  # a target lowered below the time counted: none left
        head = _("paused, %(duration)s of business time left") % {"duration": duration_words(left * 60)}
    else:
        head = _("due %(when)s") % {"when": local(clock.due_at, tz)}
    text = _("%(state)s: %(target)s") % {"state": head, "target": target_in_words(clock)}
    paused = clock.paused_seconds
    if clock.paused_since is not None:
        paused += (now - clock.paused_since).total_seconds()
    if paused >= 60:
        text += _("; paused %(duration)s while pending customer") % {"duration": duration_words(paused)}
    return text


CUSTOMER_PROMISE = {
    "first_response": gettext_lazy("we will respond by %(when)s"),
    "next_update": gettext_lazy("next update by %(when)s"),
    "resolution_target": gettext_lazy("we aim to resolve by %(when)s"),
    "resolution_maximum": gettext_lazy("resolved at the latest by %(when)s"),
}


def promise(clock: SlaClock, tz: str, now: dt.datetime | None = None) -> str | None:
    """What the customer was promised, e.g. "we will respond by Mon 23 Nov 2026, 14:00 GMT"; None
    when the clock is not running, or (given `now`) its due time has passed: a promise is never a
    date in the past."""
    if clock.state != "running" or clock.due_at is None or (now is not None and clock.due_at <= now):
        return None
    return str(CUSTOMER_PROMISE[clock.kind]) % {"when": local(clock.due_at, tz)}
