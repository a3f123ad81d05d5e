"""The clocks a ticket gets when it is opened, with due times worked out by hand from the seed
documents' numbers (examples/policies/*.yaml) — never from the engine's own arithmetic."""

from __future__ import annotations

import pytest

from escalade.sla.models import ClockStatus
from tests.sla.support import CHICAGO, LONDON, NEW_YORK, PHNOM_PENH, clocks, due, open_ticket, t, utc

# -- Mirrored Storage: RESPONSE TIME EXPECTATIONS BY TIER ---------------------------------------


def test_mirrored_storage_premium_p1_is_due_30_minutes_later_even_on_a_saturday_night(world, use_policy):
    use_policy("mirrored-storage", acme="premium")
    ticket = open_ticket(world, world.alice, at=utc(2026, 11, 28, 3, 0), priority="P1")  # Saturday
    assert due(ticket) == {"first_response": utc(2026, 11, 28, 3, 30)}


def test_mirrored_storage_standard_p1_is_due_1_hour_later_around_the_clock(world, use_policy):
    use_policy("mirrored-storage", acme="standard")
    ticket = open_ticket(world, world.alice, at=utc(2026, 11, 29, 23, 30), priority="P1")  # Sunday night
    assert due(ticket) == {"first_response": utc(2026, 11, 30, 0, 30)}


def test_mirrored_storage_basic_p2_opened_friday_4pm_is_due_monday_2pm_dallas_time(world, use_policy):
    # 8 business hours on 8am-6pm M-F: Friday 16:00-18:00 (2 h), Monday 08:00-14:00 (6 h).
    use_policy("mirrored-storage", acme="basic")
    ticket = open_ticket(world, world.alice, at=t(CHICAGO, 2026, 12, 4, 16), priority="P2")
    assert due(ticket) == {"first_response": t(CHICAGO, 2026, 12, 7, 14)}


def test_mirrored_storage_standard_p3_after_hours_is_addressed_the_next_business_day(world, use_policy):
    # Opened Monday 19:00 Dallas: counting starts Tuesday 08:00; 8 business hours → Tuesday 16:00.
    use_policy("mirrored-storage", acme="standard")
    ticket = open_ticket(world, world.alice, at=t(CHICAGO, 2026, 11, 30, 19), priority="P3")
    assert due(ticket) == {"first_response": t(CHICAGO, 2026, 12, 1, 16)}


def test_mirrored_storage_basic_p1_skips_thanksgiving_and_the_day_after_in_texas(world, use_policy):
    # 4 business hours: Wednesday 16:00-18:00, Thu 26 + Fri 27 Nov are Texas holidays, then
    # Monday 08:00-10:00.
    use_policy("mirrored-storage", acme="basic")
    ticket = open_ticket(world, world.alice, at=t(CHICAGO, 2026, 11, 25, 16), priority="P1")
    assert due(ticket) == {"first_response": t(CHICAGO, 2026, 11, 30, 10)}


def test_mirrored_storage_tickets_get_no_resolution_clocks_because_resolution_time_varies(world, use_policy):
    use_policy("mirrored-storage", acme="premium")
    ticket = open_ticket(world, world.alice, at=utc(2026, 11, 23, 10), priority="P3")
    assert set(clocks(ticket)) == {"first_response"}


# -- VIOE: 1.3 support hours, 3.1 response and 3.2 resolution ------------------------------------


@pytest.mark.parametrize("plan", ["standard", "extended", "premium"])
def test_vioe_p1_first_response_is_15_minutes_under_emergency_coverage_on_every_plan(world, use_policy, plan):
    use_policy("vioe", acme=plan)
    ticket = open_ticket(world, world.alice, at=utc(2026, 11, 28, 3, 0), priority="P1")  # Saturday 03:00
    assert due(ticket) == {
        "first_response": utc(2026, 11, 28, 3, 15),
        "resolution_target": utc(2026, 11, 28, 7, 0),
        "resolution_maximum": utc(2026, 11, 28, 11, 0),
    }
    assert "emergency coverage" in clocks(ticket)["first_response"].target_text


def test_vioe_p4_resolution_maximum_is_15_business_days_of_9_to_18_in_the_customer_time_zone(world, vioe):
    # Globex is in New York. From Monday 23 Nov 09:00: 15 days of 9 h (VIOE names no holidays,
    # so Thanksgiving counts) end Friday 11 Dec 18:00 New York time.
    ticket = open_ticket(world, world.gina, at=t(NEW_YORK, 2026, 11, 23, 9), priority="P4")
    assert due(ticket) == {
        "first_response": t(NEW_YORK, 2026, 11, 23, 18),  # 1 business day = 9 h
        "resolution_target": t(NEW_YORK, 2026, 12, 4, 18),  # 10 business days
        "resolution_maximum": t(NEW_YORK, 2026, 12, 11, 18),  # 15 business days
    }


