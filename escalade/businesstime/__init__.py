"""Business time: opening hours in a time zone, holidays, and arithmetic on them.

Pure Python (standard library, `zoneinfo` and the `holidays` package); no Django.

    >>> cal = Calendar.from_dict({"tz": "Europe/London", "week": {"mon": [["09:00", "17:00"]]}})
    >>> cal.add(start, 60)          # the instant one business hour after `start`
    >>> cal.between(a, b)           # business minutes from a to b

Modules: `calendar` (the dictionary form and its checks), `table` (hours laid out as UTC
instants per local year; the daylight-saving rule), `arithmetic` (the queries), `explain`
(a calendar in words: English, or a reader's own `Words`), `errors` (`CalendarError`).
"""

from .calendar import WEEKDAYS, Calendar
from .errors import CalendarError
from .explain import Words, explain

__all__ = ["WEEKDAYS", "Calendar", "CalendarError", "Words", "explain"]
