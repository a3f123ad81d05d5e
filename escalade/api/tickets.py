"""/api/tickets: each handler parses, calls one domain function, and serializes.
Every ticket is found through the caller's scope; one they may not see is 404, never 403.
Ticket reads and the responses of changes carry the ticket's ETag; changes take If-Match
(`etags.py`)."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import File, Form, Path, Query, Router, UploadedFile

from escalade.api import etags, lookups
from escalade.api.auth import viewer
from escalade.api.errors import CHANGE_ERRORS, LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut, fields_renamed
from escalade.api.etags import IfMatch
from escalade.api.pagination import ticket_page
from escalade.api.schemas import (
    CustomFieldsIn,
    DeliveryOut,
    EscalationRequestIn,
    LinkIn,
    LinkOut,
    ManagementAnswerIn,
    ManagementConcernOut,
    MergeIn,
    MessageForm,
    MessageIn,
    MessageOut,
    PageParams,
    TicketFilters,
    TicketIn,
    TicketOut,
    TicketPage,
    TicketPatch,
    TimelineEntryOut,
    TransitionIn,
)
from escalade.db import known_empty
from escalade.errors import PermissionDenied
from escalade.escalation import management
from escalade.notifications.selectors import deliveries_for
from escalade.tickets import custom_fields, selectors, services
from escalade.tickets.merge import merge_tickets
from escalade.tickets.models import Channel

router = Router(tags=["tickets"])

Number = Path[str, {"description": "A ticket number: ESC-000123 or 123."}]


@router.get("", response={200: TicketPage, LIST_ERRORS | {403}: ErrorOut})
def list_tickets(request, filters: Query[TicketFilters], paging: Query[PageParams]):
    """The tickets you can see, most recently updated first. `field.<key>=<value>` keeps the tickets whose
    custom field has that value (422 for a field the policy does not declare or a value not of its type).
    Only agents filter by `tag` (403 for customers, who never see tags)."""
    who = viewer(request)
    if filters.tag and not who.is_staff_side:
        raise PermissionDenied("Only agents filter by tag.", field="tag")
    tickets = selectors.filter_tickets(selectors.visible_tickets(who), **filters.model_dump())
    tickets = lookups.custom_field_filters(who, tickets, lookups.field_params(request.GET))
    return ticket_page(tickets.order_by("-updated_at", "-pk"), paging, who)


@router.post("", response={201: TicketOut, WRITE_ERRORS: ErrorOut})
def open_ticket(request, payload: TicketIn, response: HttpResponse):
    """Open a ticket. Agents name the organisation (and may name the requester, a contact there);
    a customer opens tickets for their own organisation, as themselves. The information the policy
    requires (`intake.required`) must be given: 400 naming the first missing field. The requester
    is sent an acknowledgement by email."""
    who = viewer(request)
    data = payload.model_dump(mode="json")
    organisation, requester = lookups.new_ticket_parties(who, data.pop("organisation"), data.pop("requester"))
    answers = data.pop("matrix") or {}
    with fields_renamed({f"matrix_{question}": "matrix" for question in answers}):
        ticket = services.open_ticket(who, organisation=organisation, requester=requester, intake=True,
                                      matrix_answers=answers, **data)
    known_empty(ticket, "tag_links")  # opened just now, without tags: the answer need not ask
    etags.send(response, ticket)
    return 201, TicketOut.of(ticket, who)


@router.get("/{number}", response={200: TicketOut, READ_ERRORS: ErrorOut})
def get_ticket(request, number: Number, response: HttpResponse):
    """The ticket, with its `version`; the ETag header is that version, for If-Match on changes."""
    who = viewer(request)
    ticket = selectors.get_ticket(who, number)
    etags.send(response, ticket)
    return TicketOut.of(ticket, who)


@router.patch("/{number}", response={200: TicketOut, CHANGE_ERRORS: ErrorOut})
def update_ticket(request, number: Number, payload: TicketPatch, response: HttpResponse, if_match: IfMatch = None):
    """Agents change priority, category, kind, level, team or assignee. Fields left out stay as
    they are; null clears the team or the assignee."""
    who = viewer(request)
    ticket = selectors.get_ticket(who, number)
    changes = payload.model_dump(mode="json", exclude_unset=True)
    if "level" in changes:
        changes["level"] = lookups.level(changes["level"])
    if "team" in changes:
        changes["team"] = lookups.team(changes["team"])
    if "assignee" in changes:
        changes["assignee"] = lookups.agent(changes["assignee"])
    ticket = services.update_ticket(who, ticket, expected_version=etags.expected_version(if_match), **changes)
    etags.send(response, ticket)
    return TicketOut.of(ticket, who)


@router.patch("/{number}/custom-fields", response={200: TicketOut, CHANGE_ERRORS: ErrorOut})
def update_custom_fields(request, number: Number, payload: CustomFieldsIn, response: HttpResponse,
                         if_match: IfMatch = None):
    """Change the ticket's custom fields (policy `custom_fields`): agents any, customers those marked
    `customer: edit` on their own tickets. 400 naming `custom_fields.<key>` for an unknown field, a value
    not of its type, or emptying one the ticket's category requires."""
    who = viewer(request)
    ticket = selectors.get_ticket(who, number)
    ticket = custom_fields.set_custom_fields(who, ticket, payload.custom_fields,
                                             expected_version=etags.expected_version(if_match))
    etags.send(response, ticket)
    return TicketOut.of(ticket, who)


