"""What the API reads and writes. Inputs refuse unknown fields and NUL characters and keep
numbers and text within what the database stores, so bad input is a 422, never a 500.
Outputs are built from domain objects with `of(...)`; datetimes are UTC."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, field_validator

from escalade import clock
from escalade.orgs.access import Viewer
from escalade.orgs.models import Organisation
from escalade.sla.selectors import clocks_for
from escalade.tickets import custom_fields, lifecycle
from escalade.tickets.models import (
    Channel,
    Kind,
    LinkKind,
    Message,
    ResolutionType,
    Status,
    Ticket,
    TicketLink,
    format_number,
)
from escalade.tickets.selectors import TimelineEntry
from escalade.tickets.tags import tag_names

# Database ids are signed 64-bit; larger numbers would overflow the query instead of finding nothing.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(dt.UTC) if value is not None else None


class InputSchema(Schema):
    """Base of request bodies and query strings."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def no_nul_characters(cls, value):
        # PostgreSQL cannot store NUL in text; refuse it here rather than fail on save.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


# -- shared ----------------------------------------------------------------------------------


class Out(BaseModel):
    """Base of answers built with `of(...)` from values already at hand: plain pydantic, without
    django-ninja's attribute look-ups (which read Django models field by field), so building a
    page of them costs a fraction. Shown in the OpenAPI schema as any Schema."""

    model_config = ConfigDict(from_attributes=True)


class Ref(Out):
    id: int
    name: str


def ref(obj) -> Ref | None:
    return Ref(id=obj.pk, name=obj.name) if obj is not None else None


class PageParams(InputSchema):
    page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1.")
    page_size: int = Field(25, ge=1, le=100, description="Items per page, at most 100.")


class PageMeta(Schema):
    count: int = Field(description="Items on all pages together.")
    page: int
    page_size: int
    pages: int
    next: int | None = Field(description="The next page number, or null on the last page.")
    previous: int | None = Field(description="The previous page number, or null on the first page.")


# -- who am I --------------------------------------------------------------------------------


class MeOut(Schema):
    kind: str = Field(description="admin, vendor_agent, partner_agent, customer or nobody.")
    username: str
    name: str
    agent_id: int | None
    organisation: Ref | None = Field(description="A customer's organisation.")
    partner: Ref | None = Field(description="A partner agent's partner.")

    @classmethod
    def of(cls, viewer: Viewer) -> MeOut:
        agent, contact = viewer.agent, viewer.contact
        return cls(
            kind=viewer.kind,
            username=viewer.user.get_username(),
            name=viewer.label,
            agent_id=agent.pk if agent else None,
            organisation=ref(contact.organisation) if contact else None,
            partner=ref(agent.partner) if agent else None,
        )


# -- organisations ---------------------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    name: str
    slug: str
    plan: str
    timezone: str
    partner: Ref | None

    @classmethod
    def of(cls, org: Organisation) -> OrganisationOut:
        return cls(id=org.pk, name=org.name, slug=org.slug, plan=org.plan, timezone=org.timezone,
                   partner=ref(org.partner))


class OrganisationPage(PageMeta):
    items: list[OrganisationOut]


# -- tickets ---------------------------------------------------------------------------------


class ClockOut(Out):
    kind: str = Field(description="first_response, next_update, resolution_target or resolution_maximum")
    state: str = Field(description="running, paused, met or breached")
    due_at: dt.datetime | None
    remaining_minutes: float = Field(description="Business minutes left; negative once past due.")
    text: str = Field(description="For agents the explanation, for customers the promise.")


# A custom field's value (policy `custom_fields`): text (also url and email), a number, true/false, or a
# date as YYYY-MM-DD; null empties it.
FieldValue = str | int | float | bool | None
CUSTOM_FIELDS_DOC = ("The policy's custom fields (`custom_fields`), key → value: text (also url, email), a number, "
                     "true/false, a date as YYYY-MM-DD, or one of a choice's options.")


