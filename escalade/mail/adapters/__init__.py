"""The ways mail comes in: an SMTP/LMTP listener (smtpd.py), an IMAP poller (imap.py) and a pipe
(`escalade mail ingest`). Each only stores the raw message and enqueues its processing — in one
transaction — then answers; parsing happens in the worker."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from escalade.mail.intake import receive
from escalade.mail.models import InboundEmail, Mailbox


def accept(raw: bytes, *, source: str, envelope_from: str = "", envelope_to: Iterable[str] = (),
           mailbox: Mailbox | None = None) -> tuple[InboundEmail, bool]:
    """Store `raw` and enqueue the task that processes it. Returns (row, created)."""
    from escalade.worker.tasks import process_inbound_email

    with transaction.atomic():
        row, created = receive(raw, source=source, envelope_from=envelope_from, envelope_to=envelope_to,
                               mailbox=mailbox)
        if created:
            process_inbound_email.enqueue(row.pk)
    return row, created
