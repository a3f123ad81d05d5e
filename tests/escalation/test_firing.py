"""The escalation engine end to end: rules from the example policies, run by the worker's sweeps
against the database, firing once and on time."""

import datetime as dt
import threading
from pathlib import Path

import pytest

from escalade.audit.verify import verify_log
from escalade.escalation.models import EscalationCheck, Firing, ReviewTask
from escalade.notifications.models import OutboxMessage
from escalade.orgs.access import Viewer
from escalade.policy.publish import apply_policy
from escalade.tickets import selectors, services
from escalade.worker.loop import Worker
from tests import factories as f
from tests.factories import seal_audit_log

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"


@pytest.fixture
def vioe(world):
    apply_policy((EXAMPLES / "vioe.yaml").read_text(), filename="vioe.yaml", actor="test")
    world.vera.user.email = "vera@vendor.example.com"
    world.vera.user.save()
    world.max.user.email = "max@vendor.example.com"
    world.max.user.save()
    for level in world.levels.values():
        level.manager = world.max
        level.save()
    return world


def run_worker():
    Worker(stop=threading.Event()).run_until_idle()


def test_first_response_breach_escalates_to_the_next_tier_at_the_due_time(vioe):
    w = vioe
    t = f.ticket(w.acme, by=w.alice, subject="Reports are slow", priority="P2")
    run_worker()
    assert not Firing.objects.filter(ticket=t, rule="response_breach").exists()
    w.clock.advance(minutes=61)  # P2 first response: 1 business hour; Monday 09:00 London
    run_worker()
    t.refresh_from_db()
    assert t.level.key == "L2"
    firing = Firing.objects.get(ticket=t, rule="response_breach")
    assert firing.at == dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
    manager_mail = OutboxMessage.objects.get(ticket=t, recipient="max@vendor.example.com")
    assert manager_mail.subject == f"Ticket {t.number} escalated to Tier 2 - Technical Support"  # the level's name


def test_a_firing_happens_once_however_often_the_worker_runs(vioe):
    w = vioe
    t = f.ticket(w.acme, by=w.alice, subject="Reports are slow", priority="P2")
    w.clock.advance(minutes=61)
    for _ in range(3):
        run_worker()
        EscalationCheck.objects.filter(ticket=t).update(next_check_at=w.clock.now())
    assert Firing.objects.filter(ticket=t, rule="response_breach").count() == 1
    t.refresh_from_db()
    assert t.level.key == "L2"
    seal_audit_log()
    assert verify_log().ok


def test_customer_escalation_request_creates_a_review_task_for_the_tier_manager(vioe):
    w = vioe
    t = f.ticket(w.acme, by=w.alice, subject="Exports fail", priority="P3")
    services.request_escalation(Viewer.of(w.alice.user), t, business_impact="Month-end close is blocked")
    run_worker()
    task = ReviewTask.objects.get(ticket=t, kind="review")
    assert task.kind == "review" and task.role == "level_manager"
    customer_view = selectors.timeline(Viewer.of(w.alice.user), t)
    assert any("escalation_request" in e.text for e in customer_view)


def test_escalation_request_without_business_impact_is_refused(vioe):
    from escalade.errors import DomainError

    t = f.ticket(vioe.acme, by=vioe.alice, subject="Exports fail", priority="P3")
    with pytest.raises(DomainError) as err:
        services.request_escalation(Viewer.of(vioe.alice.user), t, business_impact=" ")
    assert err.value.field == "business_impact"


def test_p1_sends_the_customer_a_status_update_every_30_minutes(vioe):
    w = vioe
    t = f.ticket(w.acme, by=w.alice, subject="Platform down", priority="P1")
    services.add_message(Viewer.of(w.vera.user), t, body="On it")  # starts the 30-minute update clock
    run_worker()
    w.clock.advance(minutes=31)
    run_worker()
    updates = OutboxMessage.objects.filter(ticket=t, kind="status_update", recipient=w.alice.email)
    assert updates.count() == 1
    w.clock.advance(minutes=5)
    run_worker()
    assert updates.count() == 1


def test_tickets_without_a_policy_are_left_alone(world):
    t = f.ticket(world.acme, by=world.alice)
    world.clock.advance(days=3)
    run_worker()
    assert not Firing.objects.filter(ticket=t).exists()
