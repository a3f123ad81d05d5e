"""Times as the reader reads them, in the reader's language: `when` ("Mon 7 Dec 2026, 14:05 GMT", in
German "Mo., 7. Dez. 2026, 14:05 GMT"), `duration` ("2 h 10 min") and `relative` ("in 2 h 10 min",
"12 min ago"). The English forms are those of `escalade.businesstime.display` (which stays free of
Django); this module says them through Django's translation and date formatting, for the language
active for the request. The zone is always the reader's, with its abbreviation."""

from __future__ import annotations

import datetime as dt

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from escalade.businesstime.display import abbreviation, zone


def when(at: dt.datetime | None, tz: str | dt.tzinfo | None = None) -> str:
    """E.g. "Mon 7 Dec 2026, 14:05 GMT": `at` (aware) in the zone `tz`, in the active language's
    order and names. An empty string for None."""
    if at is None:
        return ""
    local = at.astimezone(zone(tz))
    # Translators: a date and time in the format of Django's `date` filter (D: weekday, j: day,
    # M: month, N: month with a dot, Y: year, H:i: hours and minutes). The zone follows it.
    form = pgettext("format of a date and time", "D j M Y, H:i")
    return f"{dateformat.format(local, form)} {abbreviation(local)}"


def duration(minutes: float) -> str:
    """E.g. "2 h 10 min", "45 min", "3 d 4 h" (whole minutes, sign ignored)."""
    days, hours, mins = _parts(minutes)
    if days:
        if hours:
            return ngettext("%(days)s d %(hours)s h", "%(days)s d %(hours)s h", days) % {"days": days, "hours": hours}
        return ngettext("%(days)s d", "%(days)s d", days) % {"days": days}
    return hours_and_minutes(hours, mins)


def relative(at: dt.datetime, now: dt.datetime) -> str:
    """"in 2 h 10 min" for a future `at`, "12 min ago" for a past one, "now" within a minute. Days
    are said in whole phrases: a language may say them differently after "in" or with "ago"
    (German: "in 3 Tagen", "vor 3 Tagen", but "3 Tage")."""
    minutes = (at - now).total_seconds() / 60
    if abs(minutes) < 1:
        return pgettext("relative time", "now")
    days, hours, mins = _parts(minutes)
    values = {"days": days, "hours": hours, "duration": hours_and_minutes(hours, mins)}
    if minutes > 0:
        if days and hours:
            return ngettext("in %(days)s d %(hours)s h", "in %(days)s d %(hours)s h", days) % values
        if days:
            return ngettext("in %(days)s d", "in %(days)s d", days) % values
        return _("in %(duration)s") % values
    if days and hours:
        return ngettext("%(days)s d %(hours)s h ago", "%(days)s d %(hours)s h ago", days) % values
    if days:
        return ngettext("%(days)s d ago", "%(days)s d ago", days) % values
    return _("%(duration)s ago") % values


def _parts(minutes: float) -> tuple[int, int, int]:
    """(days, hours, minutes) of whole minutes, sign ignored; no days under 24 hours."""
    minutes = abs(round(minutes))
    hours, mins = divmod(minutes, 60)
    if hours >= 24:
        days, hours = divmod(hours, 24)
        return days, hours, 0
    return 0, hours, mins


def hours_and_minutes(hours: int, mins: int) -> str:
    """"2 h 10 min", "2 h", "45 min" (hours may be more than a day's)."""
    if hours:
        if mins:
            return ngettext("%(hours)s h %(minutes)s min", "%(hours)s h %(minutes)s min",
                            hours) % {"hours": hours, "minutes": mins}
        return ngettext("%(hours)s h", "%(hours)s h", hours) % {"hours": hours}
    return ngettext("%(minutes)s min", "%(minutes)s min", mins) % {"minutes": mins}
