"""What agents read about a clock (`explain`) and what the customer is promised (`promise`)."""

from __future__ import annotations

from escalade.sla.breaches import record_breaches
from escalade.sla.explain import explain, promise
from escalade.tickets import services
from escalade.tickets.models import Status
from tests.sla.support import LONDON, NEW_YORK, clocks, open_ticket, t, viewer

P3_FIRST_RESPONSE = ("P3 on Standard = 4 hours on the Standard calendar (Monday–Friday 09:00–18:00 customer time, "
                     "closed on each customer's public holidays)")


def test_the_customer_is_promised_a_response_by_the_due_time_in_their_zone(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    assert promise(clocks(ticket)["first_response"], LONDON) == "we will respond by Mon 23 Nov 2026, 14:00 GMT"


def test_each_clock_has_its_own_promise(world, vioe):
    ticket = open_ticket(world, world.gina, at=t(NEW_YORK, 2026, 11, 23, 10), priority="P3")
    c = clocks(ticket)
    assert promise(c["resolution_target"], NEW_YORK) == "we aim to resolve by Thu 26 Nov 2026, 10:00 EST"
    assert promise(c["resolution_maximum"], NEW_YORK) == (
        "resolved at the latest by Mon 30 Nov 2026, 10:00 EST")
    world.clock.set(t(NEW_YORK, 2026, 11, 23, 11))
    services.add_message(viewer(world.vera), ticket, body="We are on it.", at=world.clock.now())
    assert promise(clocks(ticket)["next_update"], NEW_YORK) == "next update by Tue 24 Nov 2026, 11:00 EST"


def test_no_promise_is_shown_for_a_met_or_paused_clock(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    services.add_message(viewer(world.vera), ticket, body="Hello", at=t(LONDON, 2026, 11, 23, 10, 30))
    services.change_status(viewer(world.vera), ticket, Status.PENDING_CUSTOMER, at=t(LONDON, 2026, 11, 23, 11))
    c = clocks(ticket)
    assert promise(c["first_response"], LONDON) is None
    assert promise(c["resolution_target"], LONDON) is None


def test_a_running_clock_is_explained_with_its_due_time_and_target(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    assert explain(clocks(ticket)["first_response"], t(LONDON, 2026, 11, 23, 11), LONDON) == (
        f"due Mon 23 Nov 2026, 14:00 GMT: {P3_FIRST_RESPONSE}")


def test_a_met_clock_is_explained_with_the_time_it_was_met(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    services.add_message(viewer(world.vera), ticket, body="Hello", at=t(LONDON, 2026, 11, 23, 10, 30))
    assert explain(clocks(ticket)["first_response"], t(LONDON, 2026, 11, 23, 11), LONDON) == (
        f"met Mon 23 Nov 2026, 10:30 GMT: {P3_FIRST_RESPONSE}")


def test_a_breached_clock_is_explained_with_the_time_it_was_breached_in_the_readers_zone(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    record_breaches(t(LONDON, 2026, 11, 23, 16))
    assert explain(clocks(ticket)["first_response"], t(LONDON, 2026, 11, 23, 16), NEW_YORK) == (
        f"breached Mon 23 Nov 2026, 09:00 EST: {P3_FIRST_RESPONSE}")


def test_a_paused_clock_whose_target_is_already_used_up_shows_no_negative_time(world, vioe):
    # Pending from 10:30 (30 min counted), then lowered from P3 to a P1 target of 15 min.
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    services.change_status(viewer(world.vera), ticket, Status.PENDING_CUSTOMER, at=t(LONDON, 2026, 11, 23, 10, 30))
    services.update_ticket(viewer(world.vera), ticket, priority="P1", at=t(LONDON, 2026, 11, 23, 10, 40))
    text = explain(clocks(ticket)["first_response"], t(LONDON, 2026, 11, 23, 11), LONDON)
    assert text.startswith("paused, 0 min of business time left: P1 on Standard = 15 minutes")
