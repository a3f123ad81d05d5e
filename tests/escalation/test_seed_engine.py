"""The engine on the seeds' own words, run by the worker against the database: a rule that can no
longer act sends nothing, a category's routing applies when a ticket opens, rules scoped by ticket
kind, and a customer's breach count that follows VIOE's wording. Each test's docstring cites the
seed document (shared seeds: 000 Mirrored Storage, 003 Zynstra, 004 VIOE) and its line."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from escalade.escalation.models import Firing
from escalade.notifications.models import OutboxMessage
from escalade.orgs.models import Level, Team
from escalade.policy.publish import apply_policy, policy_of
from escalade.sla.models import SlaClock
from escalade.worker.loop import Worker
from tests import factories as f

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"


def run_worker():
    Worker(stop=threading.Event()).run_until_idle()


PLAN = {"vioe": "standard", "mirrored-storage": "standard", "zynstra": "cloud_managed_server", "mycorp": "partner"}


def use(world, name: str, plan: str | None = None):
    """Apply the example, put the world's customers on its plan, set up its teams, and make Max the
    manager of every level."""
    version, _ = apply_policy((EXAMPLES / f"{name}.yaml").read_text(), filename=f"{name}.yaml", actor="test")
    for key, team in policy_of(version).teams.items():
        Team.objects.get_or_create(key=key, defaults={"name": team.name})
    for org in (world.acme, world.globex, world.initech):
        org.plan = plan or PLAN[name]
        org.save()
    world.max.user.email = "max@vendor.example.com"
    world.max.user.save()
    for level in world.levels.values():
        level.manager = world.max
        level.save()
    return world


def test_vioe_no_progress_rule_stops_messaging_once_the_ticket_is_at_tier_4(world):
    """VIOE 6.3 Step 4 (004 line 366) "Escalation if no progress in 1 hour": a P1 emergency climbs
    one tier per hour without progress, and at Tier 4 the rule can no longer act, so in 9 days
    there is exactly one "escalated" message per escalation, not one an hour."""
    w = use(world, "vioe")
    t = f.ticket(w.acme, by=w.alice, subject="Platform completely unavailable", priority="P1")
    for _ in range(5):
        run_worker()
        w.clock.advance(hours=1)
    for _ in range(18):  # 9 days in twelve-hour steps
        w.clock.advance(hours=12)
        run_worker()
    t.refresh_from_db()
    assert t.level.key == "L4"
    # The missed 15-minute response took it to Tier 2; no progress then took it to Tiers 3 and 4.
    assert Firing.objects.filter(ticket=t, rule="response_breach").count() == 1
    assert Firing.objects.filter(ticket=t, rule="emergency_no_progress").count() == 2
    escalated = OutboxMessage.objects.filter(ticket=t, subject__contains="escalated to")
    # {level} in a template is the level's name (VIOE: "Tier 2 - Technical Support" …)
    assert sorted(m.subject.split("escalated to ")[1][:6] for m in escalated) == ["Tier 2", "Tier 3", "Tier 4"]


def test_mirrored_storage_billing_ticket_opens_at_level_4_with_account_management(world):
    """Mirrored Storage ESCALATION PATH (000 lines 91–95): "Level 4: Account Manager / Virtual CIO
    Handles: … Billing and contract questions". A billing ticket opens at Level 4 with the Account
    Management team, so the Level 1 half-window rule (line 62) never sends it to Level 2."""
    w = use(world, "mirrored-storage")
    t = f.ticket(w.acme, by=w.alice, subject="Invoice shows the wrong tier", category="billing", priority="P3")
    assert (t.level.key, t.team.key) == ("L4", "account_management")
    w.clock.advance(hours=10)
    run_worker()
    t.refresh_from_db()
    assert t.level.key == "L4"
    assert not Firing.objects.filter(ticket=t, rule="level_1_half_window").exists()
    technical = f.ticket(w.acme, by=w.alice, subject="Printer offline", category="technical", priority="P3",
                         affected_users="one user")
    assert technical.level.key == "L1"


def test_vioe_missed_update_intervals_are_not_counted_as_sla_breaches(world):
    """VIOE 2.4 Tier 4 triggers (004 line 147) "Repeated SLA breaches"; 3.1 (line 156) gives the
    Response Time SLAs and 3.2 (line 165) only resolution *targets* with a maximum. Missed update
    intervals of one P1 are not SLA breaches: the customer's other P2–P4 tickets stay where they
    are, while three missed first responses do take them to Tier 4."""
    w = use(world, "vioe")
    p1 = f.ticket(w.acme, by=w.alice, subject="Platform unavailable", priority="P1")
    other = f.ticket(w.acme, by=w.alice, subject="Export is slow", priority="P4")
    from escalade.orgs.access import Viewer
    from escalade.tickets import services
    w.clock.advance(minutes=10)
    services.add_message(Viewer.of(w.vera.user), p1, body="Looking at it now.")  # first response in time
    services.add_message(Viewer.of(w.vera.user), other, body="We will look at the export.")
    for _ in range(8):  # four hours without an update: eight missed 30-minute intervals
        w.clock.advance(minutes=30)
        run_worker()
    assert SlaClock.objects.filter(ticket=p1, kind="next_update", breached_at__isnull=False).exists()
    other.refresh_from_db()
    assert other.level.key == "L1"
    assert not Firing.objects.filter(rule="repeated_breaches").exists()


def test_zynstra_progress_reports_are_for_faults_not_administration_requests(world):
    """Zynstra Third and Fourth Level Support (003 lines 64 and 69): for faults "report to Second
    Level Support regularly on resolution progress"; for administration requests "action it and
    report back to Second Level Support once complete" — no regular reports. The policy scopes the
    progress report rule to `kinds: [fault]`."""
    w = use(world, "zynstra")
    l3 = Level.objects.get(key="L3")
    fault = f.ticket(w.acme, by=w.alice, subject="Backup service failed", priority="P2", level=l3)
    admin = f.ticket(w.acme, by=w.alice, subject="Add a user share", priority="P2", level=l3, kind="administration")
    for _ in range(6):
        w.clock.advance(hours=1)
        run_worker()
    assert Firing.objects.filter(ticket=fault, rule="progress_to_service_provider").exists()
    assert not Firing.objects.filter(ticket=admin, rule="progress_to_service_provider").exists()


@pytest.mark.parametrize("kind, hours", [("fault", 2), ("administration", 4)])
def test_zynstra_targets_differ_by_ticket_kind(world, kind, hours):
    """Zynstra Introduction (003 line 15): Support resolves faults "or actions administrative
    requests", each with its own handling (lines 25–38): an administration request gets its own
    first-response target (`targets.*.P2.by_kind.administration`)."""
    w = use(world, "zynstra")
    t = f.ticket(w.acme, by=w.alice, subject="Something", priority="P2", kind=kind)
    clock = SlaClock.objects.get(ticket=t, kind="first_response")
    assert clock.due_at == w.clock.now() + dt.timedelta(hours=hours)


def test_mirrored_storage_alerts_the_customer_of_a_critical_issue_by_sms_as_they_chose(world):
    """Mirrored Storage COMMUNICATION PREFERENCES (000 line 182) "Text/SMS for critical alerts?":
    Alice chose SMS for P1, so a P1 alerts her by text; her P3 sends no alert."""
    w = use(world, "mirrored-storage")
    w.alice.phone = "+1 214 555 0142"
    w.alice.channel_preferences = {"P1": ["sms"], "*": ["email"]}
    w.alice.save()
    p1 = f.ticket(w.acme, by=w.alice, subject="All servers down", priority="P1", affected_users="everyone")
    p3 = f.ticket(w.acme, by=w.alice, subject="Printer jam", priority="P3", affected_users="one user")
    run_worker()
    [alert] = OutboxMessage.objects.filter(ticket=p1, kind="status_update")
    assert (alert.channel, alert.recipient) == ("sms", "+1 214 555 0142")
    assert alert.subject == f"Critical: {p1.number} All servers down"
    assert not OutboxMessage.objects.filter(ticket=p3, kind="status_update").exists()