@router.post("/{number}/transition", response={200: TicketOut, CHANGE_ERRORS: ErrorOut})
def transition_ticket(request, number: Number, payload: TransitionIn, response: HttpResponse,
                      if_match: IfMatch = None):
    """Move the ticket to another status; `allowed_transitions` on the ticket lists where it can go.
    Resolving needs a `resolution_type`. Customers may only close or reopen a resolved ticket.
    409 `invalid_transition`, with the ticket's current status, when it cannot move there (any more)."""
    who = viewer(request)
    ticket = selectors.get_ticket(who, number)
    resolution_type = payload.resolution_type.value if payload.resolution_type else ""
    ticket = services.change_status(who, ticket, payload.status.value, resolution_type=resolution_type,
                                    expected_version=etags.expected_version(if_match))
    etags.send(response, ticket)
    return TicketOut.of(ticket, who)


@router.post("/{number}/escalation-request", response={200: TicketOut, CHANGE_ERRORS: ErrorOut})
def request_escalation(request, number: Number, payload: EscalationRequestIn, response: HttpResponse,
                       if_match: IfMatch = None):
    """Ask for an escalation, explaining the business impact; the policy's rules decide what follows
    (e.g. a review task for the tier manager)."""
    who = viewer(request)
    ticket = selectors.get_ticket(who, number)
    ticket = services.request_escalation(who, ticket, business_impact=payload.business_impact,
                                         level=payload.level or "", expected_version=etags.expected_version(if_match))
    etags.send(response, ticket)
    return TicketOut.of(ticket, who)


@router.post("/{number}/management-escalation/answer",
             response={200: ManagementConcernOut, CHANGE_ERRORS: ErrorOut})
def answer_management_escalation(request, number: Number, payload: ManagementAnswerIn, response: HttpResponse,
                                 if_match: IfMatch = None):
    """A support manager acknowledges or answers the ticket's open management escalation: it stops moving up
    the policy's management chain. 409 when the ticket has none open; 403 for anyone but a support manager."""
    who = viewer(request)
    ticket = selectors.get_ticket(who, number)
    concern = management.answer_concern(who, ticket, answer=payload.answer,
                                        expected_version=etags.expected_version(if_match))
    etags.send(response, ticket)
    return ManagementConcernOut.of(concern)


@router.get("/{number}/messages", response={200: list[MessageOut], READ_ERRORS: ErrorOut})
def list_messages(request, number: Number):
    """Replies and, for agents, internal notes; oldest first."""
    who = viewer(request)
    ticket = selectors.get_ticket(who, number)
    return [MessageOut.of(m) for m in selectors.visible_messages(who, ticket)]


