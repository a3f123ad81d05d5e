"""Named examples of each business-time rule (no Django, no database)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from escalade.businesstime import Calendar, CalendarError
from escalade.businesstime.table import year_table

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def office(tz="Europe/London", start="09:00", end="17:00", **extra) -> Calendar:
    return Calendar.from_dict({"tz": tz, "week": {d: [[start, end]] for d in WEEKDAYS}, **extra})


def sundays(tz: str, *intervals: tuple[str, str]) -> Calendar:
    return Calendar.from_dict({"tz": tz, "week": {"sun": [list(i) for i in intervals]}})


# -- add ------------------------------------------------------------------------------------


def test_start_outside_hours_counts_from_the_next_opening():
    cal = office()
    # Friday 20:00 -> Monday 09:00 + 30 min.
    assert cal.add(london(2026, 6, 5, 20, 0), 30) == london(2026, 6, 8, 9, 30)


def test_adding_zero_minutes_outside_hours_gives_the_next_opening():
    assert office().add(london(2026, 6, 6, 12, 0), 0) == london(2026, 6, 8, 9, 0)


def test_adding_zero_minutes_inside_hours_gives_the_start():
    assert office().add(london(2026, 6, 8, 10, 15), 0) == london(2026, 6, 8, 10, 15)


def test_due_time_landing_on_closing_time_is_that_closing_time():
    cal = office()
    assert cal.add(london(2026, 6, 8, 16, 0), 60) == london(2026, 6, 8, 17, 0)
    assert cal.add(london(2026, 6, 8, 16, 0), 61) == london(2026, 6, 9, 9, 1)


def test_add_returns_an_aware_datetime_at_the_right_instant():
    due = office(tz="America/New_York").add(utc(2026, 6, 8, 12, 0), 90)
    assert due.tzinfo is not None
    assert due == utc(2026, 6, 8, 14, 30)  # opens 09:00 EDT = 13:00 UTC


def test_add_is_exact_to_the_second_for_fractional_minutes():
    cal = Calendar.always()
    start = utc(2026, 1, 1, 12, 0)
    assert cal.add(start, 1.5) == start + dt.timedelta(seconds=90)
    assert cal.add(start, 0.25) == start + dt.timedelta(seconds=15)
    assert cal.between(start, start + dt.timedelta(seconds=30)) == 0.5


def test_several_intervals_a_day_skip_the_lunch_break():
    cal = Calendar.from_dict({"tz": "Europe/London", "week": {"mon": [["08:00", "12:00"], ["13:00", "17:00"]]}})
    assert cal.add(london(2026, 6, 8, 11, 0), 120) == london(2026, 6, 8, 14, 0)
    assert not cal.is_open(london(2026, 6, 8, 12, 30))
    assert cal.between(london(2026, 6, 8, 8, 0), london(2026, 6, 8, 17, 0)) == 480


def test_missing_weekday_means_closed():
    cal = Calendar.from_dict({"tz": "UTC", "week": {"mon": [["09:00", "17:00"]]}})
    assert not cal.is_open(utc(2026, 6, 9, 10, 0))  # a Tuesday
    assert cal.next_open(utc(2026, 6, 9, 10, 0)) == utc(2026, 6, 15, 9, 0)


def test_negative_minutes_raise_value_error():
    with pytest.raises(ValueError):
        office().add(utc(2026, 6, 8, 10, 0), -1)


def test_non_finite_minutes_raise_value_error():
    with pytest.raises(ValueError):
        office().add(utc(2026, 6, 8, 10, 0), float("nan"))
    with pytest.raises(ValueError):
        office().add(utc(2026, 6, 8, 10, 0), float("inf"))


def test_naive_datetimes_raise_value_error():
    cal, naive = office(), dt.datetime(2026, 6, 8, 10, 0)
    for call in (
        lambda: cal.add(naive, 5),
        lambda: cal.add(naive, 0),
        lambda: cal.between(naive, naive),
        lambda: cal.between(utc(2026, 6, 8), naive),
        lambda: cal.is_open(naive),
        lambda: cal.next_open(naive),
        lambda: cal.next_close(naive),
    ):
        with pytest.raises(ValueError, match="timezone-aware"):
            call()


def test_add_crosses_the_new_year():
    cal = office(holidays=["2027-01-01"])
    # Thursday 31 Dec 16:00 -> 1 h that day, Friday 1 Jan is a holiday, Monday 4 Jan 09:00 + 1 h.
    assert cal.add(london(2026, 12, 31, 16, 0), 120) == london(2027, 1, 4, 10, 0)


def test_add_far_into_the_future_spans_years():
    cal = Calendar.always()
    start = utc(1990, 1, 1)
    assert cal.add(start, 1440 * 365 * 20) == start + dt.timedelta(days=365 * 20)


# -- between ----------------------------------------------------------------------------------


def test_between_is_negative_when_b_is_before_a():
    cal = office()
    a, b = london(2026, 6, 8, 10, 0), london(2026, 6, 9, 10, 0)
    assert cal.between(a, b) == 480
    assert cal.between(b, a) == -480


def test_between_counts_only_open_time():
    # Friday 16:00 to Monday 10:00 = 1 h + 1 h.
    assert office().between(london(2026, 6, 5, 16, 0), london(2026, 6, 8, 10, 0)) == 120


def test_between_spans_many_years_exactly():
    days = (dt.date(2100, 1, 1) - dt.date(1990, 1, 1)).days
    assert Calendar.always().between(utc(1990, 1, 1), utc(2100, 1, 1)) == days * 1440
    assert Calendar.always().between(utc(2100, 1, 1), utc(1990, 1, 1)) == -days * 1440


def test_dates_in_1990_and_2100_work():
    cal = office()
    tuesday_1990 = dt.date(1990, 1, 2)
    assert tuesday_1990.weekday() == 1
    assert cal.add(london(1990, 1, 2, 16, 0), 120) == london(1990, 1, 3, 10, 0)
    friday_2100 = dt.date(2100, 12, 31)
    assert friday_2100.weekday() == 4
    assert cal.add(london(2100, 12, 31, 16, 0), 60) == london(2100, 12, 31, 17, 0)
    assert cal.between(london(2100, 12, 31, 0, 0), london(2100, 12, 31, 23, 0)) == 480


# -- is_open / next_open / next_close -----------------------------------------------------


def test_opening_instant_is_open_and_closing_instant_is_not():
    cal = office()
    assert cal.is_open(london(2026, 6, 8, 9, 0))
    assert not cal.is_open(london(2026, 6, 8, 17, 0))


def test_next_open_is_the_instant_itself_when_open():
    moment = london(2026, 6, 8, 12, 0)
    assert office().next_open(moment) == moment


def test_next_close_when_open_is_the_end_of_the_current_period():
    assert office().next_close(london(2026, 6, 8, 12, 0)) == london(2026, 6, 8, 17, 0)


def test_next_close_when_closed_is_the_end_of_the_next_period():
    assert office().next_close(london(2026, 6, 6, 12, 0)) == london(2026, 6, 8, 17, 0)


def test_touching_periods_across_midnight_are_one_period():
    cal = Calendar.from_dict(
        {
            "tz": "Europe/London",
            "week": {"mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]], "wed": [["00:00", "10:00"]]},
        }
    )
    assert cal.next_close(london(2026, 6, 8, 12, 0)) == london(2026, 6, 10, 10, 0)


def test_next_close_is_none_when_the_calendar_never_closes():
    assert Calendar.always().next_close(utc(2026, 6, 8)) is None
    assert Calendar.always("Australia/Sydney").next_close(utc(2026, 10, 3)) is None


def test_next_close_of_a_24x7_calendar_with_a_holiday_is_that_holiday():
    cal = Calendar.from_dict(
        {
            "tz": "UTC",
            "week": {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
            "holidays": ["2027-01-05"],
        }
    )
    assert cal.next_close(utc(2026, 6, 1)) == utc(2027, 1, 5)
    assert cal.next_close(utc(2027, 1, 5, 12, 0)) is None  # open for good after its last holiday
    assert cal.next_open(utc(2027, 1, 5, 12, 0)) == utc(2027, 1, 6)


def test_calendar_without_hours_raises_instead_of_looping():
    cal = Calendar.from_dict({"tz": "Europe/London", "week": {"mon": []}})
    with pytest.raises(CalendarError, match="calendar has no business hours"):
        cal.add(utc(2026, 6, 8), 10)
    with pytest.raises(CalendarError, match="calendar has no business hours"):
        cal.add(utc(2026, 6, 8), 0)
    assert cal.next_open(utc(2026, 6, 8)) is None
    assert cal.next_close(utc(2026, 6, 8)) is None
    assert not cal.is_open(utc(2026, 6, 8))
    assert cal.between(utc(2026, 6, 8), utc(2027, 6, 8)) == 0


def test_instants_outside_the_supported_years_raise_value_error():
    with pytest.raises(ValueError, match="outside the years"):
        office().is_open(utc(1800, 1, 1))


# -- holidays ---------------------------------------------------------------------------------


def test_listed_holidays_are_closed_all_day():
    cal = office(holidays=["2026-12-25"])
    assert not cal.is_open(london(2026, 12, 25, 12, 0))
    assert cal.next_open(london(2026, 12, 25, 12, 0)) == london(2026, 12, 28, 9, 0)


def test_country_holidays_are_closed():
    cal = office(holiday_country="GB", holiday_subdivision="ENG")
    assert not cal.is_open(london(2026, 4, 6, 12, 0))  # Easter Monday in England
    assert not cal.is_open(london(2026, 12, 28, 12, 0))  # Boxing Day (observed)
    scotland = office(holiday_country="GB", holiday_subdivision="SCT")
    assert scotland.is_open(london(2026, 4, 6, 12, 0))  # not a bank holiday in Scotland


def test_holidays_are_whole_local_days_in_the_calendar_zone():
    cal = Calendar.always("Pacific/Auckland").with_tz("Pacific/Auckland")
    cal = Calendar.from_dict({**cal.to_dict(), "holidays": ["2026-12-25"]})
    # 24 Dec 21:00 UTC is already 25 Dec 10:00 in Auckland.
    assert not cal.is_open(utc(2026, 12, 24, 21, 0))
    assert cal.with_tz("UTC").is_open(utc(2026, 12, 24, 21, 0))


# -- daylight saving --------------------------------------------------------------------------


def test_spring_forward_night_counts_real_minutes():
    cal = sundays("Europe/London", ("00:00", "04:00"))
    assert cal.between(utc(2026, 3, 28), utc(2026, 3, 30)) == 180
    assert cal.next_close(utc(2026, 3, 29, 0, 30)) == utc(2026, 3, 29, 3, 0)


def test_fall_back_night_counts_real_minutes():
    cal = sundays("Europe/London", ("00:00", "04:00"))
    assert cal.between(utc(2026, 10, 24), utc(2026, 10, 26)) == 300


def test_wall_time_in_a_gap_means_the_instant_after_the_gap():
    cal = sundays("Europe/London", ("01:30", "03:00"))  # 01:00-02:00 does not exist on 29 March
    assert cal.next_open(utc(2026, 3, 28)) == utc(2026, 3, 29, 1, 0)  # 02:00 BST
    assert cal.between(utc(2026, 3, 28), utc(2026, 3, 30)) == 60
    assert cal.between(utc(2026, 3, 21), utc(2026, 3, 23)) == 90  # an ordinary Sunday


def test_interval_wholly_inside_a_gap_is_closed_that_day():
    cal = sundays("Europe/London", ("01:15", "01:45"))
    assert cal.next_open(utc(2026, 3, 28)) == london(2026, 4, 5, 1, 15)


def test_repeated_time_means_its_first_occurrence_for_opening_and_closing():
    # On 25 October 01:00-02:00 happens twice (BST then GMT).
    opening = sundays("Europe/London", ("01:30", "03:00"))
    assert opening.next_open(utc(2026, 10, 24)) == utc(2026, 10, 25, 0, 30)  # 01:30 BST
    assert opening.between(utc(2026, 10, 24), utc(2026, 10, 26)) == 150
    closing = sundays("Europe/London", ("01:00", "01:30"))
    assert closing.next_close(utc(2026, 10, 24)) == utc(2026, 10, 25, 0, 30)  # 01:30 BST
    assert not closing.is_open(utc(2026, 10, 25, 1, 10))  # 01:10 GMT, the second time round


def test_new_york_hours_follow_the_local_clock_across_dst():
    cal = office(tz="America/New_York")
    assert cal.next_open(utc(2026, 3, 6, 0, 0)) == utc(2026, 3, 6, 14, 0)  # EST
    assert cal.next_open(utc(2026, 3, 9, 0, 0)) == utc(2026, 3, 9, 13, 0)  # EDT
    assert cal.between(utc(2026, 3, 7), utc(2026, 3, 9)) == 0  # the weekend of the change


def test_southern_hemisphere_dst_in_sydney():
    cal = sundays("Australia/Sydney", ("00:00", "04:00"))
    assert cal.between(utc(2026, 4, 3), utc(2026, 4, 6)) == 300  # clocks go back on 5 April
    assert cal.between(utc(2026, 10, 2), utc(2026, 10, 5)) == 180  # forward on 4 October


def test_half_hour_dst_on_lord_howe_island():
    cal = sundays("Australia/Lord_Howe", ("00:00", "04:00"))
    assert cal.between(utc(2026, 4, 3), utc(2026, 4, 6)) == 270
    assert cal.between(utc(2026, 10, 2), utc(2026, 10, 5)) == 210
    gap = sundays("Australia/Lord_Howe", ("02:10", "03:00"))  # 02:00-02:30 skipped on 4 October
    assert gap.next_open(utc(2026, 10, 2)) == utc(2026, 10, 3, 15, 30)
    assert gap.between(utc(2026, 10, 2), utc(2026, 10, 5)) == 30


def test_dst_change_at_midnight_joins_the_days_across_it():
    # Sao Paulo skipped 00:00-01:00 on Sunday 4 November 2018.
    cal = Calendar.from_dict(
        {"tz": "America/Sao_Paulo", "week": {"sat": [["20:00", "24:00"]], "sun": [["00:00", "02:00"]]}}
    )
    assert cal.next_close(utc(2018, 11, 3, 23, 30)) == utc(2018, 11, 4, 4, 0)
    assert cal.between(utc(2018, 11, 3), utc(2018, 11, 5)) == 300


def test_memory_stays_bounded_when_many_years_are_used():
    cal = office(tz="America/New_York")
    for year in range(1990, 2101):
        cal.is_open(utc(year, 6, 1))
    assert year_table.cache_info().currsize <= year_table.cache_info().maxsize <= 256


# -- the calendar value -----------------------------------------------------------------------


def test_always_is_open_around_the_clock_in_its_zone():
    cal = Calendar.always("Europe/London")
    assert cal.tz == "Europe/London"
    assert cal.is_open(utc(2026, 12, 25, 3, 0))
    assert Calendar.always().tz == "UTC"


def test_with_tz_reads_the_same_hours_in_another_zone():
    cal = office(holidays=["2026-12-25"])
    ny = cal.with_tz("America/New_York")
    assert ny.tz == "America/New_York" and cal.tz == "Europe/London"
    assert ny.next_open(utc(2026, 6, 8, 8, 0)) == utc(2026, 6, 8, 13, 0)
    assert ny.to_dict()["week"] == cal.to_dict()["week"]
    assert ny.to_dict()["holidays"] == ["2026-12-25"]
    with pytest.raises(CalendarError) as error:
        cal.with_tz("Mars/Olympus")
    assert error.value.field == "tz"


def test_to_dict_round_trips_and_equal_calendars_are_equal():
    cal = office(holidays=["2026-12-25"], holiday_country="GB", holiday_subdivision="ENG")
    data = cal.to_dict()
    assert data["week"]["sat"] == [] and data["holiday_subdivision"] == "ENG"
    assert Calendar.from_dict(data) == cal
    assert hash(Calendar.from_dict(data)) == hash(cal)
    assert cal != office(holidays=["2026-12-26"], holiday_country="GB", holiday_subdivision="ENG")
    assert cal != cal.with_tz("UTC")


def test_touching_intervals_on_a_day_are_joined():
    split = Calendar.from_dict({"tz": "UTC", "week": {"mon": [["12:00", "17:00"], ["08:00", "12:00"]]}})
    assert split == Calendar.from_dict({"tz": "UTC", "week": {"mon": [["08:00", "17:00"]]}})
    assert split.to_dict()["week"]["mon"] == [["08:00", "17:00"]]


def test_24_00_is_allowed_as_a_closing_time():
    cal = Calendar.from_dict({"tz": "UTC", "week": {"fri": [["20:00", "24:00"]]}})
    assert cal.next_close(utc(2026, 6, 5, 21, 0)) == utc(2026, 6, 6, 0, 0)


# -- errors -----------------------------------------------------------------------------------

ERRORS = [
    ({"tz": "Europe/Londn"}, "tz", "not a time zone"),
    ({"week": {}}, "tz", "required"),
    ({"tz": "UTC", "week": {"mon": [["09:00", "12:00"], ["1pm", "17:00"]]}}, "week.mon[1]", "HH:MM"),
    ({"tz": "UTC", "week": {"mon": [["09:00", "12:00"], ["13:00", "25:00"]]}}, "week.mon[1]", "HH:MM"),
    ({"tz": "UTC", "week": {"tue": [["17:00", "09:00"]]}}, "week.tue[0]", "not after"),
    ({"tz": "UTC", "week": {"tue": [["09:00", "09:00"]]}}, "week.tue[0]", "not after"),
    ({"tz": "UTC", "week": {"wed": [["09:00", "13:00"], ["12:00", "17:00"]]}}, "week.wed[1]", "overlaps"),
    ({"tz": "UTC", "week": {"wed": [["12:00", "17:00"], ["09:00", "13:00"]]}}, "week.wed[0]", "overlaps"),
    ({"tz": "UTC", "week": {"thu": [["24:00", "24:00"]]}}, "week.thu[0]", "closing time"),
    ({"tz": "UTC", "week": {"thu": [["09:00"]]}}, "week.thu[0]", "opening and a closing"),
    ({"tz": "UTC", "week": {"funday": []}}, "week.funday", "not a weekday"),
    ({"tz": "UTC", "week": [["09:00", "17:00"]]}, "week", "mapping"),
    ({"tz": "UTC", "holidays": ["2026-12-25", "2026-02-30"]}, "holidays[1]", "YYYY-MM-DD"),
    ({"tz": "UTC", "holidays": ["25/12/2026"]}, "holidays[0]", "YYYY-MM-DD"),
    ({"tz": "UTC", "holiday_country": "XX"}, "holiday_country", "country code"),
    (
        {"tz": "UTC", "holiday_country": "GB", "holiday_subdivision": "ZZZ"},
        "holiday_subdivision",
        "subdivision",
    ),
    ({"tz": "UTC", "holiday_subdivision": "ENG"}, "holiday_subdivision", "holiday_country"),
    ({"tz": "UTC", "holiday": ["2026-12-25"]}, "holiday", "not a calendar setting"),
]


@pytest.mark.parametrize(("definition", "field", "words"), ERRORS)
def test_errors_name_the_field(definition, field, words):
    with pytest.raises(CalendarError, match=words) as error:
        Calendar.from_dict(definition)
    assert error.value.field == field
    assert words in error.value.message


def test_calendar_error_is_a_value_error_with_a_readable_message():
    with pytest.raises(ValueError) as error:
        Calendar.from_dict({"tz": "UTC", "week": {"tue": [["17:00", "09:00"]]}})
    assert str(error.value).startswith("week.tue[0]: closes at 09:00, which is not after it opens at 17:00")


def test_calendars_pickle_and_copy_as_their_definition():
    import copy
    import pickle

    cal = office(holidays=["2026-12-25"], holiday_country="GB")
    cal.is_open(utc(2026, 6, 8))  # fills the instance's table cache
    assert pickle.loads(pickle.dumps(cal)) == cal
    assert copy.deepcopy(cal) == cal
