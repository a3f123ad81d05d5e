"""Webhook delivery against a real HTTP server: signatures, payload styles, retries, giving up."""

import hashlib
import hmac
import json

import pytest

from escalade.notifications.channels import webhook
from escalade.notifications.models import OutboxMessage, Status, WebhookEndpoint
from escalade.notifications.outbox import MAX_ATTEMPTS, backoff, deliver_due, enqueue
from tests.notifications.conftest import SECRET


def page(key="page:1", **kwargs):
    fields = dict(channel="pager", recipient="sam", subject="P1 ESC-000001", body="VPN down", kind="page",
                  dedupe_key=key)
    return enqueue(**{**fields, **kwargs})


def test_the_receiver_gets_json_with_a_valid_hmac_signature_and_timestamp(world, receiver, endpoint):
    message = page(ticket=world.acme_ticket, payload={"role": "on_call:security"})
    assert deliver_due(world.clock.now()) == 1
    [got] = receiver.requests
    expected = "sha256=" + hmac.new(SECRET.encode(), got.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(got.headers["X-Escalade-Signature"], expected)
    assert got.headers["X-Escalade-Timestamp"] == str(int(world.clock.now().timestamp()))
    assert got.headers["X-Escalade-Delivery"] == message.message_id
    data = json.loads(got.body)
    assert data["id"] == message.message_id
    assert (data["channel"], data["kind"], data["to"]["address"]) == ("pager", "page", "sam")
    assert data["ticket"]["number"] == world.acme_ticket.number
    assert data["payload"] == {"role": "on_call:security"}
    assert data["timestamp"] == int(got.headers["X-Escalade-Timestamp"])  # signed along with the body


def test_verify_accepts_our_signature_and_rejects_a_tampered_body_or_an_old_timestamp(clock, db, receiver, endpoint):
    page()
    deliver_due(clock.now())
    [got] = receiver.requests
    signature, timestamp = got.headers["X-Escalade-Signature"], got.headers["X-Escalade-Timestamp"]
    now = clock.now().timestamp()
    assert webhook.verify(SECRET, got.body, signature, timestamp, now=now)
    assert not webhook.verify(SECRET, got.body.replace(b"VPN", b"WAN"), signature, timestamp, now=now)
    assert not webhook.verify("another secret", got.body, signature, timestamp, now=now)
    assert not webhook.verify(SECRET, got.body, signature, timestamp, now=now + 301)


def test_a_receiver_answering_503_twice_gets_the_message_on_the_third_attempt_after_backoff(clock, db, receiver,
                                                                                              endpoint):
    receiver.answer(503, 503)
    message = page()
    assert deliver_due(clock.now()) == 1
    assert deliver_due(clock.advance(seconds=30)) == 0  # backing off: not due for a minute
    assert deliver_due(clock.advance(seconds=30)) == 1
    assert deliver_due(clock.advance(minutes=1)) == 0
    assert deliver_due(clock.advance(minutes=1)) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 3)
    assert [r.status for r in receiver.requests] == [503, 503, 200]
    assert "HTTP 503" in message.last_error
    bodies = [json.loads(r.body) for r in receiver.requests]
    assert [b["attempt"] for b in bodies] == [1, 2, 3]
    assert len({b["id"] for b in bodies}) == 1  # the same message each time


def test_a_permanently_failing_receiver_ends_failed_after_the_last_attempt_naming_the_status(clock, db, receiver,
                                                                                              endpoint):
    receiver.status = 500
    message = page()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert deliver_due(clock.now()) == 1
        clock.advance(backoff(attempt))
    assert deliver_due(clock.advance(days=1)) == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, MAX_ATTEMPTS)
    assert message.last_error.startswith("HTTP 500 Internal Server Error from webhook endpoint 'gateway'")
    assert len(receiver.requests) == MAX_ATTEMPTS


