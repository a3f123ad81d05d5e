"""ETags and If-Match for tickets (docs/api.md, "Concurrent changes").

A ticket's ETag is its version in quotes (`"7"`): sent on every ticket read and on the response
of every change. A change sent with `If-Match: "7"` is made only if the ticket is still at version
7; otherwise 412 `ticket_changed` with the ticket's current state and ETag.
"""

from __future__ import annotations

import re

from django.http import HttpResponse
from ninja import Header

from escalade.errors import DomainError
from escalade.tickets.models import Ticket

IfMatch = Header[str | None, {
    "alias": "If-Match",
    "description": 'The ticket\'s ETag from your last read (`"7"`): the change is made only if the ticket is '
                   "still at that version, else 412 with its current state. Leave it out (or send `*`) to "
                   "change whatever the version.",
}]

# One entity tag; weak ones (W/"7") too, since a proxy that compresses responses weakens them.
_TAG = re.compile(r'\s*(?:W/)?"(\d{1,18})"\s*')


def etag(version: int) -> str:
    return f'"{version}"'


def send(response: HttpResponse, ticket: Ticket) -> None:
    """Put the ticket's ETag on the response."""
    response["ETag"] = etag(ticket.version)


def expected_version(if_match: str | None) -> int | None:
    """The version an If-Match header asks for; None when there is none or it is `*`. Anything but
    one of our ETags is a 400 naming the header (not a 412: it can never match)."""
    if if_match is None or if_match.strip() == "*":
        return None
    match = _TAG.fullmatch(if_match)
    if match is None:
        raise DomainError('If-Match takes the one ETag of the ticket you read, e.g. "7" (or *)', field="If-Match")
    return int(match.group(1))
