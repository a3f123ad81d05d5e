"""Times as people read them: one format, the reader's zone with its abbreviation, relative badges."""

import datetime as dt

from escalade.businesstime.display import duration, relative, when

AT = dt.datetime(2026, 12, 7, 14, 5, tzinfo=dt.UTC)


def test_a_time_reads_as_weekday_date_time_and_zone_abbreviation():
    assert when(AT, "Europe/London") == "Mon 7 Dec 2026, 14:05 GMT"
    assert when(AT, "America/New_York") == "Mon 7 Dec 2026, 09:05 EST"
    assert when(AT, "UTC") == "Mon 7 Dec 2026, 14:05 UTC"


def test_summer_time_shows_the_summer_abbreviation():
    assert when(dt.datetime(2026, 7, 6, 14, 5, tzinfo=dt.UTC), "Europe/London") == "Mon 6 Jul 2026, 15:05 BST"


def test_an_unknown_zone_falls_back_to_utc_and_none_reads_empty():
    assert when(AT, "Mars/Olympus") == "Mon 7 Dec 2026, 14:05 UTC"
    assert when(None, "Europe/London") == ""


def test_relative_times_say_in_or_ago():
    assert relative(AT + dt.timedelta(minutes=130), AT) == "in 2 h 10 min"
    assert relative(AT - dt.timedelta(minutes=12), AT) == "12 min ago"
    assert relative(AT + dt.timedelta(seconds=20), AT) == "now"
    assert relative(AT + dt.timedelta(days=2, hours=3), AT) == "in 2 d 3 h"


def test_durations_drop_zero_parts():
    assert duration(60) == "1 h"
    assert duration(-45) == "45 min"
    assert duration(24 * 60) == "1 d"