class TicketOut(Out):
    number: str = Field(examples=["ESC-000123"])
    subject: str
    description: str
    steps_to_reproduce: str
    expected_behaviour: str
    actual_behaviour: str
    error_messages: str
    affected_users: str
    business_impact: str
    priority: str
    category: str
    kind: Kind
    channel: Channel
    status: Status
    level: str | None = Field(description="The support level's key, e.g. L2.")
    team: str | None = Field(description="The team's key.")
    assignee: Ref | None
    organisation: Ref
    requester: Ref | None
    resolution_type: ResolutionType | None
    created_at: dt.datetime
    updated_at: dt.datetime
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    external_ref: str | None = Field(description="The ticket's number in the system it was imported from.")
    merged_into: str | None = Field(None, description="The number of the ticket this one was merged into "
                                                      "(closed as its duplicate); the conversation continues there.")
    allowed_transitions: list[Status] = Field(description="The statuses the caller may move the ticket to.")
    clocks: list[ClockOut] = Field(description="SLA clocks; customers see only running ones, as promises.")
    version: int = Field(description="Raised by one by every change of the ticket; the ETag is this number in "
                                     "quotes. Send it back as If-Match to change only what you read.")
    custom_fields: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description=CUSTOM_FIELDS_DOC + " Only the fields you may see, only those with a value.")
    tags: list[str] | None = Field(None, description="Agents: the ticket's tags, sorted. Null for customers, "
                                                     "who never see tags.")

    @classmethod
    def of(cls, ticket: Ticket, viewer: Viewer) -> TicketOut:
        return cls(
            number=ticket.number,
            subject=ticket.subject,
            description=ticket.description,
            steps_to_reproduce=ticket.steps_to_reproduce,
            expected_behaviour=ticket.expected_behaviour,
            actual_behaviour=ticket.actual_behaviour,
            error_messages=ticket.error_messages,
            affected_users=ticket.affected_users,
            business_impact=ticket.business_impact,
            priority=ticket.priority,
            category=ticket.category,
            kind=ticket.kind,
            channel=ticket.channel,
            status=ticket.status,
            level=ticket.level.key if ticket.level else None,
            team=ticket.team.key if ticket.team else None,
            assignee=ref(ticket.assignee),
            organisation=ref(ticket.organisation),
            requester=ref(ticket.requester),
            resolution_type=ticket.resolution_type or None,
            created_at=utc(ticket.created_at),
            updated_at=utc(ticket.updated_at),
            resolved_at=utc(ticket.resolved_at),
            closed_at=utc(ticket.closed_at),
            external_ref=ticket.external_ref or None,
            merged_into=format_number(ticket.merged_into_id) if ticket.merged_into_id else None,
            allowed_transitions=lifecycle.allowed_targets(
                ticket.status, by_customer=viewer.kind == "customer"
            ),
            clocks=[ClockOut(kind=c.kind, state=c.state, due_at=c.due_at, remaining_minutes=c.remaining_minutes,
                             text=c.text) for c in clocks_for(ticket, staff=viewer.is_staff_side, now=clock.now())],
            version=ticket.version,
            custom_fields=custom_fields.values_of(ticket, customer=viewer.kind == "customer"),
            tags=tag_names(ticket) if viewer.is_staff_side else None,
        )


class TicketPage(PageMeta):
    items: list[TicketOut]


def _comma_list(value: str | None, allowed: list[str], what: str) -> str | None:
    if value is None:
        return None
    unknown = [v for v in value.split(",") if v not in allowed]
    if unknown:
        raise ValueError(f"Unknown {what} {unknown[0]!r}; use one or more of {', '.join(allowed)}")
    return value


