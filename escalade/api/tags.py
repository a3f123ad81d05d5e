"""/api/tickets/{number}/tags: agents add and remove a ticket's tags (tickets.tags.change_tags).
The tags are on every ticket an agent reads (`tags`), and `GET /api/tickets?tag=` filters by one;
customers never see them."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpResponse
from ninja import Field, Path, Router, Schema

from escalade.api import etags
from escalade.api.auth import viewer
from escalade.api.errors import CHANGE_ERRORS, ErrorOut
from escalade.api.etags import IfMatch
from escalade.api.schemas import InputSchema
from escalade.tags.models import MAX_TAG_LENGTH
from escalade.tickets import selectors
from escalade.tickets import tags as ticket_tags

router = Router(tags=["tickets"])

Number = Path[str, {"description": "A ticket number: ESC-000123 or 123."}]
# Room for spaces trimmed away; the service checks the normalised length.
TagName = Annotated[str, Field(max_length=MAX_TAG_LENGTH * 4)]


class TagsIn(InputSchema):
    add: list[TagName] = Field([], max_length=50, description="Tags to add; free text, stored trimmed and in lower "
                                                          "case. A tag the ticket has is no change.")
    remove: list[TagName] = Field([], max_length=50, description="Tags to remove; one the ticket has not is no change.")


class TagsOut(Schema):
    number: str
    tags: list[str] = Field(description="The ticket's tags now, sorted.")
    version: int


@router.post("/{number}/tags", response={200: TagsOut, CHANGE_ERRORS: ErrorOut})
def change_tags(request, number: Number, payload: TagsIn, response: HttpResponse, if_match: IfMatch = None):
    """Agents add and remove tags on the ticket (403 for customers). Tags are normalised: trimmed,
    lower case, inner spaces collapsed; at most 50 characters, no commas."""
    who = viewer(request)
    ticket = selectors.get_ticket(who, number)
    ticket = ticket_tags.change_tags(who, ticket, add=payload.add, remove=payload.remove,
                                     expected_version=etags.expected_version(if_match))
    etags.send(response, ticket)
    return TagsOut(number=ticket.number, tags=ticket_tags.tag_names(ticket), version=ticket.version)
