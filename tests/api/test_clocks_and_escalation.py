"""SLA clocks and escalation requests through the API, from both sides."""

from pathlib import Path

import pytest

from escalade.policy.publish import apply_policy
from tests import factories as f

VIOE = Path(__file__).resolve().parents[2] / "examples" / "policies" / "vioe.yaml"


@pytest.fixture
def vioe(world):
    apply_policy(VIOE.read_text(), filename="vioe.yaml", actor="test")
    return world


def test_agent_sees_explained_clocks_and_customer_sees_promises(vioe, client):
    t = f.ticket(vioe.acme, by=vioe.alice, subject="Reports slow", priority="P2")
    client.force_login(vioe.vera.user)
    clocks = client.get(f"/api/tickets/{t.number}").json()["clocks"]
    first = clocks[0]
    assert first["kind"] == "first_response" and first["state"] == "running"
    assert first["due_at"].startswith("2026-11-23T10:00:00")
    assert first["text"].startswith("due Mon 23 Nov 2026, 10:00 GMT: P2 on Standard")
    client.force_login(vioe.alice.user)
    promised = client.get(f"/api/tickets/{t.number}").json()["clocks"]
    assert promised[0]["text"] == "we will respond by Mon 23 Nov 2026, 10:00 GMT"


def test_customer_requests_escalation_with_business_impact(vioe, client):
    t = f.ticket(vioe.acme, by=vioe.alice, subject="Reports slow", priority="P3")
    client.force_login(vioe.alice.user)
    resp = client.post(f"/api/tickets/{t.number}/escalation-request",
                       {"business_impact": "Board pack due tomorrow"}, content_type="application/json")
    assert resp.status_code == 200
    timeline = client.get(f"/api/tickets/{t.number}/timeline").json()
    assert any("Board pack due tomorrow" in e["text"] for e in timeline)


def test_escalation_request_needs_business_impact(vioe, client):
    t = f.ticket(vioe.acme, by=vioe.alice, subject="Reports slow", priority="P3")
    client.force_login(vioe.alice.user)
    resp = client.post(f"/api/tickets/{t.number}/escalation-request", {"business_impact": ""},
                       content_type="application/json")
    assert resp.status_code == 422
    assert "business_impact" in resp.json()["fields"]


def test_escalation_request_on_another_customers_ticket_is_not_found(vioe, client):
    client.force_login(vioe.alice.user)
    resp = client.post(f"/api/tickets/{vioe.globex_ticket.number}/escalation-request",
                       {"business_impact": "x"}, content_type="application/json")
    assert resp.status_code == 404
