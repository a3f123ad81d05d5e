"""Zynstra Issue Escalation driven by the worker: a concern raised with the Head of Support moves to
the VP Customer Success and the Chief Operations Architect after one UK working day each, or at once
after two unanswered attempts, once per step, until a support manager answers it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from escalade.audit.models import Event
from escalade.audit.verify import verify_log
from escalade.errors import Conflict, PermissionDenied
from escalade.escalation import management
from escalade.escalation.models import EscalationCheck, Firing, ManagementConcern
from escalade.escalation.sweep import check_due
from escalade.notifications.models import OutboxMessage
from escalade.orgs.access import Viewer
from escalade.policy import PolicyInvalid, load_policy_text
from escalade.policy.publish import apply_policy
from escalade.tickets import selectors, services
from tests import factories as f
from tests.factories import seal_audit_log

ZYNSTRA = Path(__file__).resolve().parents[2] / "examples" / "policies" / "zynstra.yaml"
UTC = dt.UTC


def utc(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """An instant in November 2026 (London is on GMT = UTC then)."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def zynstra(world):
    apply_policy(ZYNSTRA.read_text(), filename="zynstra.yaml", actor="test")
    world.hooli = f.organisation("Hooli", partner=world.northwind, plan="cloud_managed_server")
    world.hal = f.contact(world.hooli, "Hal Hooli", is_primary=True)
    world.ticket = f.ticket(world.hooli, by=world.hal, subject="Nightly backup fails", priority="P3")
    # answered at once, so the SLA rules stay quiet and only the management chain acts
    services.add_message(Viewer.of(world.max.user), world.ticket, body="Looking into it", at=world.clock.now())
    return world


def escalate(w, at: dt.datetime, impact: str = "Three nights without a backup") -> None:
    w.clock.set(at)
    services.request_escalation(Viewer.of(w.hal.user), w.ticket, business_impact=impact, at=at)
    check_due(at)


def sweep(w, at: dt.datetime) -> int:
    """Run the escalation sweep at `at`; how many management-chain moves are recorded in all."""
    w.clock.set(at)
    check_due(at)
    return Firing.objects.filter(ticket=w.ticket, rule="management_chain").count()


def management_mail(ticket) -> list[str]:
    return list(OutboxMessage.objects.filter(ticket=ticket, kind="management").order_by("created_at", "pk")
                .values_list("recipient", flat=True))


def test_an_escalation_request_raises_a_concern_with_the_head_of_support_who_is_emailed(zynstra):
    w = zynstra
    escalate(w, utc(23, 10))
    concern = ManagementConcern.objects.get(ticket=w.ticket)
    assert (concern.step, concern.role, concern.attempts, concern.status) == (1, "head_of_support", 1, "open")
    assert concern.step_reached_at == utc(23, 10)
    [mail] = OutboxMessage.objects.filter(ticket=w.ticket, kind="management")
    assert mail.recipient == "head-of-support@example.com"
    assert "Head of Support" in mail.subject and "acknowledge" in mail.body
    raised = Event.objects.get(ticket_id=w.ticket.pk, action="escalation.management_raised")
    assert raised.after == {"rule": "concern_raised", "step": 2, "role": "head_of_support"}


def test_the_head_of_support_has_one_working_day_then_the_vp_is_told_once(zynstra):
    w = zynstra
    escalate(w, utc(23, 10))
    assert EscalationCheck.objects.get(ticket=w.ticket).next_check_at == utc(24, 10)
    assert sweep(w, utc(24, 9, 59)) == 0
    assert ManagementConcern.objects.get(ticket=w.ticket).step == 1
    assert sweep(w, utc(24, 10)) == 1
    for _ in range(2):  # a second worker, a repeated check: nothing more
        EscalationCheck.objects.filter(ticket=w.ticket).update(next_check_at=w.clock.now())
        assert sweep(w, utc(24, 10, 5)) == 1
    concern = ManagementConcern.objects.get(ticket=w.ticket)
    assert (concern.step, concern.role, concern.attempts) == (2, "vp_customer_success", 1)
    [firing] = Firing.objects.filter(ticket=w.ticket, rule="management_chain")
    assert firing.key == f"{w.ticket.pk}:management_chain:{concern.pk}#2" and firing.at == utc(24, 10)
    assert management_mail(w.ticket) == ["head-of-support@example.com", "vp-success@example.com"]
    [moved] = Event.objects.filter(ticket_id=w.ticket.pk, action="escalation.management_step")
    assert moved.after["reason"] == "the Head of Support gave no answer within 1 working day"
    assert moved.after["rule"] == "management_chain" and moved.at == utc(24, 10)
    seal_audit_log()
    assert verify_log().ok


def test_the_working_day_skips_the_weekend(zynstra):
    w = zynstra
    escalate(w, utc(27, 15))  # Friday 15:00 London
    assert sweep(w, utc(30, 14, 59)) == 0
    assert sweep(w, utc(30, 15)) == 1  # Monday 15:00: one working day later
    assert Firing.objects.get(ticket=w.ticket, rule="management_chain").at == utc(30, 15)


