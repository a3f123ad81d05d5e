"""What every channel is: one object with `notify(message)` that delivers one outbox row or raises.

A channel never swallows a failure: it raises `DeliveryError` with a message a support manager
understands ("HTTP 503 Service Unavailable from endpoint 'sms-gateway'"); the outbox stores it on
the row, logs it and retries later."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from escalade.notifications.models import OutboxMessage


class DeliveryError(Exception):
    """The channel could not deliver the message; the text says why and is stored on the row."""


class Channel(Protocol):
    def notify(self, message: OutboxMessage) -> None:
        """Deliver `message` or raise (DeliveryError for expected failures)."""
        ...
