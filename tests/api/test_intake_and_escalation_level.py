"""The API's side of the policy's required information (`intake`) and of the escalation level a
customer asks for (VIOE 5.3 step 4)."""

from __future__ import annotations

import pytest

from escalade.audit.models import Event
from escalade.policy.publish import apply_policy
from escalade.tickets.models import Ticket
from tests import factories as f
from tests.mail.conftest import ROOT

NEW = {"subject": "NAS unreachable", "description": "Since 9am the NAS times out."}


@pytest.fixture
def mirrored(world):
    text = (ROOT / "examples" / "policies" / "mirrored-storage.yaml").read_text(encoding="utf-8")
    apply_policy(text, filename="examples/policies/mirrored-storage.yaml", actor="test")
    return world


def test_a_ticket_without_the_required_information_is_a_400_naming_the_field(as_, mirrored):
    resp = as_(mirrored.alice).post("/api/tickets", NEW)
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == "invalid" and list(body["fields"]) == ["affected_users"]
    assert "who is affected" in body["fields"]["affected_users"][0]
    assert not Ticket.objects.filter(subject="NAS unreachable").exists()


def test_an_agent_entering_a_ticket_is_held_to_the_same_rule(as_, mirrored):
    resp = as_(mirrored.vera).post("/api/tickets", {**NEW, "organisation": mirrored.acme.pk, "channel": "phone"})
    assert resp.status_code == 400 and "affected_users" in resp.json()["fields"]


def test_with_the_required_information_or_in_a_lighter_category_it_opens(as_, mirrored):
    assert as_(mirrored.alice).post("/api/tickets", {**NEW, "affected_users": "Finance"}).status_code == 201
    resp = as_(mirrored.alice).post("/api/tickets", {**NEW, "subject": "How do I map a drive?",
                                                     "category": "question"})
    assert resp.status_code == 201, resp.json()


def test_the_requested_level_is_stored_and_on_the_timeline(as_, world):
    t = f.ticket(world.acme, by=world.alice, subject="Reports slow")
    caller = as_(world.alice)
    resp = caller.post(f"/api/tickets/{t.number}/escalation-request",
                       {"business_impact": "Board pack due tomorrow", "level": "l3"})
    assert resp.status_code == 200, resp.json()
    event = Event.objects.get(action="ticket.escalation_requested", ticket_id=t.pk)
    assert event.after["requested_level"] == "L3"
    timeline = caller.get(f"/api/tickets/{t.number}/timeline").json()
    assert any(e["text"] == "Escalation requested to L3: Board pack due tomorrow" for e in timeline)


@pytest.mark.parametrize(("level", "message"), [("L9", "There is no support level 'L9'"),
                                                ("L1", "already at L1; ask for a higher level")])
def test_an_unknown_or_not_higher_level_is_refused_on_the_field(as_, world, level, message):
    t = f.ticket(world.acme, by=world.alice, subject="Reports slow")
    resp = as_(world.alice).post(f"/api/tickets/{t.number}/escalation-request",
                                 {"business_impact": "x", "level": level})
    assert resp.status_code == 400
    assert message in resp.json()["fields"]["level"][0]
    assert not Event.objects.filter(action="ticket.escalation_requested", ticket_id=t.pk).exists()