@router.post("/{number}/messages", response={201: MessageOut, CHANGE_ERRORS: ErrorOut})
def add_message(request, number: Number, payload: MessageIn, response: HttpResponse, if_match: IfMatch = None):
    """Reply, or (agents) add an internal note. JSON only; to attach files use
    `POST /api/tickets/{number}/messages/upload` (multipart). The ETag is the ticket's after the message."""
    who = viewer(request)
    ticket = selectors.get_ticket(who, number)
    message = services.add_message(who, ticket, body=payload.body, internal=payload.internal, channel=Channel.API,
                                   expected_version=etags.expected_version(if_match))
    etags.send(response, message.ticket)
    return 201, MessageOut.of(message)


@router.post("/{number}/messages/upload", response={201: MessageOut, CHANGE_ERRORS: ErrorOut})
def add_message_with_files(request, number: Number, payload: Form[MessageForm], response: HttpResponse,
                           files: File[list[UploadedFile]] = None, if_match: IfMatch = None):
    """As `POST …/messages`, as multipart/form-data with any number of `files`."""
    who = viewer(request)
    ticket = selectors.get_ticket(who, number)
    message = services.add_message(who, ticket, body=payload.body, internal=payload.internal,
                                   channel=Channel.API, attachments=files or (),
                                   expected_version=etags.expected_version(if_match))
    etags.send(response, message.ticket)
    return 201, MessageOut.of(message)


@router.get("/{number}/timeline", response={200: list[TimelineEntryOut], READ_ERRORS: ErrorOut})
def ticket_timeline(request, number: Number):
    """Messages, notes and changes, oldest first, as you may see them (customers see no notes)."""
    who = viewer(request)
    ticket = selectors.get_ticket(who, number)
    return [TimelineEntryOut.of(e) for e in selectors.timeline(who, ticket)]


@router.get("/{number}/notifications", response={200: list[DeliveryOut], READ_ERRORS | {403}: ErrorOut})
def ticket_notifications(request, number: Number):
    """Agents: every message queued about the ticket (acknowledgements, replies, escalations, pages,
    status updates), oldest first, with its delivery state — attempts, last error, next try."""
    who = viewer(request)
    ticket = selectors.get_ticket(who, number)
    return [DeliveryOut.of(m) for m in deliveries_for(who, ticket)]


@router.post("/{number}/links", response={201: LinkOut, CHANGE_ERRORS: ErrorOut})
def link_ticket(request, number: Number, payload: LinkIn, response: HttpResponse, if_match: IfMatch = None):
    """Record that this ticket is related to, a duplicate of, or a child of (`parent`) another."""
    who = viewer(request)
    ticket = selectors.get_ticket(who, number)
    other = lookups.other_ticket(who, payload.to, field="to")
    with fields_renamed({"to_ticket": "to"}):
        link = services.link_tickets(who, ticket, other, payload.kind.value,
                                     expected_version=etags.expected_version(if_match))
    etags.send(response, ticket)
    return 201, LinkOut.of(link)


@router.post("/{number}/merge", response={200: TicketOut, CHANGE_ERRORS: ErrorOut})
def merge_ticket(request, number: Number, payload: MergeIn, response: HttpResponse, if_match: IfMatch = None):
    """Agents: merge this ticket into another (`into`), the one kept. Its messages, attachments and
    links move there; it is closed as a duplicate of it (its SLA clocks stop) and its requester is
    told by email where the conversation continues. Answers the ticket kept, with its ETag; If-Match
    is this ticket's version. 409 `merge_refused` for a closed ticket or a ticket into itself, 403
    `cross_organisation` for tickets of different customers, 404 (field `into`) for a ticket you
    cannot see."""
    who = viewer(request)
    ticket = selectors.get_ticket(who, number)
    into = lookups.other_ticket(who, payload.into, field="into")
    with fields_renamed({"tickets": "number"}):
        kept = merge_tickets(who, into, [ticket], expected_versions={ticket.pk: etags.expected_version(if_match)})
    etags.send(response, kept)
    return TicketOut.of(kept, who)
