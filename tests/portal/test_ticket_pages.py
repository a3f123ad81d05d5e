"""The ticket list and the ticket page, tried from both sides of each boundary."""

import pytest
from django.urls import reverse

from escalade.orgs.access import Viewer
from escalade.tickets import services
from escalade.tickets.models import Message, Status


def ticket_url(ticket, action=""):
    name = {"": "portal:ticket", "reply": "portal:reply", "status": "portal:status"}[action]
    return reverse(name, args=[ticket.number])


@pytest.mark.parametrize("url", ["/", "/tickets/new/", "/tickets/ESC-000001/"])
def test_anonymous_users_are_redirected_to_login(client, world, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_login_page_signs_a_contact_in_and_lands_on_their_tickets(client, world):
    assert client.get("/login/").status_code == 200
    response = client.post("/login/", {"username": "alice.acme", "password": "pw-alice.acme"}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Acme VPN down" in response.content.decode()


def test_customer_sees_their_organisations_tickets_and_not_others(client_for, world):
    page = client_for(world.alice).get("/").content.decode()
    assert "Acme VPN down" in page
    assert "Globex invoices wrong" not in page
    assert "Initech TPS reports" not in page


def test_ticket_list_filters_by_status_and_searches_number_and_subject(client_for, world):
    client = client_for(world.max)
    services.change_status(Viewer.of(world.max.user), world.globex_ticket, Status.IN_PROGRESS)
    in_progress = client.get("/", {"status": "in_progress"}).content.decode()
    assert "Globex invoices wrong" in in_progress and "Acme VPN down" not in in_progress
    by_number = client.get("/", {"q": world.initech_ticket.number}).content.decode()
    assert "Initech TPS reports" in by_number and "Acme VPN down" not in by_number
    by_subject = client.get("/", {"q": "vpn"}).content.decode()
    assert "Acme VPN down" in by_subject and "Initech TPS reports" not in by_subject


def test_customer_gets_404_for_another_organisations_ticket(client_for, world):
    client = client_for(world.alice)
    assert client.get(ticket_url(world.acme_ticket)).status_code == 200
    assert client.get(ticket_url(world.globex_ticket)).status_code == 404


def test_customer_cannot_reply_to_another_organisations_ticket(client_for, world):
    response = client_for(world.alice).post(ticket_url(world.globex_ticket, "reply"), {"body": "Hello?"})
    assert response.status_code == 404
    assert not Message.objects.filter(ticket=world.globex_ticket).exists()


def test_customer_cannot_change_status_of_another_organisations_ticket(client_for, world):
    max_ = Viewer.of(world.max.user)
    services.change_status(max_, world.globex_ticket, Status.RESOLVED, resolution_type="fixed")
    response = client_for(world.alice).post(ticket_url(world.globex_ticket, "status"), {"to": "closed"})
    assert response.status_code == 404
    world.globex_ticket.refresh_from_db()
    assert world.globex_ticket.status == Status.RESOLVED


def test_partner_agent_sees_tickets_of_customers_it_serves_only(client_for, world):
    client = client_for(world.pat)
    page = client.get("/").content.decode()
    assert "Acme VPN down" in page
    assert "Initech TPS reports" not in page and "Globex invoices wrong" not in page
    assert client.get(ticket_url(world.acme_ticket)).status_code == 200
    assert client.get(ticket_url(world.initech_ticket)).status_code == 404


def test_ticket_page_shows_fields_and_accepts_short_numbers(client_for, world):
    client = client_for(world.alice)
    response = client.get(f"/tickets/{world.acme_ticket.pk}/")
    assert response.status_code == 302 and response["Location"] == ticket_url(world.acme_ticket)
    page = client.get(ticket_url(world.acme_ticket)).content.decode()
    for text in ("Acme VPN down", world.acme_ticket.number, "Open", "Help desk", "P3", "Ticket opened"):
        assert text in page


def test_customer_reply_appears_on_the_timeline(client_for, world):
    client = client_for(world.alice)
    response = client.post(ticket_url(world.acme_ticket, "reply"), {"body": "Still down after reboot."})
    assert response.status_code == 302
    page = client.get(ticket_url(world.acme_ticket)).content.decode()
    assert "Still down after reboot." in page
    assert Message.objects.get(ticket=world.acme_ticket).from_customer


def test_internal_notes_are_hidden_from_customers(client_for, world):
    client = client_for(world.pat)
    response = client.post(ticket_url(world.acme_ticket, "reply"),
                           {"body": "Customer's firewall is misconfigured.", "internal": "on"})
    assert response.status_code == 302
    assert "misconfigured" in client.get(ticket_url(world.acme_ticket)).content.decode()
    assert Message.objects.get(ticket=world.acme_ticket).is_internal

    customer_page = client_for(world.alice).get(ticket_url(world.acme_ticket)).content.decode()
    assert "misconfigured" not in customer_page
    assert "Internal note" not in customer_page  # neither the note nor the checkbox


def test_customer_cannot_write_an_internal_note_by_posting_the_flag(client_for, world):
    client_for(world.alice).post(ticket_url(world.acme_ticket, "reply"), {"body": "Psst", "internal": "on"})
    assert not Message.objects.get(ticket=world.acme_ticket).is_internal


def test_status_form_offers_only_the_lifecycles_allowed_targets(client_for, world):
    agent_form = client_for(world.vera).get(ticket_url(world.acme_ticket)).context["status_form"]
    assert [value for value, _ in agent_form.fields["to"].choices] == ["in_progress", "pending_customer", "resolved"]
    assert client_for(world.alice).get(ticket_url(world.acme_ticket)).context["status_form"] is None

    services.change_status(Viewer.of(world.vera.user), world.acme_ticket, Status.RESOLVED, resolution_type="fixed")
    customer_form = client_for(world.alice).get(ticket_url(world.acme_ticket)).context["status_form"]
    assert [value for value, _ in customer_form.fields["to"].choices] == ["closed", "in_progress"]
    assert "resolution_type" not in customer_form.fields


def test_agent_resolves_with_a_resolution_type(client_for, world):
    response = client_for(world.vera).post(
        ticket_url(world.acme_ticket, "status"), {"to": "resolved", "resolution_type": "workaround"}
    )
    assert response.status_code == 302
    world.acme_ticket.refresh_from_db()
    assert (world.acme_ticket.status, world.acme_ticket.resolution_type) == ("resolved", "workaround")


def test_resolving_without_resolution_type_shows_the_error(client_for, world):
    response = client_for(world.vera).post(ticket_url(world.acme_ticket, "status"), {"to": "resolved"})
    assert response.status_code == 400
    assert "Resolving needs a resolution type" in response.content.decode()
    world.acme_ticket.refresh_from_db()
    assert world.acme_ticket.status == Status.OPEN


def test_customer_confirms_a_resolution_and_the_ticket_closes(client_for, world):
    services.change_status(Viewer.of(world.vera.user), world.acme_ticket, Status.RESOLVED, resolution_type="fixed")
    response = client_for(world.alice).post(ticket_url(world.acme_ticket, "status"), {"to": "closed"})
    assert response.status_code == 302
    world.acme_ticket.refresh_from_db()
    assert world.acme_ticket.status == Status.CLOSED


def test_customer_cannot_move_an_open_ticket_by_posting_a_status(client_for, world):
    response = client_for(world.alice).post(
        ticket_url(world.acme_ticket, "status"), {"to": "resolved", "resolution_type": "fixed"}
    )
    assert response.status_code == 400
    world.acme_ticket.refresh_from_db()
    assert world.acme_ticket.status == Status.OPEN


def test_reply_to_a_closed_ticket_shows_the_domain_error(client_for, world):
    vera = Viewer.of(world.vera.user)
    services.change_status(vera, world.acme_ticket, Status.RESOLVED, resolution_type="fixed")
    services.change_status(vera, world.acme_ticket, Status.CLOSED)
    response = client_for(world.vera).post(ticket_url(world.acme_ticket, "reply"), {"body": "One more thing"})
    assert response.status_code == 400
    assert "is closed; open a new ticket" in response.content.decode()


def test_navigation_shows_admin_to_staff_only_and_signs_out_by_post(client_for, world):
    customer_page = client_for(world.alice).get("/").content.decode()
    assert 'href="/admin/"' not in customer_page
    assert 'href="/api/docs"' in customer_page
    assert 'action="/logout/"' in customer_page and 'method="post"' in customer_page
    assert 'href="/admin/"' in client_for(world.admin).get("/").content.decode()


def test_reply_with_an_attachment_lists_it_on_the_timeline(client_for, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.alice)
    upload = SimpleUploadedFile("vpn.log", b"tunnel down", content_type="text/plain")
    response = client.post(ticket_url(world.acme_ticket, "reply"), {"body": "Log attached", "attachment": upload})
    assert response.status_code == 302
    attachment = world.acme_ticket.messages.get().attachments.get()
    page = client.get(ticket_url(world.acme_ticket)).content.decode()
    assert f'href="/tickets/{world.acme_ticket.number}/attachments/{attachment.pk}/" download>vpn.log</a>' in page
