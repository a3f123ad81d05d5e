"""A clock's target and a calendar's hours in the reader's language: the policy's sentences
(`escalade.policy.words`) with the words of the active language (gettext). In English they read
exactly as the policy's own English (`target_text`), which tests/sla/test_words.py checks."""

from __future__ import annotations

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from escalade.policy.words import Words, describe_target
from escalade.sla.models import SlaClock


def _n(amount: float) -> tuple[str, int]:
    """The number as written ("4", "1.5") and the count gettext chooses the plural form by."""
    return f"{amount:g}", int(amount) if float(amount).is_integer() else 2


class InActiveLanguage(Words):
    def day(self, key: str) -> str:
        return {"mon": _("Monday"), "tue": _("Tuesday"), "wed": _("Wednesday"), "thu": _("Thursday"),
                "fri": _("Friday"), "sat": _("Saturday"), "sun": _("Sunday")}[key]

    def all_day(self) -> str:
        return _("24 hours")

    def and_(self, parts: list[str]) -> str:
        return f" {_('and')} ".join(parts)

    def open_always(self) -> str:
        return _("Open 24/7")

    def never_open(self) -> str:
        return _("No business hours")

    def every_day(self, hours: str) -> str:
        return _("Every day %(hours)s") % {"hours": hours}

    def public_holidays(self, country: str, subdivision: str | None) -> str:
        text = _("public holidays in %(country)s") % {"country": country}
        return f"{text} ({subdivision})" if subdivision else text

    def listed_holidays(self, count: int) -> str:
        return ngettext("%(count)d listed holiday", "%(count)d listed holidays", count) % {"count": count}

    def closed_on(self, sentence: str, closed: list[str]) -> str:
        return _("%(hours)s, closed on %(days)s") % {"hours": sentence, "days": self.and_(closed)}

    def duration(self, amount: float, unit: str, business: bool) -> str:
        n, count = _n(amount)
        if business:
            forms = {"minutes": ngettext("%(n)s business minute", "%(n)s business minutes", count),
                     "hours": ngettext("%(n)s business hour", "%(n)s business hours", count),
                     "days": ngettext("%(n)s business day", "%(n)s business days", count)}
        else:
            forms = {"minutes": ngettext("%(n)s minute", "%(n)s minutes", count),
                     "hours": ngettext("%(n)s hour", "%(n)s hours", count),
                     "days": ngettext("%(n)s day", "%(n)s days", count)}
        return forms[unit] % {"n": n}

    def around_the_clock(self) -> str:
        return _("around the clock")

    def customer_time(self) -> str:
        return _("customer time")

    def closed_on_customer_holidays(self, hours: str) -> str:
        return _("%(hours)s, closed on each customer's public holidays") % {"hours": hours}

    def business_day(self, hours: str, minutes: float) -> str:
        n, count = _n(minutes / 60)
        return ngettext("%(hours)s; a business day is %(n)s hour", "%(hours)s; a business day is %(n)s hours",
                        count) % {"hours": hours, "n": n}

    def always(self, duration: str, emergency: bool) -> str:
        if emergency:
            return _("%(duration)s around the clock (24x7, emergency coverage)") % {"duration": duration}
        return _("%(duration)s around the clock (24x7)") % {"duration": duration}

    def on_calendar(self, duration: str, calendar: str, hours: str, emergency: bool) -> str:
        values = {"duration": duration, "calendar": calendar, "hours": hours}
        if emergency:
            return _("%(duration)s on the %(calendar)s calendar (%(hours)s, emergency coverage)") % values
        return _("%(duration)s on the %(calendar)s calendar (%(hours)s)") % values

    def target_for(self, priority: str, plan: str, target: str) -> str:
        return _("%(priority)s on %(plan)s = %(target)s") % {"priority": priority, "plan": plan, "target": target}


IN_ACTIVE_LANGUAGE = InActiveLanguage()


def target_in_words(clock: SlaClock, *, with_plan: bool = True) -> str:
    """E.g. "P2 on Gold = 4 business hours on the Standard calendar (Monday–Friday 09:00–18:00 customer
    time)" in the active language; without the plan, from the duration on. A clock started before
    its target was kept as data says its stored English `target_text`."""
    data = clock.target_words
    if not data:
        return clock.target_text if with_plan else clock.target_text.split(" = ", 1)[-1]
    # The English text names the target exactly (plan, priority, duration, calendar and its hours):
    # a list page of 25 tickets says a handful of targets, each worked out once per process and language.
    key = (get_language(), clock.target_text, with_plan)
    text = _said.get(key)
    if text is None:
        text = describe_target(data, IN_ACTIVE_LANGUAGE)
        if with_plan:
            text = IN_ACTIVE_LANGUAGE.target_for(clock.priority, data["plan_name"], text)
        if len(_said) >= 1024:
            _said.clear()
        _said[key] = text
    return text


_said: dict[tuple[str, str, bool], str] = {}