def test_vioe_globex_ticket_counts_new_york_hours_and_acme_london_hours(world, vioe):
    # Both opened at 09:00 UTC: 09:00 in London, 04:00 in New York (which opens at 09:00 = 14:00 UTC).
    at = utc(2026, 11, 23, 9, 0)
    acme = open_ticket(world, world.alice, at=at, priority="P3")
    globex = open_ticket(world, world.gina, at=at, priority="P3")
    assert due(acme)["first_response"] == t(LONDON, 2026, 11, 23, 13)
    assert due(globex)["first_response"] == t(NEW_YORK, 2026, 11, 23, 13) == utc(2026, 11, 23, 18)
    assert clocks(globex)["first_response"].calendar["tz"] == NEW_YORK


def test_vioe_p3_resolution_target_is_3_business_days_and_maximum_5(world, vioe):
    # From Monday 10:00 London: 27 h = Mon 8 + Tue 9 + Wed 9 + Thu 1; 45 h ends the next Monday 10:00.
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    assert due(ticket) == {
        "first_response": t(LONDON, 2026, 11, 23, 14),
        "resolution_target": t(LONDON, 2026, 11, 26, 10),
        "resolution_maximum": t(LONDON, 2026, 11, 30, 10),
    }
    assert {c.status for c in clocks(ticket).values()} == {ClockStatus.RUNNING}


# -- MyCorp: Severity Level Definition, 24 x 365 ------------------------------------------------


@pytest.mark.parametrize(("severity", "hours"), [("Severity 1", 2), ("Severity 2", 24), ("Severity 3", 48)])
def test_mycorp_severities_get_a_first_response_within_2_24_and_48_hours_around_the_clock(
        world, use_policy, severity, hours):
    use_policy("mycorp")
    ticket = open_ticket(world, world.alice, at=utc(2026, 11, 28, 22, 0), priority=severity)  # Saturday
    expected = {1: None, 2: utc(2026, 11, 29, 0, 0), 24: utc(2026, 11, 29, 22, 0), 48: utc(2026, 11, 30, 22, 0)}
    assert due(ticket) == {"first_response": expected[hours]}


# -- I One Tech: 1. SLAs during 3. Working Hours (Mon-Fri 08:00-18:00, Phnom Penh) ----------------


def test_ione_tech_critical_is_due_within_1_working_hour_skipping_peace_day(world, use_policy):
    # Monday 28 Dec 17:30: 30 min on Monday; Tue 29 Dec is Peace Day in Cambodia; Wednesday 08:30.
    use_policy("ione-tech")
    ticket = open_ticket(world, world.alice, at=t(PHNOM_PENH, 2026, 12, 28, 17, 30), priority="Critical")
    assert due(ticket) == {"first_response": t(PHNOM_PENH, 2026, 12, 30, 8, 30)}


def test_ione_tech_critical_does_not_count_the_limited_weekend_hours(world, use_policy):
    # Friday 17:30: 30 min on Friday, none at the weekend (limited support), Monday 08:30.
    use_policy("ione-tech")
    ticket = open_ticket(world, world.alice, at=t(PHNOM_PENH, 2026, 12, 4, 17, 30), priority="P1")
    assert due(ticket) == {"first_response": t(PHNOM_PENH, 2026, 12, 7, 8, 30)}


def test_ione_tech_low_is_due_after_48_working_hours(world, use_policy):
    # From Monday 7 Dec 08:00, 10 h a day: Mon-Thu 40 h, Friday 08:00 + 8 h = 16:00.
    use_policy("ione-tech")
    ticket = open_ticket(world, world.alice, at=t(PHNOM_PENH, 2026, 12, 7, 8), priority="Low")
    assert due(ticket) == {"first_response": t(PHNOM_PENH, 2026, 12, 11, 16)}


# -- Zynstra: UK working days 09:00-17:30, English bank holidays -----------------------------------


def test_zynstra_p1_resolution_target_of_1_working_day_skips_christmas_and_boxing_day(world, use_policy):
    # Thu 24 Dec 15:00: 2.5 h; Fri 25 Christmas, weekend, Mon 28 Boxing Day (observed); Tue 29 09:00
    # + 6 h = 15:00 (a working day is 8.5 h).
    use_policy("zynstra")
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 12, 24, 15), priority="P1")
    assert due(ticket) == {
        "first_response": t(LONDON, 2026, 12, 24, 16),
        "resolution_target": t(LONDON, 2026, 12, 29, 15),
    }


def test_zynstra_p2_first_response_of_2_working_hours_straddles_the_bank_holidays(world, use_policy):
    use_policy("zynstra")
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 12, 24, 16, 30), priority="P2")
    assert due(ticket)["first_response"] == t(LONDON, 2026, 12, 29, 10)