class TicketFilters(InputSchema):
    status: str | None = Field(None, max_length=200, description="Comma-separated, e.g. open,in_progress.")
    priority: str | None = Field(None, max_length=200, description="Comma-separated, e.g. P1,P2.")
    organisation: Id | None = Field(None, description="An organisation id.")
    level: str | None = Field(None, max_length=10, description="A level key, e.g. L2.")
    assignee: Id | None = Field(None, description="An agent id.")
    updated_since: dt.datetime | None = Field(
        None, description="ISO 8601, e.g. 2026-11-23T09:00:00Z; without an offset it is read as UTC."
    )
    q: str | None = Field(
        None, max_length=300,
        description="A ticket number (ESC-000123 or 123), an imported ticket's old number, or text in the subject.",
    )
    external_ref: str | None = Field(
        None, max_length=100, description="The number the ticket had in the system it was imported from, e.g. SUP-42."
    )
    tag: str | None = Field(None, max_length=200, description="Agents: only tickets with this tag.")

    @field_validator("status")
    @classmethod
    def known_statuses(cls, value: str | None) -> str | None:
        return _comma_list(value, list(Status.values), "status")

    @field_validator("updated_since")
    @classmethod
    def as_utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return None
        try:
            return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
        except OverflowError:
            raise ValueError("is out of range") from None


class TicketIn(InputSchema):
    organisation: Id | None = Field(None, description="Required for agents; a customer's own is implied.")
    subject: str = Field(min_length=1, max_length=300)
    description: str = Field(min_length=1, max_length=100_000)
    priority: str | None = Field(None, min_length=1, max_length=20,
                                 description="A priority key, name or alias of the policy; left out, the "
                                             "policy's lowest priority.")
    category: str = Field("", max_length=50, description="A category key of the policy.")
    matrix: dict[str, str] | None = Field(
        None, description="Answers to the policy's priority questions (`priority_matrix`): question key → answer "
                          "key, label or alias. Without `priority`, the ticket gets the priority they suggest.")
    kind: Kind = Kind.FAULT
    channel: Channel = Channel.API
    requester: Id | None = Field(None, description="A contact id (agents only; customers are the requester).")
    steps_to_reproduce: str = Field("", max_length=100_000)
    expected_behaviour: str = Field("", max_length=100_000)
    actual_behaviour: str = Field("", max_length=100_000)
    error_messages: str = Field("", max_length=100_000)
    affected_users: str = Field("", max_length=300)
    business_impact: str = Field("", max_length=100_000)
    custom_fields: dict[str, FieldValue] = Field(
        default_factory=dict, description=CUSTOM_FIELDS_DOC + " Those the policy requires in the ticket's category "
                                          "must be given; customers fill in only the fields marked `customer: edit`.")


class CustomFieldsIn(InputSchema):
    custom_fields: dict[str, FieldValue] = Field(
        description=CUSTOM_FIELDS_DOC + " Fields left out stay as they are; null empties one (not a required one).")


# A field left out is not changed. For level, priority, category and kind, null is refused (they
# always have a value); for team and assignee, null clears them.
class TicketPatch(InputSchema):
    priority: str = Field(None, min_length=1, max_length=20)
    category: str = Field(None, max_length=50)
    kind: Kind = Field(None)
    level: str = Field(None, min_length=1, max_length=10, description="A level key, e.g. L2.")
    team: str | None = Field(None, max_length=50, description="A team key; null for none.")
    assignee: Id | None = Field(None, description="An agent id; null to unassign.")


class TransitionIn(InputSchema):
    status: Status
    resolution_type: ResolutionType | None = Field(None, description="Required when the status is resolved.")


# -- messages, timeline, links ---------------------------------------------------------------


class AttachmentOut(Schema):
    filename: str
    content_type: str
    size: int = Field(description="Bytes.")


class MessageOut(Schema):
    id: int
    author: str
    from_customer: bool
    internal: bool
    body: str
    channel: Channel
    created_at: dt.datetime
    attachments: list[AttachmentOut]

    @classmethod
    def of(cls, message: Message) -> MessageOut:
        return cls(
            id=message.pk,
            author=message.author_name,
            from_customer=message.from_customer,
            internal=message.is_internal,
            body=message.body,
            channel=message.channel,
            created_at=utc(message.created_at),
            attachments=[
                AttachmentOut(filename=a.filename, content_type=a.content_type, size=a.size)
                for a in message.attachments.all()
            ],
        )


