"""A customer answers a resolved ticket with "Confirm the fix" or "It is not fixed" (a short
reason, and the ticket reopens), through the status service."""

from __future__ import annotations

import pytest
from django.urls import reverse

from escalade.audit.models import Event
from escalade.orgs.access import Viewer
from escalade.tickets import services
from escalade.tickets.models import Message, Status


def url(ticket, action=""):
    return reverse(f"portal:{action}" if action else "portal:ticket", args=[ticket.number])


@pytest.fixture
def resolved(world):
    services.change_status(Viewer.of(world.vera.user), world.acme_ticket, Status.RESOLVED, resolution_type="fixed")
    world.acme_ticket.refresh_from_db()
    return world.acme_ticket


def test_customer_sees_two_buttons_and_no_move_to_list_on_a_resolved_ticket(client_for, world, resolved):
    html = client_for(world.alice).get(url(resolved)).content.decode()
    assert ">Confirm the fix</button>" in html and ">It is not fixed</summary>" in html
    assert "Move to" not in html


def test_agent_keeps_the_status_list_and_gets_no_fix_buttons(client_for, world, resolved):
    html = client_for(world.vera).get(url(resolved)).content.decode()
    assert "Confirm the fix" not in html and "Move to" in html


def test_no_fix_buttons_before_the_ticket_is_resolved(client_for, world):
    html = client_for(world.alice).get(url(world.acme_ticket)).content.decode()
    assert "Confirm the fix" not in html and "It is not fixed" not in html


def test_confirm_the_fix_closes_the_ticket_through_the_status_service(client_for, world, resolved):
    response = client_for(world.alice).post(url(resolved, "confirm_fix"), {"version": resolved.version})
    assert response.status_code == 302
    resolved.refresh_from_db()
    assert resolved.status == Status.CLOSED
    last = Event.objects.filter(ticket_id=resolved.pk, action="ticket.status_changed").order_by("-id").first()
    assert last.after["status"] == "closed" and last.actor_user_id == world.alice.user_id


def test_not_fixed_with_a_reason_reopens_and_keeps_the_reason_as_a_reply(client_for, world, resolved):
    response = client_for(world.alice).post(url(resolved, "not_fixed"),
                                            {"version": resolved.version, "reason": "Still jams on page 2."})
    assert response.status_code == 302
    resolved.refresh_from_db()
    assert resolved.status == Status.IN_PROGRESS
    reply = Message.objects.get(ticket=resolved)
    assert reply.body == "Not fixed: Still jams on page 2." and reply.from_customer and not reply.is_internal


def test_not_fixed_without_a_reason_is_refused_and_the_ticket_stays_resolved(client_for, world, resolved):
    response = client_for(world.alice).post(url(resolved, "not_fixed"), {"version": resolved.version, "reason": " "})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED and not Message.objects.filter(ticket=resolved).exists()


def test_a_customer_of_another_organisation_cannot_confirm_or_reopen(client_for, world, resolved):
    gina = client_for(world.gina)
    assert gina.post(url(resolved, "confirm_fix"), {}).status_code == 404
    assert gina.post(url(resolved, "not_fixed"), {"reason": "x"}).status_code == 404
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED


def test_a_stale_confirm_does_nothing(client_for, world, resolved):
    response = client_for(world.alice).post(url(resolved, "confirm_fix"), {"version": resolved.version - 1})
    assert response.status_code == 409
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED


def test_without_reopening_in_the_policy_only_confirm_the_fix_is_offered(client_for, world):
    from pathlib import Path

    from escalade.policy.publish import apply_policy
    from tests import factories as f

    text = (Path(__file__).resolve().parents[2] / "examples" / "policies" / "mycorp.yaml").read_text()
    apply_policy(text.replace("customer_may_reopen: true", "customer_may_reopen: false"), filename="mycorp.yaml",
                 actor="test")
    ticket = f.ticket(world.acme, by=world.alice, subject="No reopening here")
    services.change_status(Viewer.of(world.vera.user), ticket, Status.RESOLVED, resolution_type="fixed")
    html = client_for(world.alice).get(url(ticket)).content.decode()
    assert "Confirm the fix" in html and "It is not fixed" not in html
    refused = client_for(world.alice).post(url(ticket, "not_fixed"), {"reason": "Still broken"})
    assert refused.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
