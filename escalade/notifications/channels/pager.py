"""Pages through the webhook endpoint that carries the "pager" channel (the generic signed webhook is the
provider adapter that ships; a small bridge behind it talks to the provider)."""

from __future__ import annotations

from escalade.notifications.channels.webhook import EndpointChannel


class PagerChannel(EndpointChannel):
    channel = "pager"