def test_slack_style_endpoints_get_a_text_payload(clock, db, receiver):
    WebhookEndpoint.objects.create(name="support-room", url=receiver.url, style="slack", channels="chat")
    enqueue(channel="chat", recipient="support-room", subject="ESC-000001 escalated to L2", body="R&D <urgent>",
            kind="escalation", dedupe_key="esc:1")
    deliver_due(clock.now())
    [got] = receiver.requests
    assert json.loads(got.body) == {"text": "*ESC-000001 escalated to L2*\nR&amp;D &lt;urgent&gt;"}


def test_teams_style_endpoints_get_a_message_card(clock, db, receiver):
    WebhookEndpoint.objects.create(name="teams", url=receiver.url, style="teams", channels="chat")
    enqueue(channel="chat", recipient="teams", subject="ESC-000001 escalated", body="Details", kind="escalation",
            dedupe_key="esc:1")
    deliver_due(clock.now())
    card = json.loads(receiver.requests[0].body)
    assert (card["@type"], card["title"], card["text"]) == ("MessageCard", "ESC-000001 escalated", "Details")


def test_a_chat_message_goes_to_the_endpoint_it_names(clock, db, receiver):
    WebhookEndpoint.objects.create(name="a-room", url=receiver.url + "/a", style="slack", channels="chat")
    WebhookEndpoint.objects.create(name="b-room", url=receiver.url + "/b", style="slack", channels="chat")
    enqueue(channel="chat", recipient="b-room", subject="Hi", body="", kind="escalation", dedupe_key="esc:1")
    deliver_due(clock.now())
    assert receiver.requests[0].path == "/hook/b"


def test_the_webhook_channel_posts_only_to_a_configured_endpoint(clock, db, receiver, endpoint):
    unknown = enqueue(channel="webhook", recipient="http://127.0.0.1:9/elsewhere", subject="x", body="y",
                      kind="status_update", dedupe_key="wh:1")
    known = enqueue(channel="webhook", recipient=receiver.url, subject="x", body="y", kind="status_update",
                    dedupe_key="wh:2")
    deliver_due(clock.now())
    unknown.refresh_from_db()
    known.refresh_from_db()
    assert unknown.status == Status.PENDING and "no active webhook endpoint" in unknown.last_error
    assert known.status == Status.SENT
    assert len(receiver.requests) == 1


def test_without_an_endpoint_for_the_channel_the_error_says_how_to_add_one(clock, db):
    message = enqueue(channel="sms", recipient="+15550100", subject="x", body="y", kind="page", dedupe_key="p:1")
    deliver_due(clock.now())
    message.refresh_from_db()
    assert "no active webhook endpoint carries the sms channel" in message.last_error


def test_an_unreachable_endpoint_is_a_stored_error(clock, db):
    from tests.notifications.conftest import free_port

    WebhookEndpoint.objects.create(name="down", url=f"http://127.0.0.1:{free_port()}/", channels="sms")
    message = enqueue(channel="sms", recipient="+15550100", subject="x", body="y", kind="page", dedupe_key="p:1")
    deliver_due(clock.now())
    message.refresh_from_db()
    assert message.last_error.startswith("could not reach webhook endpoint 'down'")


def test_a_slow_endpoint_times_out_as_a_stored_error(clock, db, receiver, endpoint, monkeypatch):
    monkeypatch.setattr(webhook, "TIMEOUT_SECONDS", 0.2)
    receiver.delay = 1
    message = page()
    deliver_due(clock.now())
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert message.last_error.startswith("no answer from webhook endpoint 'gateway' within")


def test_an_inactive_endpoint_is_not_used(clock, db, receiver, endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    page()
    deliver_due(clock.now())
    assert receiver.requests == []
    assert "no active webhook endpoint" in OutboxMessage.objects.get().last_error


@pytest.mark.parametrize("status", [301, 302, 307])
def test_a_redirect_is_not_followed(clock, db, receiver, endpoint, status):
    receiver.status = status
    message = page()
    deliver_due(clock.now())
    message.refresh_from_db()
    assert message.status == Status.PENDING and message.last_error.startswith(f"HTTP {status}")
