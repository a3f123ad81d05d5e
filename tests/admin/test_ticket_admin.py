"""Ticket edits in the admin: audited against the ticket, and never a status change."""

from escalade.audit.models import Event
from escalade.tickets.lifecycle import ticket_changed
from escalade.tickets.models import Status
from tests.admin.conftest import form_data


def change_url(ticket):
    return f"/admin/tickets/ticket/{ticket.pk}/change/"


def test_ticket_edit_in_admin_is_audited_with_the_ticket(admin_client, world):
    ticket = world.acme_ticket
    seen = []
    ticket_changed.connect(lambda **kw: seen.append(kw), weak=False, dispatch_uid="test-admin-edit")
    try:
        data = form_data(admin_client.get(change_url(ticket)), priority="P1", level=world.levels["L2"].pk)
        world.clock.advance(minutes=5)
        assert admin_client.post(change_url(ticket), data).status_code == 302
    finally:
        ticket_changed.disconnect(dispatch_uid="test-admin-edit")

    event = Event.objects.get(action="ticket.updated_in_admin")
    assert event.ticket_id == ticket.pk and event.actor == "admin"
    assert event.before == {"priority": "P3", "level": world.levels["L1"].pk}
    assert event.after == {"priority": "P1", "level": world.levels["L2"].pk}
    ticket.refresh_from_db()
    assert ticket.updated_at == world.clock.now()
    assert [(s["change"], s["after"]) for s in seen] == [("updated", event.after)]


def test_status_is_read_only_in_the_ticket_admin(admin_client, world):
    page = admin_client.get(change_url(world.acme_ticket))
    assert "status" not in page.context["adminform"].form.fields
    assert "only change through the ticket lifecycle" in page.content.decode()

    data = form_data(page, status="resolved", resolution_type="fixed")
    assert admin_client.post(change_url(world.acme_ticket), data).status_code == 302
    world.acme_ticket.refresh_from_db()
    assert world.acme_ticket.status == Status.OPEN
    assert not Event.objects.filter(action="ticket.updated_in_admin").exists()


def test_tickets_are_not_added_in_the_admin(admin_client, world):
    assert admin_client.get("/admin/tickets/ticket/add/").status_code == 403


def test_messages_are_shown_read_only_on_the_ticket(admin_client, world):
    page = admin_client.get(change_url(world.acme_ticket))
    assert page.status_code == 200
    assert admin_client.post("/admin/tickets/message/add/", {}).status_code == 403


def test_admin_search_finds_a_ticket_by_number(admin_client, world):
    page = admin_client.get("/admin/tickets/ticket/", {"q": world.globex_ticket.number})
    assert list(page.context["cl"].result_list) == [world.globex_ticket]
