"""`explain()`: a calendar in one English sentence."""

from __future__ import annotations

from escalade.businesstime import Calendar, explain

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def test_office_hours_with_listed_holidays():
    cal = Calendar.from_dict(
        {
            "tz": "Europe/London",
            "week": {d: [["09:00", "18:00"]] for d in WEEKDAYS},
            "holidays": ["2026-12-25", "2026-12-26", "2027-01-01"],
        }
    )
    assert cal.explain() == "Monday–Friday 09:00–18:00 Europe/London, closed on 3 listed holidays"
    assert explain(cal) == cal.explain()


def test_one_listed_holiday_is_singular():
    cal = Calendar.from_dict({"tz": "UTC", "week": {"mon": [["09:00", "17:00"]]}, "holidays": ["2026-12-25"]})
    assert cal.explain() == "Monday 09:00–17:00 UTC, closed on 1 listed holiday"


def test_lunch_breaks_and_different_days():
    cal = Calendar.from_dict(
        {
            "tz": "America/New_York",
            "week": {
                **{d: [["08:00", "12:00"], ["13:00", "17:00"]] for d in WEEKDAYS},
                "sat": [["10:00", "14:00"]],
            },
        }
    )
    assert cal.explain() == "Monday–Friday 08:00–12:00 and 13:00–17:00, Saturday 10:00–14:00 America/New_York"


def test_country_holidays_and_listed_holidays():
    cal = Calendar.from_dict(
        {
            "tz": "Europe/London",
            "week": {d: [["09:00", "17:00"]] for d in WEEKDAYS},
            "holiday_country": "GB",
            "holiday_subdivision": "ENG",
            "holidays": ["2026-12-24"],
        }
    )
    assert cal.explain() == (
        "Monday–Friday 09:00–17:00 Europe/London, closed on public holidays in GB (ENG) and 1 listed holiday"
    )


def test_around_the_clock_and_every_day_and_never():
    assert Calendar.always().explain() == "Open 24/7 UTC"
    every = Calendar.from_dict(
        {
            "tz": "UTC",
            "week": {d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
        }
    )
    assert every.explain() == "Every day 08:00–20:00 UTC"
    weekend = Calendar.from_dict({"tz": "UTC", "week": {"sat": [["00:00", "24:00"]], "sun": [["00:00", "24:00"]]}})
    assert weekend.explain() == "Saturday–Sunday 24 hours UTC"
    assert Calendar.from_dict({"tz": "Asia/Tokyo"}).explain() == "No business hours Asia/Tokyo"


def test_non_consecutive_days_are_listed_separately():
    cal = Calendar.from_dict({"tz": "UTC", "week": {"mon": [["09:00", "17:00"]], "wed": [["09:00", "17:00"]]}})
    assert cal.explain() == "Monday 09:00–17:00, Wednesday 09:00–17:00 UTC"
