"""Signed HTTP webhooks: the provider adapter behind SMS, voice calls, pagers and chat.

Every request is a JSON POST. Generic endpoints get the whole message (see `generic_payload`);
Slack- and Teams-style endpoints get the incoming-webhook shape those services accept. When the
endpoint has a secret, the request carries

    X-Escalade-Timestamp: <unix seconds>
    X-Escalade-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the secret>

and the generic body repeats the timestamp, so the signature also covers it (receivers reject old
timestamps to stop replays). `X-Escalade-Delivery` is the message's id: the same message retried
after a worker crash carries the same id, so a receiver can drop the repeat.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.db.models import Q

from escalade import clock
from escalade.notifications.channels.base import DeliveryError
from escalade.notifications.models import OutboxMessage, WebhookEndpoint, WebhookStyle

TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-Escalade-Signature"
TIMESTAMP_HEADER = "X-Escalade-Timestamp"
DELIVERY_HEADER = "X-Escalade-Delivery"
USER_AGENT = "Escalade-Webhook/1"


def sign(secret: str, body: bytes) -> str:
    """The X-Escalade-Signature value for `body`: "sha256=" + hex HMAC-SHA256 keyed with `secret`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str, timestamp: str | None = None, *,
           now: float | None = None, tolerance_seconds: int = 300) -> bool:
    """What a receiver checks: the signature matches the raw body, and (when `now`, unix seconds, is
    given) the timestamp is within `tolerance_seconds` of it."""
    if not hmac.compare_digest(sign(secret, body), signature or ""):
        return False
    if now is not None:
        try:
            return abs(now - int(timestamp or "")) <= tolerance_seconds
        except ValueError:
            return False
    return True


def _ticket_summary(message: OutboxMessage) -> dict | None:
    ticket = message.ticket
    if ticket is None:
        return None
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "priority": ticket.priority,
        "status": ticket.status,
        "organisation": ticket.organisation.name,
    }


def generic_payload(message: OutboxMessage, timestamp: int) -> dict:
    return {
        "id": message.message_id,
        "dedupe_key": message.dedupe_key,
        "channel": message.channel,
        "kind": message.kind,
        "to": {"name": message.recipient_name, "address": message.recipient},
        "subject": message.subject,
        "body": message.body,
        "ticket": _ticket_summary(message),
        "payload": message.payload or {},
        "attempt": message.attempts,
        "timestamp": timestamp,
    }


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_body(style: str, message: OutboxMessage, timestamp: int) -> dict:
    """The JSON document for an endpoint of `style` (generic, slack or teams)."""
    if style == WebhookStyle.SLACK:
        return {"text": f"*{_slack_escape(message.subject)}*\n{_slack_escape(message.body)}".strip()}
    if style == WebhookStyle.TEAMS:
        return {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": message.subject[:250] or message.kind,
            "title": message.subject,
            "text": message.body,
        }
    return generic_payload(message, timestamp)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect would turn the POST into a GET without the body; treat it as an error instead.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(endpoint: WebhookEndpoint, message: OutboxMessage) -> int:
    """POST `message` to `endpoint`; returns the HTTP status or raises DeliveryError."""
    timestamp = int(clock.now().timestamp())
    body = json.dumps(build_body(endpoint.style, message, timestamp), ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        TIMESTAMP_HEADER: str(timestamp),
        DELIVERY_HEADER: message.message_id,
    }
    if endpoint.secret:
        headers[SIGNATURE_HEADER] = sign(endpoint.secret, body)
    return send(endpoint.url, body, headers, where=f"webhook endpoint {endpoint.name!r}")


def send(url: str, body: bytes, headers: dict[str, str], *, where: str) -> int:
    """POST `body` to `url` without following redirects; returns the HTTP status (2xx) or raises
    DeliveryError naming `where` ("webhook endpoint 'sms-gateway'") and what went wrong."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        try:
            excerpt = exc.read(200).decode(errors="replace").strip()
        except OSError:
            excerpt = ""
        detail = f": {excerpt}" if excerpt else ""
        raise DeliveryError(f"HTTP {exc.code} {exc.reason} from {where}{detail}") from exc
    except TimeoutError as exc:
        raise DeliveryError(f"no answer from {where} within {TIMEOUT_SECONDS} s") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise DeliveryError(f"no answer from {where} within {TIMEOUT_SECONDS} s") from exc
        raise DeliveryError(f"could not reach {where}: {exc.reason}") from exc
    except OSError as exc:
        raise DeliveryError(f"could not reach {where}: {type(exc).__name__}: {exc}") from exc
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status} from {where}")
    return status


def endpoint_for(channel: str, recipient: str = "") -> WebhookEndpoint:
    """The active endpoint carrying `channel`: the one named `recipient` if there is one, else the
    first by name. Raises DeliveryError when none is configured."""
    serving = [e for e in WebhookEndpoint.objects.filter(active=True).order_by("name") if channel in e.channel_list]
    if not serving:
        raise DeliveryError(
            f"no active webhook endpoint carries the {channel} channel; add one in the admin "
            f"(Notifications › Webhook endpoints) with {channel!r} in its channels"
        )
    return next((e for e in serving if e.name == recipient), serving[0])


class EndpointChannel:
    """A channel delivered through the webhook endpoint configured for it (sms, phone, pager, chat)."""

    channel = ""

    def notify(self, message: OutboxMessage) -> None:
        post(endpoint_for(self.channel, message.recipient), message)


class WebhookChannel:
    """The webhook channel: the recipient is the URL (or the name) of a configured, active endpoint,
    so Escalade only ever posts where an administrator allowed it, and always signs."""

    def notify(self, message: OutboxMessage) -> None:
        endpoint = (
            WebhookEndpoint.objects.filter(Q(url=message.recipient) | Q(name=message.recipient), active=True)
            .order_by("pk")
            .first()
        )
        if endpoint is None:
            raise DeliveryError(f"no active webhook endpoint has the URL or name {message.recipient!r}")
        post(endpoint, message)
