"""Running clocks follow the ticket: a new priority, the customer's new plan or time zone, or a
new policy version re-targets them, keeping the business time already counted."""

from __future__ import annotations

import pytest

from escalade.audit.models import Event
from escalade.errors import PermissionDenied
from escalade.orgs.access import Viewer
from escalade.sla.breaches import record_breaches
from escalade.sla.models import ClockStatus
from escalade.tickets import services
from tests.sla.conftest import EXAMPLES, apply_example
from tests.sla.support import CHICAGO, LONDON, NEW_YORK, clocks, due, open_ticket, t, utc, viewer


def _change_priority(world, ticket, priority, at):
    world.clock.set(at)
    return services.update_ticket(viewer(world.vera), ticket, priority=priority, at=at)


def _retargeted(ticket):
    return list(Event.objects.filter(ticket_id=ticket.pk, action="sla.clocks_retargeted").order_by("id"))


def test_raising_p3_to_p1_midway_keeps_the_elapsed_time_against_the_p1_targets(world, vioe):
    # 10 business minutes have run; P1 runs on emergency coverage 24x7.
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    _change_priority(world, ticket, "P1", t(LONDON, 2026, 11, 23, 10, 10))
    assert due(ticket) == {
        "first_response": t(LONDON, 2026, 11, 23, 10, 15),  # 15 min
        "resolution_target": t(LONDON, 2026, 11, 23, 14),  # 4 h
        "resolution_maximum": t(LONDON, 2026, 11, 23, 18),  # 8 h
    }
    first = clocks(ticket)["first_response"]
    assert (first.priority, first.elapsed_minutes, first.calendar["week"]["sat"]) == ("P1", 10, [["00:00", "24:00"]])


def test_lowering_p1_to_p3_moves_the_rest_onto_business_hours(world, vioe):
    # Opened Saturday 03:00 as P1; at 03:10 it is P3: 10 min counted, 230 of 240 left from Monday 09:00;
    # resolution 27 h - 10 min = Mon 9 h + Tue 9 h + Wed 8 h 50 min.
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 28, 3), priority="P1")
    _change_priority(world, ticket, "P3", t(LONDON, 2026, 11, 28, 3, 10))
    assert due(ticket) == {
        "first_response": t(LONDON, 2026, 11, 30, 12, 50),
        "resolution_target": t(LONDON, 2026, 12, 2, 17, 50),
        "resolution_maximum": t(LONDON, 2026, 12, 4, 17, 50),
    }


def test_a_priority_change_is_audited_as_sla_clocks_retargeted_with_before_and_after(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    _change_priority(world, ticket, "Critical", t(LONDON, 2026, 11, 23, 10, 10))  # the name of P1
    [event] = _retargeted(ticket)
    assert event.at == t(LONDON, 2026, 11, 23, 10, 10)
    assert event.before["first_response"].startswith("P3 on Standard = 4 hours")
    assert event.after["first_response"].startswith("P1 on Standard = 15 minutes")
    assert event.after["reason"] == "priority P3 → P1"


def test_a_target_shortened_below_the_elapsed_time_is_due_at_once_even_out_of_hours(world, vioe):
    # P4 opened Monday 09:00; by Thursday 19:00 (closed) 36 business hours have run. As P3 the
    # resolution target is 27 h: due at once; the maximum of 45 h has 9 h left: Friday 18:00.
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 9), priority="P4")
    changed_at = t(LONDON, 2026, 11, 26, 19)
    _change_priority(world, ticket, "P3", changed_at)
    assert due(ticket)["resolution_target"] == changed_at
    assert due(ticket)["resolution_maximum"] == t(LONDON, 2026, 11, 27, 18)
    record_breaches(changed_at)
    assert clocks(ticket)["resolution_target"].breached_at == changed_at


