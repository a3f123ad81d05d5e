"""The address a request came from, for throttling and the audit trail."""

from __future__ import annotations

from django.conf import settings


def client_address(request) -> str:
    """The client's IP address. Behind `ESCALADE_PROXY_COUNT` proxies it is taken from
    X-Forwarded-For: each proxy appends the address it received the request from, so the client
    is that many entries from the end (anything before it was written by the client itself)."""
    remote = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    hops = settings.ESCALADE_PROXY_COUNT
    if hops <= 0 or request is None:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    return forwarded[-hops] if len(forwarded) >= hops else forwarded[0]
