"""The outbox, webhook endpoints and on-call rotations in the admin."""

import datetime as dt

import pytest

from escalade.audit.models import Event
from escalade.notifications.models import OnCallMember, OnCallRotation, OutboxMessage, Status, WebhookEndpoint
from escalade.notifications.outbox import MAX_ATTEMPTS, enqueue


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


@pytest.fixture
def failed_page(world):
    message = enqueue(channel="sms", recipient="+15550100", subject="P1", body="Page", kind="page",
                      dedupe_key="page:1", ticket=world.acme_ticket)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.FAILED, attempts=MAX_ATTEMPTS, last_error="HTTP 503 Service Unavailable from webhook endpoint"
    )
    return message


@pytest.mark.parametrize("model", ["outboxmessage", "webhookendpoint", "oncallrotation"])
def test_changelist_loads_with_each_filter_and_a_search(admin_client, failed_page, model):
    url = f"/admin/notifications/{model}/"
    page = admin_client.get(url)
    assert page.status_code == 200
    cl = page.context["cl"]
    for spec in cl.filter_specs:
        for choice in spec.choices(cl):
            assert admin_client.get(url + choice["query_string"]).status_code == 200, choice
    if cl.search_fields:
        assert admin_client.get(url, {"q": "acme"}).status_code == 200


def test_the_outbox_list_shows_status_attempts_and_last_error(admin_client, failed_page):
    page = admin_client.get("/admin/notifications/outboxmessage/", {"status__exact": "failed"})
    text = page.content.decode()
    assert "+15550100" in text and "HTTP 503 Service Unavailable" in text and "Failed (gave up)" in text


def test_an_outbox_message_is_read_only_in_the_admin(admin_client, failed_page):
    assert admin_client.get(f"/admin/notifications/outboxmessage/{failed_page.pk}/change/").status_code == 200
    assert admin_client.get("/admin/notifications/outboxmessage/add/").status_code == 403


def test_retry_now_puts_a_failed_message_back_in_the_queue_and_records_who(admin_client, world, failed_page):
    response = admin_client.post("/admin/notifications/outboxmessage/", {
        "action": "retry_now_action", "_selected_action": [failed_page.pk],
    }, follow=True)
    assert "1 message will be delivered" in response.content.decode()
    failed_page.refresh_from_db()
    assert (failed_page.status, failed_page.attempts, failed_page.next_attempt_at) == (
        Status.PENDING, 0, world.clock.now()
    )
    event = Event.objects.get(action="notification.retried")
    assert (event.actor_user, event.ticket_id) == (world.admin, world.acme_ticket.pk)


def test_adding_a_webhook_endpoint_is_audited_without_its_secret(admin_client):
    response = admin_client.post("/admin/notifications/webhookendpoint/add/", {
        "name": "sms-gateway", "url": "https://sms.example.com/hook", "secret": "very-secret",
        "style": "generic", "channels": "sms,phone", "active": "on",
    })
    assert response.status_code == 302
    assert WebhookEndpoint.objects.get().channel_list == ["sms", "phone"]
    event = Event.objects.get(action="config.webhookendpoint.created")
    assert event.after["secret"] == "(secret)" and "very-secret" not in str(event.after)


def test_a_webhook_endpoint_for_an_unknown_channel_is_refused(admin_client):
    response = admin_client.post("/admin/notifications/webhookendpoint/add/", {
        "name": "fax", "url": "https://fax.example.com/", "style": "generic", "channels": "fax",
    })
    assert response.status_code == 200
    assert "unknown channel &#x27;fax&#x27;" in response.content.decode()


def test_the_rotation_list_shows_who_is_on_call_now(admin_client, world):
    rotation = OnCallRotation.objects.create(team=world.security, start=world.clock.now() - dt.timedelta(hours=9),
                                             shift_hours=8)
    OnCallMember.objects.create(rotation=rotation, agent=world.sam, position=0)
    OnCallMember.objects.create(rotation=rotation, agent=world.leo, position=1)
    page = admin_client.get("/admin/notifications/oncallrotation/")
    assert "<td class=\"field-on_call_now\">Leo</td>" in page.content.decode()
    assert admin_client.get(f"/admin/notifications/oncallrotation/{rotation.pk}/change/").status_code == 200
