"""The audit trail in the admin is append-only: readable, never writable."""

from escalade.audit.models import Event
from tests.factories import seal_audit_log


def test_event_changelist_lists_events_with_filters_and_search(admin_client, world):
    page = admin_client.get("/admin/audit/event/", {"q": "admin", "action": "ticket.opened"})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 0  # tickets in the world were opened by their contacts
    page = admin_client.get("/admin/audit/event/", {"action": "ticket.opened"})
    assert page.context["cl"].result_count == 3


def test_event_admin_refuses_add_change_and_delete_even_to_a_superuser(admin_client, world):
    event = Event.objects.first()
    assert admin_client.get("/admin/audit/event/add/").status_code == 403
    assert admin_client.post(f"/admin/audit/event/{event.pk}/change/", {"actor": "someone else"}).status_code == 403
    assert admin_client.post(f"/admin/audit/event/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = admin_client.post("/admin/audit/event/", {
        "action": "delete_selected", "_selected_action": [event.pk], "post": "yes",
    })
    assert bulk.status_code in (200, 302)
    event.refresh_from_db()
    assert event.actor != "someone else"
    assert Event.objects.filter(pk=event.pk).exists()


def test_event_detail_is_viewable_read_only(admin_client, world):
    event = Event.objects.first()
    page = admin_client.get(f"/admin/audit/event/{event.pk}/change/")
    assert page.status_code == 200
    assert not page.context["adminform"].form.fields


def test_verify_log_reports_an_intact_log(admin_client, world):
    seal_audit_log()
    response = admin_client.get("/admin/audit/event/verify/", follow=True)
    assert "Audit log intact: 3 events" in response.content.decode()
    assert "Verify log" in admin_client.get("/admin/audit/event/").content.decode()


def test_the_event_list_shows_the_signing_key_and_the_latest_checkpoint(admin_client, world):
    from escalade.audit import signing

    seal_audit_log()
    page = admin_client.get("/admin/audit/event/").content.decode()
    assert signing.public_key_text() in page and "The latest covers 3 events" in page


def test_verify_log_names_an_altered_event(admin_client, world):
    # Tamper below the model (its save and update refuse), as an attacker with database access would.
    from django.db import connection

    seal_audit_log()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET actor = 'mallory' WHERE seq = 2")
    response = admin_client.get("/admin/audit/event/verify/", follow=True)
    assert "Event #2 (ticket.opened" in response.content.decode()
    assert "was altered" in response.content.decode()


def test_non_staff_cannot_reach_the_event_admin(client, world):
    client.force_login(world.alice.user)
    assert client.get("/admin/audit/event/verify/").status_code == 302  # to the admin login
