"""Rules that act on resolution, run by the worker against the database: VIOE 6.5 "Issue resolved
communication — Immediate" with the 8.3 resolution message, 6.3 step 4 and 6.5 follow-ups for a P1
emergency, and Zynstra's report to the Service Provider "when the resolution is complete"."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

from escalade.audit.models import Event
from escalade.audit.verify import verify_log
from escalade.errors import Conflict
from escalade.escalation.models import EscalationCheck, Firing, ReviewTask
from escalade.escalation.review import complete_review_task
from escalade.notifications.models import OutboxMessage
from escalade.orgs.access import Viewer
from escalade.policy.publish import apply_policy
from escalade.portal import console
from escalade.surveys.invitations import KIND as SURVEY
from escalade.tickets import selectors, services
from escalade.worker.loop import Worker
from tests import factories as f
from tests.factories import seal_audit_log

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"


@pytest.fixture
def vioe(world):
    apply_policy((EXAMPLES / "vioe.yaml").read_text(), filename="vioe.yaml", actor="test")
    for agent, email in ((world.vera, "vera@vendor.example.com"), (world.max, "max@vendor.example.com")):
        agent.user.email = email
        agent.user.save()
    for level in world.levels.values():
        level.manager = world.max
        level.save()
    return world


def run_worker():
    Worker(stop=threading.Event()).run_until_idle()


def resolve(w, ticket, reply: str = "We restarted the report service and cleared its queue."):
    services.add_message(Viewer.of(w.vera.user), ticket, body=reply)
    w.clock.advance(minutes=5)
    services.change_status(Viewer.of(w.vera.user), ticket, "resolved", resolution_type="fixed")


def resolution_messages(ticket):
    return OutboxMessage.objects.filter(ticket=ticket, kind="resolution")


def test_a_resolved_ticket_sends_the_requester_one_resolution_message_and_one_survey(vioe):
    w = vioe
    t = f.ticket(w.acme, by=w.alice, subject="Reports are slow", priority="P3")
    run_worker()
    resolve(w, t)
    for _ in range(3):
        run_worker()
        EscalationCheck.objects.filter(ticket=t).update(next_check_at=w.clock.now())
    [message] = resolution_messages(t)
    assert (message.recipient, message.channel, message.status) == (w.alice.email, "email", "sent")
    assert message.subject == f"[{t.number}] Resolved: Reports are slow"
    # VIOE 8.3: describe the resolution, request confirmation, offer follow-up
    assert "What we did: We restarted the report service and cleared its queue." in message.body
    assert "Please confirm that the issue is resolved" in message.body
    assert "the ticket closes after 7 days" in message.body and "follow up" in message.body
    assert OutboxMessage.objects.filter(ticket=t, kind=SURVEY).count() == 1
    assert [(m.to, m.subject) for m in mail.outbox if "Resolved" in m.subject] == [
        ([f"Alice Acme <{w.alice.email}>"], message.subject)]  # delivered through the email channel
    firing = Firing.objects.get(ticket=t, rule="issue_resolved_communication")
    assert firing.visible_to_customer and firing.at == t.__class__.objects.get(pk=t.pk).resolved_at
    seal_audit_log()
    assert verify_log().ok


def test_a_ticket_resolved_through_the_api_gets_the_resolution_message_once(vioe):
    w = vioe
    t = f.ticket(w.acme, by=w.alice, subject="Exports fail", priority="P3")
    client = Client()
    client.force_login(w.vera.user)
    response = client.post(f"/api/tickets/{t.number}/transition",
                           json.dumps({"status": "resolved", "resolution_type": "workaround"}),
                           content_type="application/json")
    assert response.status_code == 200, response.content
    run_worker()
    run_worker()
    assert resolution_messages(t).count() == 1


def test_resolved_reopened_and_resolved_again_sends_a_second_resolution_message_but_one_survey(vioe):
    w = vioe
    t = f.ticket(w.acme, by=w.alice, subject="Reports are slow", priority="P3")
    resolve(w, t)
    run_worker()
    w.clock.advance(hours=1)
    services.change_status(Viewer.of(w.alice.user), t, "in_progress")  # the customer reopens
    run_worker()
    assert resolution_messages(t).count() == 1
    w.clock.advance(hours=2)
    resolve(w, t, reply="The real fix: a new index on the report table.")
    run_worker()
    first, second = resolution_messages(t).order_by("created_at", "pk")
    assert "a new index" in second.body and "a new index" not in first.body
    assert Firing.objects.filter(ticket=t, rule="issue_resolved_communication").count() == 2
    assert OutboxMessage.objects.filter(ticket=t, kind=SURVEY).count() == 1


def test_a_resolved_p1_emergency_offers_a_review_and_creates_three_follow_ups_with_due_times(vioe):
    w = vioe
    t = f.ticket(w.acme, by=w.alice, subject="Platform completely unavailable", priority="P1")
    run_worker()
    resolve(w, t)
    resolved_at = w.clock.now()
    run_worker()
    [offer] = OutboxMessage.objects.filter(ticket=t, kind="status_update", subject__startswith="Post-incident")
    assert offer.recipient == w.alice.email and "post-incident review" in offer.body
    tasks = ReviewTask.objects.filter(ticket=t, kind="follow_up").order_by("due_at")
    assert [(task.title, task.due_at, task.role, task.overdue_to) for task in tasks] == [
        ("Root cause analysis", resolved_at + dt.timedelta(hours=72), "level_manager", "level_manager"),
        ("Post-incident report", resolved_at + dt.timedelta(days=7), "level_manager", "level_manager"),
        ("Preventive measures", resolved_at + dt.timedelta(days=14), "level_manager", "level_manager")]
    listed = console.open_review_tasks(Viewer.of(w.max.user))
    # VIOE's incident commander has nobody named: that page is a "nobody to tell" task on the list too
    assert [task.title for task in listed if task.ticket_id == t.pk and task.kind == "follow_up"] == [
        "Root cause analysis", "Post-incident report", "Preventive measures"]
    assert EscalationCheck.objects.get(ticket=t).next_check_at == resolved_at + dt.timedelta(hours=72)
    assert resolution_messages(t).count() == 1


def test_the_manager_console_lists_the_follow_ups_with_their_due_times_and_marks_overdue_ones(vioe):
    w = vioe
    t = f.ticket(w.acme, by=w.alice, subject="Platform completely unavailable", priority="P1")
    resolve(w, t)  # Monday 23 November 09:05 UTC
    run_worker()
    client = Client()
    client.force_login(w.max.user)
    page = client.get("/console/manager/").content.decode()
    assert "<strong>Root cause analysis</strong>" in page and "due Thu 26 Nov 2026, 09:05 UTC" in page
    assert "due Mon 7 Dec 2026, 09:05 UTC" in page and "overdue since" not in page
    w.clock.set(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC))
    page = client.get("/console/manager/").content.decode()
    assert "overdue since Thu 26 Nov 2026, 09:05 UTC" in page and "due Mon 30 Nov 2026, 09:05 UTC" in page


def test_a_p2_resolution_creates_no_follow_ups(vioe):
    w = vioe
    t = f.ticket(w.acme, by=w.alice, subject="Single user cannot log in", priority="P2")
    resolve(w, t)
    run_worker()
    assert not ReviewTask.objects.filter(ticket=t, kind="follow_up").exists()
    assert resolution_messages(t).count() == 1


def test_an_overdue_follow_up_is_escalated_once_to_the_level_manager_even_after_closing(vioe):
    w = vioe
    t = f.ticket(w.acme, by=w.alice, subject="Platform completely unavailable", priority="P1")
    resolve(w, t)
    resolved_at = w.clock.now()
    run_worker()
    rca = ReviewTask.objects.get(ticket=t, title="Root cause analysis")
    report = ReviewTask.objects.get(ticket=t, title="Post-incident report")
    complete_review_task(Viewer.of(w.max.user), report.pk)  # done early: never escalated
    w.clock.set(resolved_at + dt.timedelta(hours=71, minutes=59))
    run_worker()
    assert not Firing.objects.filter(ticket=t, rule="follow_up_overdue").exists()
    w.clock.set(resolved_at + dt.timedelta(days=8))  # closed after 7 days unconfirmed; RCA still open
    for _ in range(3):  # however often the sweep looks
        EscalationCheck.objects.filter(ticket=t).update(next_check_at=w.clock.now())
        run_worker()
    t.refresh_from_db()
    assert t.status == "closed"
    [firing] = Firing.objects.filter(ticket=t, rule="follow_up_overdue")
    assert firing.key == f"{t.pk}:follow_up_overdue:{rca.pk}"
    assert firing.at == resolved_at + dt.timedelta(hours=72)  # back-dated to the due time
    [alert] = OutboxMessage.objects.filter(ticket=t, kind="follow_up_overdue")
    assert alert.recipient == "max@vendor.example.com"  # the level manager
    assert alert.subject == f"[{t.number}] Follow-up overdue: Root cause analysis (P1, Acme)"
    assert '"Root cause analysis"' in alert.body and "“Post emergency activities”" in alert.body
    event = Event.objects.get(ticket_id=t.pk, action="escalation.follow_up_overdue")
    assert event.after["task"] == "Root cause analysis" and event.after["created_by"] == "post_emergency_activities"
    texts = [e.text for e in selectors.timeline(Viewer.of(w.max.user), t)]
    assert any(text.startswith("Follow-up overdue: Root cause analysis") for text in texts)
    assert any(text.startswith("Follow-ups created: Root cause analysis") for text in texts)
    # the next one falls due on day 14 and is escalated then, once
    assert EscalationCheck.objects.get(ticket=t).next_check_at == resolved_at + dt.timedelta(days=14)
    seal_audit_log()
    assert verify_log().ok


def test_completing_a_follow_up_goes_through_the_review_task_and_only_once(vioe):
    w = vioe
    t = f.ticket(w.acme, by=w.alice, subject="Platform completely unavailable", priority="P1")
    resolve(w, t)
    run_worker()
    rca = ReviewTask.objects.get(ticket=t, title="Root cause analysis")
    done = complete_review_task(Viewer.of(w.max.user), rca.pk)
    assert done.status == "done" and done.done_by == "Max"
    with pytest.raises(Conflict):
        complete_review_task(Viewer.of(w.max.user), rca.pk)
    assert rca.pk not in [task.pk for task in console.open_review_tasks(Viewer.of(w.max.user))]


def test_a_second_resolution_keeps_the_first_follow_up_deadlines(vioe):
    w = vioe
    t = f.ticket(w.acme, by=w.alice, subject="Platform completely unavailable", priority="P1")
    resolve(w, t)
    first_due = w.clock.now() + dt.timedelta(hours=72)
    run_worker()
    w.clock.advance(hours=1)
    services.change_status(Viewer.of(w.alice.user), t, "in_progress")
    w.clock.advance(hours=1)
    resolve(w, t)
    run_worker()
    assert Firing.objects.filter(ticket=t, rule="post_emergency_activities").count() == 2
    assert list(ReviewTask.objects.filter(ticket=t, title="Root cause analysis").values_list("due_at", flat=True)) \
        == [first_due]


# -- Zynstra ---------------------------------------------------------------------------------

@pytest.fixture
def zynstra(world):
    apply_policy((EXAMPLES / "zynstra.yaml").read_text(), filename="zynstra.yaml", actor="test")
    world.pat.user.email = "pat@northwind.example.com"
    world.pat.user.save()
    world.hooli = f.organisation("Hooli", partner=world.northwind, plan="cloud_managed_server")
    world.hal = f.contact(world.hooli, "Hal Hooli", is_primary=True)
    return world


def test_zynstra_tells_the_service_provider_when_the_resolution_at_third_level_is_complete(zynstra):
    w = zynstra
    t = f.ticket(w.hooli, by=w.hal, subject="RAID controller fault", priority="P2")
    services.update_ticket(Viewer.of(w.pat.user), t, level=w.levels["L3"])  # the Service Provider escalates
    run_worker()
    services.change_status(Viewer.of(w.leo.user), t, "resolved", resolution_type="fixed")
    run_worker()
    run_worker()
    [report] = OutboxMessage.objects.filter(ticket=t, subject__startswith="Resolved:")
    assert report.recipient == "pat@northwind.example.com"  # Second Level Support, at the partner
    assert report.subject == f"Resolved: {t.number} RAID controller fault"
    assert "resolution of" in report.body and "is complete" in report.body
    assert Firing.objects.get(ticket=t, rule="resolution_complete").visible_to_customer


def test_zynstra_sends_no_report_for_a_ticket_the_service_provider_resolved_at_second_level(zynstra):
    w = zynstra
    t = f.ticket(w.hooli, by=w.hal, subject="Password reset", priority="P4")
    services.update_ticket(Viewer.of(w.pat.user), t, level=w.levels["L2"])
    services.change_status(Viewer.of(w.pat.user), t, "resolved", resolution_type="fixed")
    run_worker()
    assert not Firing.objects.filter(ticket=t, rule="resolution_complete").exists()
