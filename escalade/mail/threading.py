"""Which ticket a message belongs to: by In-Reply-To, then References, to a message we sent
(the outbox) or received; then by the ticket number in the subject, `[ESC-000123]`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from escalade.mail.models import InboundEmail
from escalade.mail.parse import ParsedEmail
from escalade.tickets.models import Ticket, format_number

_TAG = re.compile(r"\[ESC-(\d{1,12})\]", re.I)
_PREFIX = re.compile(r"^\s*((re|fwd?|aw|wg|sv|vs|antw|r)\s*(\[\d+\])?\s*:\s*)+", re.I)


@dataclass(frozen=True)
class Thread:
    ticket: Ticket
    how: str  # "In-Reply-To", "References" or "subject"


def find_thread(p: ParsedEmail, *, inbound: InboundEmail | None = None) -> Thread | None:
    """The ticket this message continues, or None for a new conversation."""
    for how, ids in (("In-Reply-To", p.in_reply_to), ("References", list(reversed(p.references)))):
        for message_id in ids:
            ticket_id = _sent_ticket(message_id) or _received_ticket(message_id, inbound)
            if ticket_id:
                ticket = Ticket.objects.select_related("organisation").filter(pk=ticket_id).first()
                if ticket is not None:
                    return Thread(ticket, how)
    number = ticket_number_in(p.subject)
    if number:
        ticket = Ticket.objects.select_related("organisation").filter(pk=number).first()
        if ticket is not None:
            return Thread(ticket, "subject")
    return None


def ticket_number_in(subject: str) -> int | None:
    found = _TAG.search(subject or "")
    return int(found.group(1)) if found else None


def tagged_subject(ticket: Ticket, subject: str | None = None) -> str:
    """`[ESC-000123] subject`: the tag customers' replies keep, so they find their ticket."""
    subject = clean_subject(subject if subject is not None else ticket.subject)
    return f"[{format_number(ticket.pk)}] {subject}".strip()


def clean_subject(subject: str) -> str:
    """The subject without Re:/Fwd: prefixes and ticket tags."""
    subject = _TAG.sub("", subject or "")
    previous = None
    while previous != subject:
        previous = subject
        subject = _PREFIX.sub("", subject).strip()
    return " ".join(subject.split())


def _sent_ticket(message_id: str) -> int | None:
    from escalade.notifications.models import OutboxMessage

    row = (OutboxMessage.objects.filter(message_id__in=[message_id, f"<{message_id}>"])
           .exclude(ticket=None).values_list("ticket_id", flat=True).first())
    return row


def _received_ticket(message_id: str, inbound: InboundEmail | None) -> int | None:
    rows = InboundEmail.objects.filter(message_id=message_id).exclude(ticket=None)
    if inbound is not None:
        rows = rows.exclude(pk=inbound.pk)
    return rows.values_list("ticket_id", flat=True).first()
