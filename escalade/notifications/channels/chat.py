"""Chat messages through the webhook endpoint that carries the "chat" channel. Give the endpoint
the Slack or Teams style to post into a room through that service's incoming webhook; the
recipient of a chat message may name the endpoint (one room per endpoint)."""

from __future__ import annotations

from escalade.notifications.channels.webhook import EndpointChannel


class ChatChannel(EndpointChannel):
    channel = "chat"
