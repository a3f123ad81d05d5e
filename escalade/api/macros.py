"""/api/macros: the macros an agent may use, a preview of one on a ticket, and applying it
(macros.services). Customers get 403."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Field, Path, Query, Router, Schema

from escalade.api import etags, lookups
from escalade.api.auth import viewer
from escalade.api.errors import CHANGE_ERRORS, READ_ERRORS, ErrorOut
from escalade.api.etags import IfMatch
from escalade.api.schemas import MAX_ID, InputSchema, TicketOut
from escalade.errors import PermissionDenied
from escalade.macros import services
from escalade.macros.models import Macro
from escalade.tickets.services import _require_staff

router = Router(tags=["macros"])

MacroId = Path[int, {"description": "A macro's id.", "ge": 1, "le": MAX_ID}]


class MacroOut(Schema):
    id: int
    name: str
    body: str = Field(description="The text with its placeholders, e.g. {{ ticket.number }}.")
    internal: bool = Field(description="Posted as an internal note rather than a public reply.")
    set_status: str | None = Field(description="The status it moves the ticket to.")
    resolution_type: str | None
    set_priority: str | None
    add_tags: list[str]
    scope: str = Field(description="personal, shared or team.")
    team: str | None = Field(description="The team's key, for a macro shared with one team.")

    @classmethod
    def of(cls, macro: Macro) -> MacroOut:
        return cls(id=macro.pk, name=macro.name, body=macro.body, internal=macro.internal,
                   set_status=macro.set_status or None, resolution_type=macro.resolution_type or None,
                   set_priority=macro.set_priority or None, add_tags=macro.tag_list,
                   scope="personal" if macro.owner_id else ("team" if macro.team_id else "shared"),
                   team=macro.team.key if macro.team_id else None)


class TicketParam(InputSchema):
    ticket: str = Field(max_length=30, description="A ticket number: ESC-000123 or 123.")


class PreviewOut(Schema):
    text: str = Field(description="The macro's text filled in for the ticket.")
    internal: bool
    actions: list[str] = Field(description="What else it would do, in words.")


class ApplyIn(InputSchema):
    ticket: str = Field(max_length=30, description="A ticket number: ESC-000123 or 123.", examples=["ESC-000042"])


def _staff(request):
    who = viewer(request)
    try:
        _require_staff(who, "use macros")
    except PermissionDenied:
        raise PermissionDenied("Macros are for agents.") from None
    return who


@router.get("", response={200: list[MacroOut], READ_ERRORS | {403}: ErrorOut})
def list_macros(request):
    """The macros you may use: your own, those shared with every agent, and those shared with one of
    your teams; by name."""
    who = _staff(request)
    return [MacroOut.of(m) for m in services.visible_macros(who)]


@router.get("/{macro_id}/preview", response={200: PreviewOut, READ_ERRORS | {403, 422}: ErrorOut})
def preview_macro(request, macro_id: MacroId, params: Query[TicketParam]):
    """The macro's text as it would be posted on the ticket, and its actions; nothing is changed."""
    who = _staff(request)
    macro = services.get_macro(who, macro_id)
    ticket = lookups.other_ticket(who, params.ticket, field="ticket")
    shown = services.preview(who, ticket, macro)
    return PreviewOut(text=shown.text, internal=shown.internal, actions=shown.actions)


@router.post("/{macro_id}/apply", response={200: TicketOut, CHANGE_ERRORS: ErrorOut})
def apply_macro(request, macro_id: MacroId, payload: ApplyIn, response: HttpResponse, if_match: IfMatch = None):
    """Apply the macro to a ticket: its text is posted (reply or internal note) and its status,
    priority and tags are set, all or nothing. 409 `invalid_transition` (nothing done) when the ticket
    cannot move to the macro's status. If-Match is the ticket's ETag; the response carries its new one."""
    who = _staff(request)
    macro = services.get_macro(who, macro_id)
    ticket = lookups.other_ticket(who, payload.ticket, field="ticket")
    ticket = services.apply_macro(who, ticket, macro, expected_version=etags.expected_version(if_match))
    etags.send(response, ticket)
    return TicketOut.of(ticket, who)
