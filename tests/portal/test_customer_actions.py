"""Customer actions on the ticket page (escalation, priority change, promises) and the
"Who to contact" page, each tried from the wrong side of its boundary too."""

from django.urls import reverse

from escalade.audit.models import Event
from escalade.tickets.models import PriorityChangeRequest


def url(name, ticket):
    return reverse(name, args=[ticket.number])


def test_customer_sees_the_promised_response_time_on_the_ticket_and_the_list(client_for, vioe):
    client = client_for(vioe.alice)
    page = client.get(url("portal:ticket", vioe.acme_p3)).content.decode()
    assert "What we promised" in page and "respond by" in page.lower()
    assert "respond by" in client.get("/").content.decode().lower()


def test_customer_requests_an_escalation_with_business_impact(client_for, vioe):
    response = client_for(vioe.alice).post(url("portal:escalate", vioe.acme_p3),
                                           {"business_impact": "All printing stopped"})
    assert response.status_code == 302
    event = Event.objects.get(action="ticket.escalation_requested", ticket_id=vioe.acme_p3.pk)
    assert event.after["business_impact"] == "All printing stopped"


def test_escalation_request_without_business_impact_is_refused_on_the_form(client_for, vioe):
    response = client_for(vioe.alice).post(url("portal:escalate", vioe.acme_p3), {"business_impact": " "})
    assert response.status_code == 400
    assert not Event.objects.filter(action="ticket.escalation_requested").exists()


def test_customer_cannot_escalate_another_organisations_ticket(client_for, vioe):
    response = client_for(vioe.alice).post(url("portal:escalate", vioe.globex_p3), {"business_impact": "x"})
    assert response.status_code == 404
    assert not Event.objects.filter(action="ticket.escalation_requested").exists()


def test_customer_requests_a_priority_change_with_justification(client_for, vioe):
    response = client_for(vioe.alice).post(url("portal:priority_request", vioe.acme_p3),
                                           {"priority": "P2", "justification": "Whole office cannot print"})
    assert response.status_code == 302
    request = PriorityChangeRequest.objects.get(ticket=vioe.acme_p3)
    assert (request.from_priority, request.to_priority, request.status) == ("P3", "P2", "pending")


def test_priority_change_without_justification_is_refused_on_the_form(client_for, vioe):
    response = client_for(vioe.alice).post(url("portal:priority_request", vioe.acme_p3), {"priority": "P2"})
    assert response.status_code == 400
    assert "Explain why" in response.content.decode()
    assert not PriorityChangeRequest.objects.exists()


def test_customer_cannot_ask_another_organisations_ticket_for_another_priority(client_for, vioe):
    response = client_for(vioe.alice).post(url("portal:priority_request", vioe.globex_p3),
                                           {"priority": "P1", "justification": "please"})
    assert response.status_code == 404
    assert not PriorityChangeRequest.objects.exists()


def test_contact_page_lists_support_hours_channels_and_emergencies_from_the_active_policy(client_for, vioe):
    page = client_for(vioe.alice).get(reverse("portal:contact")).content.decode()
    assert "Support hours" in page and "Standard" in page
    assert "Ways to reach us" in page
    assert "Emergencies" in page


def test_contact_page_says_so_when_no_policy_is_published(client_for, world):
    page = client_for(world.alice).get(reverse("portal:contact")).content.decode()
    assert "No support policy has been published yet" in page


def test_contact_page_needs_sign_in(client, world):
    assert client.get(reverse("portal:contact")).status_code == 302
