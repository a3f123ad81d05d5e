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


def test_an_admin_edit_raises_the_tickets_version(admin_client, world):
    ticket = world.acme_ticket
    data = form_data(admin_client.get(change_url(ticket)), priority="P1")
    assert admin_client.post(change_url(ticket), data).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.version) == ("P1", 2)
    assert "version" not in Event.objects.get(action="ticket.updated_in_admin").after


def test_an_admin_form_opened_before_someone_elses_change_saves_nothing_and_says_who(admin_client, world):
    from escalade.orgs.access import Viewer
    from escalade.tickets import services

    ticket = world.acme_ticket
    data = form_data(admin_client.get(change_url(ticket)), subject="VPN down since Monday")
    services.update_ticket(Viewer.of(world.max.user), ticket, priority="P1")

    page = admin_client.post(change_url(ticket), data)

    assert page.status_code == 200
    html = page.content.decode()
    assert f"{ticket.number} was changed by Max since you opened it; nothing was saved" in html
    assert "You had entered: Subject: VPN down since Monday; Priority: P3" in html
    ticket.refresh_from_db()
    assert (ticket.subject, ticket.priority) == ("Acme VPN down", "P1")
    # The form shown again holds the ticket as it is now: saving it cannot undo Max's change.
    again = form_data(page, subject="VPN down since Monday")
    assert again["priority"] == "P1"
    assert admin_client.post(change_url(ticket), again).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.subject, ticket.priority) == ("VPN down since Monday", "P1")