def test_two_unanswered_attempts_move_the_concern_to_the_vp_at_once(zynstra):
    w = zynstra
    escalate(w, utc(23, 10))
    escalate(w, utc(23, 11, 30), "Still no word from the Head of Support")
    concern = ManagementConcern.objects.get(ticket=w.ticket)
    assert (concern.step, concern.role, concern.step_reached_at) == (2, "vp_customer_success", utc(23, 11, 30))
    moved = Event.objects.get(ticket_id=w.ticket.pk, action="escalation.management_step")
    assert moved.after["reason"] == "2 attempts to reach the Head of Support went unanswered"
    # the second attempt re-sent the Head of Support's message, then the VP got theirs
    assert management_mail(w.ticket) == ["head-of-support@example.com"] * 2 + ["vp-success@example.com"]


def test_a_worker_down_for_days_catches_up_step_by_step_back_dated(zynstra):
    w = zynstra
    escalate(w, utc(23, 10))
    assert sweep(w, utc(30, 12)) == 2
    moves = Firing.objects.filter(ticket=w.ticket, rule="management_chain").order_by("at")
    assert [m.at for m in moves] == [utc(24, 10), utc(25, 10)]
    concern = ManagementConcern.objects.get(ticket=w.ticket)
    assert (concern.step, concern.role) == (3, "chief_operations_architect")
    assert sweep(w, utc(30, 18)) == 2  # the last step waits for an answer


def test_a_managers_answer_stops_the_chain_and_a_second_answer_is_refused(zynstra):
    w = zynstra
    escalate(w, utc(23, 10))
    manager = Viewer.of(w.max.user)
    management.answer_concern(manager, w.ticket, answer="Engineer assigned; update by 16:00", at=utc(23, 12))
    assert sweep(w, utc(26, 12)) == 0
    concern = ManagementConcern.objects.get(ticket=w.ticket)
    assert (concern.status, concern.step, concern.answered_by) == ("answered", 1, manager.label)
    with pytest.raises(Conflict, match="no open management escalation"):
        management.answer_concern(manager, w.ticket, at=utc(26, 12))
    texts = [e.data["action"] for e in selectors.timeline(manager, w.ticket) if e.kind == "event"]
    assert "escalation.management_raised" in texts and "escalation.management_answered" in texts


def test_only_a_support_manager_answers_a_concern(zynstra):
    w = zynstra
    escalate(w, utc(23, 10))
    for who in (w.hal, w.vera, w.pat):
        with pytest.raises(PermissionDenied):
            management.answer_concern(Viewer.of(who.user), w.ticket)
    assert ManagementConcern.objects.get(ticket=w.ticket).status == "open"


def test_a_resolved_ticket_rests_its_concern_until_it_is_reopened(zynstra):
    w = zynstra
    escalate(w, utc(23, 10))
    services.change_status(Viewer.of(w.max.user), w.ticket, "resolved", resolution_type="fixed", at=utc(23, 11))
    assert sweep(w, utc(25, 12)) == 0
    assert ManagementConcern.objects.get(ticket=w.ticket).step == 1


def test_a_policy_raising_a_concern_without_a_chain_is_refused_with_its_line() -> None:
    text = """name: Rules
plans: {basic: {name: Basic, coverage: 24x7}}
priorities: {P1: {name: Critical}}
targets: {basic: {P1: {first_response: 1 hour}}}
escalation:
  triggers:
    unhappy:
      when: {escalation_requested: {}}
      then:
        - management_escalation: head_of_support
"""
    with pytest.raises(PolicyInvalid, match=r"10:\d+: 'management_escalation' needs a management chain"):
        load_policy_text(text, filename="rules.yaml")


def test_a_concern_starting_at_a_role_not_in_the_chain_is_refused_naming_the_steps() -> None:
    text = ZYNSTRA.read_text().replace("management_escalation: head_of_support",
                                       "management_escalation: head_of_suport")
    with pytest.raises(PolicyInvalid, match=r"'head_of_suport' is not a step of the management chain; did you "
                                            r"mean 'head_of_support'\?"):
        load_policy_text(text, filename="zynstra.yaml")


def test_the_api_lets_a_support_manager_answer_and_refuses_everyone_else(zynstra, client):
    w = zynstra
    escalate(w, utc(23, 10))
    path = f"/api/tickets/{w.ticket.number}/management-escalation/answer"

    def post(who):
        client.force_login(who.user)
        return client.post(path, {"answer": "On it"}, content_type="application/json")

    assert post(w.alice).status_code == 404  # another customer's ticket does not exist for Alice
    denied = post(w.hal)
    assert denied.status_code == 403 and denied.json()["code"] == "forbidden"
    answered = post(w.max)
    assert answered.status_code == 200
    body = answered.json()
    assert (body["step"], body["role"], body["status"], body["answer"]) == (2, "head_of_support", "answered", "On it")
    again = post(w.max)
    assert again.status_code == 409 and "no open management escalation" in again.json()["message"]
