"""Per-plan after-hours promises set the first-response clock (`escalation.after_hours.PLAN.response`),
on the words of Mirrored Storage (shared seed 000): AFTER-HOURS CONTACT GUIDELINES, Premium Tier
Clients (lines 165–168)."""

from __future__ import annotations

import threading

from escalade.escalation.models import Firing
from escalade.notifications.models import OutboxMessage
from escalade.worker.loop import Worker
from tests.sla.support import CHICAGO, due, open_ticket, t


def test_mirrored_storage_premium_p3_on_the_dedicated_line_at_3am_saturday_is_due_in_30_minutes(world, use_policy):
    """000 line 166 "Dedicated emergency line with guaranteed 30-minute response" and line 167 "All
    priority levels supported 24×7": a Premium P3 called in on the dedicated line at 03:00 on a
    Saturday is due at 03:30, not on Monday, and Level 1's half window (line 62) passes it to Level 2
    at 03:15 with its manager told."""
    use_policy("mirrored-storage", acme="premium")
    for level in world.levels.values():
        level.manager = world.max
        level.save()
    world.max.user.email = "max@vendor.example.com"
    world.max.user.save()
    ticket = open_ticket(world, world.alice, at=t(CHICAGO, 2026, 11, 28, 3), priority="P3", channel="emergency_line",
                         affected_users="the whole office")
    assert due(ticket) == {"first_response": t(CHICAGO, 2026, 11, 28, 3, 30)}
    Worker(stop=threading.Event()).run_until_idle()
    world.clock.set(t(CHICAGO, 2026, 11, 28, 3, 15))  # the check the worker set when it opened
    Worker(stop=threading.Event()).run_until_idle()
    ticket.refresh_from_db()
    assert ticket.level.key == "L2"
    assert Firing.objects.get(ticket=ticket, rule="level_1_half_window").at == t(CHICAGO, 2026, 11, 28, 3, 15)
    assert OutboxMessage.objects.filter(ticket=ticket, recipient="max@vendor.example.com",
                                        subject=f"Ticket {ticket.number} escalated to Senior Engineer").exists()


def test_mirrored_storage_premium_p3_in_the_portal_after_hours_keeps_its_business_hours_target(world, use_policy):
    """000 line 166: the 30-minute promise is the dedicated line's; a portal ticket at the same hour
    keeps the table's "P3 (Medium): 4 business hours" (line 209), due Monday 12:00 Dallas time."""
    use_policy("mirrored-storage", acme="premium")
    ticket = open_ticket(world, world.alice, at=t(CHICAGO, 2026, 11, 28, 3), priority="P3",
                         affected_users="the whole office")
    assert due(ticket) == {"first_response": t(CHICAGO, 2026, 11, 30, 12)}


def test_mirrored_storage_premium_p3_on_the_line_in_business_hours_keeps_its_target(world, use_policy):
    """000 lines 165–167 are after-hours guidelines: in business hours a P3 on the line is due 4
    business hours later (line 209)."""
    use_policy("mirrored-storage", acme="premium")
    ticket = open_ticket(world, world.alice, at=t(CHICAGO, 2026, 11, 30, 9), priority="P3", channel="emergency_line",
                         affected_users="the whole office")
    assert due(ticket) == {"first_response": t(CHICAGO, 2026, 11, 30, 13)}
