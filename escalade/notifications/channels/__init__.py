"""The channels, by name. `get(name)` returns the object whose `notify(message)` delivers a row."""

from __future__ import annotations

from escalade.notifications.channels.base import Channel, DeliveryError
from escalade.notifications.channels.chat import ChatChannel
from escalade.notifications.channels.email import EmailChannel
from escalade.notifications.channels.pager import PagerChannel
from escalade.notifications.channels.phone import PhoneChannel
from escalade.notifications.channels.sms import SmsChannel
from escalade.notifications.channels.webhook import WebhookChannel

CHANNELS: dict[str, Channel] = {
    "email": EmailChannel(),
    "sms": SmsChannel(),
    "phone": PhoneChannel(),
    "pager": PagerChannel(),
    "chat": ChatChannel(),
    "webhook": WebhookChannel(),
}


def register(name: str, channel: Channel) -> None:
    """Add a channel another app delivers (e.g. the event webhooks' "event"), from its AppConfig.ready."""
    CHANNELS[name] = channel


def get(name: str) -> Channel:
    try:
        return CHANNELS[name]
    except KeyError:
        raise DeliveryError(f"there is no {name!r} channel; use {', '.join(CHANNELS)}") from None


__all__ = ["CHANNELS", "Channel", "DeliveryError", "get", "register"]