class MessageIn(InputSchema):
    body: str = Field(min_length=1, max_length=100_000)
    internal: bool = Field(False, description="An internal note, never shown to customers (agents only).")


class MessageForm(Schema):
    """The text fields of a multipart message; extra form fields (a browser's CSRF token) are ignored."""

    body: str = Field(min_length=1, max_length=100_000)
    internal: bool = False

    @field_validator("body")
    @classmethod
    def no_nul_characters(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


class TimelineEntryOut(Schema):
    at: dt.datetime
    kind: str = Field(description="message, note or event.")
    actor: str
    text: str
    data: dict

    @classmethod
    def of(cls, entry: TimelineEntry) -> TimelineEntryOut:
        return cls(at=utc(entry.at), kind=entry.kind, actor=entry.actor, text=entry.text, data=entry.data)


class DeliveryOut(Schema):
    """One message Escalade queued about a ticket, and how its delivery went."""
    id: int
    kind: str = Field(description="ack, reply, status_update, escalation, page, resolution, …")
    channel: str
    recipient: str
    recipient_name: str
    subject: str
    status: str = Field(description="pending, sending, sent or failed.")
    attempts: int
    last_error: str
    created_at: dt.datetime
    next_attempt_at: dt.datetime | None = Field(description="When a pending message is tried next.")
    sent_at: dt.datetime | None

    @classmethod
    def of(cls, m) -> DeliveryOut:
        return cls(id=m.pk, kind=m.kind, channel=m.channel, recipient=m.recipient, recipient_name=m.recipient_name,
                   subject=m.subject, status=m.status, attempts=m.attempts, last_error=m.last_error,
                   created_at=utc(m.created_at), next_attempt_at=utc(m.next_attempt_at), sent_at=utc(m.sent_at))


class EscalationRequestIn(InputSchema):
    business_impact: str = Field(min_length=1, max_length=5000, description="Why this needs escalating now.")
    level: str | None = Field(None, max_length=10, description="The support level asked for, e.g. L3 (optional; "
                              "above the ticket's current level). Shown with the request on the timeline.")


class ManagementAnswerIn(InputSchema):
    answer: str = Field("", max_length=5000, description="What the manager says (optional): an acknowledgement "
                                                          "or the answer to the concern.")


class ManagementConcernOut(Schema):
    """A concern raised with the management chain (policy `escalation.management_chain`)."""

    step: int = Field(description="The chain step reached, 1 = the first.")
    role: str = Field(description="The role of that step, e.g. head_of_support.")
    step_reached_at: dt.datetime
    attempts: int = Field(description="Unanswered attempts to reach that step.")
    status: str = Field(description="open or answered.")
    raised_at: dt.datetime
    answered_at: dt.datetime | None = None
    answered_by: str = ""
    answer: str = ""

    @classmethod
    def of(cls, concern) -> ManagementConcernOut:
        return cls(step=concern.step + 1, role=concern.role, step_reached_at=utc(concern.step_reached_at),
                   attempts=concern.attempts, status=concern.status, raised_at=utc(concern.raised_at),
                   answered_at=utc(concern.answered_at), answered_by=concern.answered_by, answer=concern.answer)


class LinkIn(InputSchema):
    to: str = Field(max_length=30, description="The other ticket's number.", examples=["ESC-000042"])
    kind: LinkKind = Field(description="This ticket is related to / a duplicate of / a child of the other.")


class MergeIn(InputSchema):
    into: str = Field(max_length=30, description="The number of the ticket to keep; this one is merged into it.",
                      examples=["ESC-000040"])


class LinkOut(Schema):
    from_ticket: str
    to_ticket: str
    kind: LinkKind
    created_at: dt.datetime

    @classmethod
    def of(cls, link: TicketLink) -> LinkOut:
        return cls(from_ticket=link.from_ticket.number, to_ticket=link.to_ticket.number, kind=link.kind,
                   created_at=utc(link.created_at))
