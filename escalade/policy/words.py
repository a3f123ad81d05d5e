"""Targets and calendars of the policy in words. English by default: the guide, policy diffs and the
`target_text` kept on each clock. Pages and emails pass the same sentences in the reader's language
(`escalade.sla.words`, a subclass with gettext), so the wording lives in one place per language.

    "4 business hours on the Standard calendar (Monday–Friday 09:00–18:00 customer time)"
"""

from __future__ import annotations

from typing import Any

from escalade.businesstime.explain import Words as CalendarWords
from escalade.businesstime.explain import explain


class Words(CalendarWords):
    def duration(self, amount: float, unit: str, business: bool) -> str:
        """E.g. "4 business hours", "1 hour", "3 business days"."""
        n = f"{amount:g}"
        unit = unit if amount != 1 else unit[:-1]
        return f"{n} business {unit}" if business else f"{n} {unit}"

    def around_the_clock(self) -> str:
        return "around the clock"

    def customer_time(self) -> str:
        return "customer time"

    def closed_on_customer_holidays(self, hours: str) -> str:
        return f"{hours}, closed on each customer's public holidays"

    def business_day(self, hours: str, minutes: float) -> str:
        h = minutes / 60
        return f"{hours}; a business day is {h:g} hour{'s' if h != 1 else ''}"

    def always(self, duration: str, emergency: bool) -> str:
        """A target counted around the clock, e.g. "1 hour around the clock (24x7)"."""
        return f"{duration} around the clock (24x7" + (", emergency coverage)" if emergency else ")")

    def on_calendar(self, duration: str, calendar: str, hours: str, emergency: bool) -> str:
        extra = ", emergency coverage" if emergency else ""
        return f"{duration} on the {calendar} calendar ({hours}{extra})"

    def target_for(self, priority: str, plan: str, target: str) -> str:
        """E.g. "P2 on Gold = 4 business hours on the Standard calendar (…)"."""
        return f"{priority} on {plan} = {target}"


ENGLISH = Words()


def hours_in_words(hours: dict[str, Any], words: Words = ENGLISH) -> str:
    """A calendar's hours (`calendars.hours_data`) in words, e.g. "Monday–Friday 09:00–18:00 customer
    time, closed on each customer's public holidays"."""
    if hours.get("always"):
        return words.around_the_clock()
    data = {k: v for k, v in hours.items() if k not in ("customer_tz", "customer_holidays")}
    if hours.get("customer_tz"):
        data["tz"] = words.customer_time()
    text = explain(data, words)
    return words.closed_on_customer_holidays(text) if hours.get("customer_holidays") else text


def describe_target(target: dict[str, Any], words: Words = ENGLISH) -> str:
    """A target (`runtime.Target.in_words`) in words, e.g. "4 business hours on the Standard calendar
    (Monday–Friday 09:00–18:00 customer time)" or "1 hour around the clock (24x7)"."""
    duration = words.duration(target["amount"], target["unit"], target["business"])
    if target["wall_clock"]:
        return words.always(duration, emergency=False)
    if target["always"]:
        return words.always(duration, target["emergency"])
    hours = hours_in_words(target["hours"], words)
    if target.get("day_minutes"):
        hours = words.business_day(hours, target["day_minutes"])
    return words.on_calendar(duration, target["calendar_name"], hours, target["emergency"])
