"""The ways mail comes in: an SMTP/LMTP listener (smtpd.py), an IMAP poller (imap.py) and a pipe
(`escalade mail ingest`). Each only stores the raw message, then answers; the worker's sweep
(`intake.process_received`) claims what waits, in batches, and parses it."""

from __future__ import annotations

from collections.abc import Iterable

from escalade.mail.intake import receive
from escalade.mail.models import InboundEmail, Mailbox


def accept(raw: bytes, *, source: str, envelope_from: str = "", envelope_to: Iterable[str] = (),
           mailbox: Mailbox | None = None) -> tuple[InboundEmail, bool]:
    """Store `raw` for the worker. Returns (row, created)."""
    return receive(raw, source=source, envelope_from=envelope_from, envelope_to=envelope_to, mailbox=mailbox)
