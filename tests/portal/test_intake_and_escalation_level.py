"""The portal's side of three policy rules: the information the policy requires is marked and
refused on the new-ticket form (VIOE 8.4, Mirrored Storage Best Practices); a customer asks for an
escalation level, which the manager sees (VIOE 5.3 step 4); and the agent's queues put higher
priority first, then the oldest (MyCorp severity definitions)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from escalade.audit.models import Event
from escalade.notifications.models import OutboxMessage
from escalade.orgs.access import Viewer
from escalade.policy.publish import apply_policy
from escalade.portal import console
from escalade.tickets.models import Ticket
from tests import factories as f
from tests.mail.conftest import ROOT

FORM = {"subject": "NAS unreachable", "description": "Since 9am the NAS times out.", "kind": "fault"}


@pytest.fixture
def mirrored(world):
    text = (ROOT / "examples" / "policies" / "mirrored-storage.yaml").read_text(encoding="utf-8")
    apply_policy(text, filename="examples/policies/mirrored-storage.yaml", actor="test")
    return world


# -- required information --------------------------------------------------------------------

def test_the_form_marks_what_the_policy_requires(client_for, mirrored):
    page = client_for(mirrored.alice).get("/tickets/new/")
    form = page.context["form"]
    assert form.fields["affected_users"].required and not form.fields["error_messages"].required
    html = page.content.decode()
    assert 'name="affected_users" maxlength="300" required' in html
    assert "Required by the support policy." in html


def test_a_ticket_without_required_information_is_refused_on_the_field(client_for, mirrored):
    response = client_for(mirrored.alice).post("/tickets/new/", FORM)
    assert response.status_code == 400
    assert response.context["form"].errors["affected_users"] == ["This field is required."]
    assert not Ticket.objects.filter(subject="NAS unreachable").exists()
    assert not OutboxMessage.objects.filter(kind="ack").exists()


def test_with_the_required_information_the_ticket_opens(client_for, mirrored):
    response = client_for(mirrored.alice).post("/tickets/new/", {**FORM, "affected_users": "Finance, 12 people"})
    assert response.status_code == 302
    assert Ticket.objects.get(subject="NAS unreachable").affected_users == "Finance, 12 people"


def test_the_services_refusal_lands_on_the_field_when_the_form_did_not_know(client_for, mirrored, monkeypatch):
    from escalade.portal import views

    # The policy the form was built from knew nothing (say, it changed between the page and the post).
    monkeypatch.setattr(views, "active_version", lambda: None)
    response = client_for(mirrored.alice).post("/tickets/new/", FORM)
    assert response.status_code == 400
    [message] = response.context["form"].errors["affected_users"]
    assert "asks every new ticket for who is affected" in message


def test_without_a_policy_only_subject_and_description_are_required(client_for, world):
    form = client_for(world.alice).get("/tickets/new/").context["form"]
    assert not any(form.fields[name].required for name in ("affected_users", "error_messages"))


# -- the escalation level a customer asks for --------------------------------------------------

def test_the_escalation_form_offers_the_levels_above_the_tickets_own(client_for, vioe):
    vioe.acme_p3.level = vioe.levels["L2"]
    vioe.acme_p3.save()
    form = client_for(vioe.alice).get(reverse("portal:ticket", args=[vioe.acme_p3.number])).context[
        "escalation_form"]
    assert [key for key, _ in form.fields["level"].choices] == ["", "L3", "L4"]


def test_the_requested_level_is_stored_and_shown_to_the_manager(client_for, vioe):
    url = reverse("portal:escalate", args=[vioe.acme_p3.number])
    response = client_for(vioe.alice).post(url, {"business_impact": "Month-end blocked", "level": "L3"})
    assert response.status_code == 302
    event = Event.objects.get(action="ticket.escalation_requested", ticket_id=vioe.acme_p3.pk)
    assert event.after == {"business_impact": "Month-end blocked", "requested_level": "L3"}
    page = client_for(vioe.max).get(reverse("portal:ticket", args=[vioe.acme_p3.number])).content.decode()
    assert "Escalation requested to Tier 3 - Engineering Support: Month-end blocked" in page


def test_no_level_leaves_it_to_the_manager(client_for, vioe):
    url = reverse("portal:escalate", args=[vioe.acme_p3.number])
    assert client_for(vioe.alice).post(url, {"business_impact": "Month-end blocked"}).status_code == 302
    event = Event.objects.get(action="ticket.escalation_requested", ticket_id=vioe.acme_p3.pk)
    assert event.after["requested_level"] == ""


def test_a_level_not_above_the_tickets_own_is_refused_on_the_field(client_for, vioe):
    vioe.acme_p3.level = vioe.levels["L2"]
    vioe.acme_p3.save()
    url = reverse("portal:escalate", args=[vioe.acme_p3.number])
    response = client_for(vioe.alice).post(url, {"business_impact": "x", "level": "L1"})
    assert response.status_code == 400
    assert "level" in response.context["escalation_form"].errors
    assert not Event.objects.filter(action="ticket.escalation_requested").exists()


# -- queues: higher priority first, then the oldest ----------------------------------------------

def test_level_queue_lists_higher_priority_first_then_the_oldest(client_for, vioe):
    open_at = {}
    for minutes, (name, priority) in enumerate([("old P4", "P4"), ("old P1", "P1"), ("P3", "P3"),
                                                ("new P1", "P1")]):
        vioe.clock.advance(minutes=minutes)
        open_at[name] = f.ticket(vioe.acme, by=vioe.alice, subject=name, priority=priority)
    numbers = [t.number for t in console.queue(Viewer.of(vioe.max.user), "level", level="L1")
               if t.subject in open_at]
    assert numbers == [open_at[n].number for n in ("old P1", "new P1", "P3", "old P4")]
    page = client_for(vioe.max).get(reverse("portal:queues") + "?queue=level&level=L1").content.decode()
    positions = [page.index(open_at[n].number) for n in ("old P1", "new P1", "P3", "old P4")]
    assert positions == sorted(positions)


def test_my_queue_is_ordered_the_same_way_and_keeps_other_customers_out(vioe):
    from escalade.tickets import services

    manager = Viewer.of(vioe.max.user)
    low = f.ticket(vioe.acme, by=vioe.alice, subject="low", priority="P4")
    vioe.clock.advance(minutes=5)
    high = f.ticket(vioe.acme, by=vioe.alice, subject="high", priority="P2")
    for t in (low, high, vioe.globex_p3):
        services.update_ticket(manager, t, assignee=vioe.pat)
    mine = list(console.queue(Viewer.of(vioe.pat.user), "mine"))
    assert [t.subject for t in mine] == ["high", "low"]  # Globex is not a Northwind customer
