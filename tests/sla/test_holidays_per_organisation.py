"""Holidays per organisation: customers on one plan in different countries each keep their own
public holidays (`holiday_country: customer` on the calendar, the organisation's holiday country),
on VIOE's words (shared seed 004): 1.3 Support Hours, Standard "Monday-Friday, 9 AM - 6 PM (customer
timezone)" (line 59)."""

from __future__ import annotations

from escalade.sla.models import SlaClock
from tests.sla.support import LONDON, NEW_YORK, due, open_ticket, t


def test_vioe_standard_customers_in_two_countries_keep_their_own_public_holidays(world, use_policy):
    """004 line 59: Standard hours are the customer's own. On US Thanksgiving (Thursday 26 November
    2026) Globex in New York is closed, so its P3 (4 hours, 3.1 line 162) is due Friday; Acme in
    London, on the same plan, works that day and is due the same afternoon."""
    use_policy("vioe")
    world.globex.holiday_country, world.globex.holiday_subdivision = "US", "NY"
    world.globex.save()
    world.acme.holiday_country, world.acme.holiday_subdivision = "GB", "ENG"
    world.acme.save()
    globex = open_ticket(world, world.gina, at=t(NEW_YORK, 2026, 11, 26, 9), priority="P3")
    acme = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 26, 9), priority="P3")
    assert due(globex)["first_response"] == t(NEW_YORK, 2026, 11, 27, 13)
    assert due(acme)["first_response"] == t(LONDON, 2026, 11, 26, 13)


def test_setting_a_customers_holidays_retargets_its_open_clocks(world, use_policy):
    """004 line 59: the hours are the customer's; telling Escalade Globex's country moves its running
    clock off the holiday."""
    use_policy("vioe")
    ticket = open_ticket(world, world.gina, at=t(NEW_YORK, 2026, 11, 26, 9), priority="P3")
    assert due(ticket)["first_response"] == t(NEW_YORK, 2026, 11, 26, 13)  # no holidays known yet
    world.globex.holiday_country = "US"
    world.globex.save()
    clock = SlaClock.objects.get(ticket=ticket, kind="first_response")
    assert clock.due_at == t(NEW_YORK, 2026, 11, 27, 13)

