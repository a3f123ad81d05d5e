"""Support managers answer a management escalation from the ticket page; the manager's page shows
the level an escalation request asked for."""

from __future__ import annotations

import pytest
from django.urls import reverse

from escalade.audit.models import Event
from escalade.escalation.models import ManagementConcern, ReviewTask
from escalade.orgs.access import Viewer
from escalade.tickets import services


def _concern(ticket, now) -> ManagementConcern:
    return ManagementConcern.objects.create(ticket=ticket, rule="p1_management", raised_at=now, step=1,
                                            role="head_of_support", step_reached_at=now, attempts=2,
                                            last_attempt_at=now)


def _page(client, ticket) -> str:
    return client.get(reverse("portal:ticket", args=[ticket.number])).content.decode()


def test_manager_sees_the_open_management_escalation_with_its_step(client_for, vioe):
    _concern(vioe.acme_p3, vioe.clock.now())
    html = _page(client_for(vioe.max), vioe.acme_p3)
    assert "Management escalation" in html
    assert 'Step 2 · <strong title="head_of_support">Head of support</strong>' in html
    assert "2 attempts unanswered" in html
    assert "Answer the escalation" in html


@pytest.mark.parametrize("who", ["alice", "vera", "pat"])
def test_customers_and_other_agents_do_not_see_it(client_for, vioe, who):
    _concern(vioe.acme_p3, vioe.clock.now())
    assert "Answer the escalation" not in _page(client_for(getattr(vioe, who)), vioe.acme_p3)


def test_manager_answers_it_through_the_same_domain_function_as_the_api(client_for, vioe):
    concern = _concern(vioe.acme_p3, vioe.clock.now())
    url = reverse("portal:answer_management", args=[vioe.acme_p3.number])
    response = client_for(vioe.max).post(url, {"answer": "Called the customer's CIO."}, follow=True)
    concern.refresh_from_db()
    assert (concern.status, concern.answered_by, concern.answer) == ("answered", "Max", "Called the customer's CIO.")
    assert Event.objects.filter(action="escalation.management_answered", ticket_id=vioe.acme_p3.pk).exists()
    assert "it stops here" in response.content.decode()
    assert "Answer the escalation" not in response.content.decode()


@pytest.mark.parametrize("who", ["alice", "vera", "pat"])
def test_anyone_but_a_manager_is_refused(client_for, vioe, who):
    concern = _concern(vioe.acme_p3, vioe.clock.now())
    url = reverse("portal:answer_management", args=[vioe.acme_p3.number])
    assert client_for(getattr(vioe, who)).post(url, {"answer": "x"}).status_code == 403
    concern.refresh_from_db()
    assert concern.status == "open"


def test_a_customer_of_another_organisation_gets_a_404(client_for, vioe):
    _concern(vioe.acme_p3, vioe.clock.now())
    url = reverse("portal:answer_management", args=[vioe.acme_p3.number])
    assert client_for(vioe.gina).post(url).status_code == 404


def test_answering_a_ticket_without_an_open_escalation_is_reported(client_for, vioe):
    url = reverse("portal:answer_management", args=[vioe.acme_p3.number])
    response = client_for(vioe.max).post(url, {"answer": ""}, follow=True)
    assert response.status_code == 200
    assert "has no open management escalation to answer" in response.content.decode()


def test_an_overlong_answer_is_a_field_error(client_for, vioe):
    _concern(vioe.acme_p3, vioe.clock.now())
    url = reverse("portal:answer_management", args=[vioe.acme_p3.number])
    response = client_for(vioe.max).post(url, {"answer": "x" * 2001})
    assert response.status_code == 400
    assert response.context["management_form"].errors["answer"]


# -- the requested level on the manager's page -------------------------------------------------------

def _review_after_request(vioe, level: str) -> ReviewTask:
    services.request_escalation(Viewer.of(vioe.alice.user), vioe.acme_p3, business_impact="Tills down", level=level)
    vioe.clock.advance(minutes=1)
    return ReviewTask.objects.create(ticket=vioe.acme_p3, role="level_manager", rule="escalation_request",
                                     reason="Review it", created_at=vioe.clock.now())


def test_manager_page_shows_the_level_the_customer_asked_for(client_for, vioe):
    _review_after_request(vioe, "L3")
    html = client_for(vioe.max).get(reverse("portal:manager")).content.decode()
    assert "Requested level: <strong>Tier 3 - Engineering Support</strong>" in html


def test_manager_page_says_when_no_level_was_asked_for(client_for, vioe):
    _review_after_request(vioe, "")
    html = client_for(vioe.max).get(reverse("portal:manager")).content.decode()
    assert "Requested level: <strong>not given (you decide)</strong>" in html


def test_a_task_without_an_escalation_request_shows_no_level(client_for, vioe):
    ReviewTask.objects.create(ticket=vioe.acme_p3, role="level_manager", rule="escalation_request",
                              reason="Review it", created_at=vioe.clock.now())
    assert "Requested level" not in client_for(vioe.max).get(reverse("portal:manager")).content.decode()