def test_a_clock_already_overdue_when_retargeted_is_breached_at_its_old_due_time(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P1")  # due 10:15
    _change_priority(world, ticket, "P2", t(LONDON, 2026, 11, 23, 10, 30))
    first = clocks(ticket)["first_response"]
    assert first.breached_at == t(LONDON, 2026, 11, 23, 10, 15)
    assert first.due_at == t(LONDON, 2026, 11, 23, 11)  # P2: 1 hour, 30 min counted


def test_a_paused_clock_is_retargeted_and_stays_paused(world, vioe):
    from escalade.tickets.models import Status

    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    services.change_status(viewer(world.vera), ticket, Status.PENDING_CUSTOMER, at=t(LONDON, 2026, 11, 23, 11))
    _change_priority(world, ticket, "P2", t(LONDON, 2026, 11, 23, 12))
    first = clocks(ticket)["first_response"]
    assert (first.status, first.priority, first.target_minutes, first.due_at) == (ClockStatus.PAUSED, "P2", 60, None)


def test_moving_the_customer_to_another_plan_retargets_open_tickets(world, use_policy):
    # Mirrored Storage Standard P2: 4 business hours (due 13:00 Dallas). An hour in, Acme moves to
    # Premium, where P2 is "2 hours, 24x7": one hour left → 11:00.
    use_policy("mirrored-storage", acme="standard")
    ticket = open_ticket(world, world.alice, at=t(CHICAGO, 2026, 11, 30, 9), priority="P2")
    assert due(ticket) == {"first_response": t(CHICAGO, 2026, 11, 30, 13)}
    world.clock.set(t(CHICAGO, 2026, 11, 30, 10))
    world.acme.plan = "premium"
    world.acme.save()
    assert due(ticket) == {"first_response": t(CHICAGO, 2026, 11, 30, 11)}
    assert clocks(ticket)["first_response"].plan == "premium"
    assert "plan premium" in _retargeted(ticket)[0].after["reason"]


def test_moving_the_customer_to_another_time_zone_counts_the_rest_in_the_new_zone(world, vioe):
    # VIOE Standard runs in customer time. At 12:00 London 2 of 4 hours have run; Acme moves to
    # New York, where it is 07:00: the 2 hours left run 09:00-11:00 New York time.
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    world.clock.set(t(LONDON, 2026, 11, 23, 12))
    world.acme.timezone = NEW_YORK
    world.acme.save()
    assert due(ticket)["first_response"] == t(NEW_YORK, 2026, 11, 23, 11)
    assert clocks(ticket)["first_response"].calendar["tz"] == NEW_YORK


def test_saving_a_customer_without_changes_leaves_its_clocks_alone(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    before = clocks(ticket)["first_response"]
    world.clock.set(t(LONDON, 2026, 11, 23, 12))
    world.acme.save()
    after = clocks(ticket)["first_response"]
    assert (after.running_since, after.due_at) == (before.running_since, before.due_at)
    assert _retargeted(ticket) == []



def test_renaming_a_customer_on_a_fixed_zone_calendar_does_not_touch_its_clocks(
        world, use_policy, django_assert_max_num_queries):
    # Mirrored Storage counts in Dallas time whatever the customer's (London) zone: a save that
    # changes neither plan nor time zone reads the old row and writes the new one, nothing more.
    use_policy("mirrored-storage", acme="standard")
    ticket = open_ticket(world, world.alice, at=t(CHICAGO, 2026, 11, 30, 9), priority="P2")
    world.clock.set(t(CHICAGO, 2026, 11, 30, 10))
    world.acme.name = "Acme Corporation"
    with django_assert_max_num_queries(2):
        world.acme.save()
    assert _retargeted(ticket) == []

# -- a new policy version ---------------------------------------------------------------------


def _vioe_with_p3_first_response(text: str) -> str:
    source = (EXAMPLES / "vioe.yaml").read_text()
    old = "    P3:\n      first_response: 4 hours\n"
    assert old in source
    return source.replace(old, f"    P3:\n      first_response: {text}\n")


def test_a_ticket_keeps_its_policy_version_when_a_new_one_is_applied(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    world.clock.set(t(LONDON, 2026, 11, 23, 10, 30))
    v2 = apply_example("vioe", text=_vioe_with_p3_first_response("2 hours"))
    ticket.refresh_from_db()
    assert ticket.policy_version == vioe
    assert due(ticket)["first_response"] == t(LONDON, 2026, 11, 23, 14)
    newer = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10, 30), priority="P3")
    assert newer.policy_version == v2
    assert due(newer)["first_response"] == t(LONDON, 2026, 11, 23, 12, 30)


def test_an_admin_moves_a_ticket_to_the_active_policy_and_its_clocks_are_retargeted(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    v2 = apply_example("vioe", text=_vioe_with_p3_first_response("2 hours"))
    world.clock.set(t(LONDON, 2026, 11, 23, 11))
    assert services.move_to_active_policy(Viewer.of(world.admin), [ticket], at=world.clock.now()) == 1
    ticket.refresh_from_db()
    assert ticket.policy_version == v2
    first = clocks(ticket)["first_response"]
    assert (first.policy_version_id, first.due_at) == (v2.pk, t(LONDON, 2026, 11, 23, 12))  # 1 h counted, 1 h left
    [event] = _retargeted(ticket)
    assert event.after["reason"] == f"policy v{v2.number} applied"


@pytest.mark.parametrize("who", ["vera", "max", "alice"])
def test_only_an_admin_may_move_tickets_to_the_active_policy(world, vioe, who):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    apply_example("vioe", text=_vioe_with_p3_first_response("2 hours"))
    with pytest.raises(PermissionDenied):
        services.move_to_active_policy(viewer(getattr(world, who)), [ticket], at=utc(2026, 11, 23, 11))
    ticket.refresh_from_db()
    assert ticket.policy_version == vioe
    assert due(ticket)["first_response"] == t(LONDON, 2026, 11, 23, 14)
