"""Email in, in two steps (zulip's email mirror, healthchecks' smtpd):

1. `receive()` — at the edge (SMTP/LMTP listener, IMAP poller, pipe): store the raw bytes and
   nothing else, so a crash or a parse failure loses nothing. The same Message-ID (or, without
   one, the same bytes) is stored once.
2. `process()` — in the worker (a task enqueued on receipt, and the `process_received` sweep for
   anything left behind): parse and act, each message in its own transaction, its status
   re-checked under lock so two workers never handle one message twice. Whatever goes wrong ends
   as a quarantined message with the reason, never as a lost one.

Agents act on the result in the admin: `release()` a held message, `reprocess()` a quarantined
one, `ignore()` one.
"""

from __future__ import annotations

import datetime as dt
import email.parser
import email.policy
import hashlib
import logging
from collections.abc import Iterable

from django.db import IntegrityError, connection, transaction

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import Conflict
from escalade.mail.models import InboundEmail, InboundStatus, Mailbox
from escalade.mail.parse import first_message_id, header
from escalade.orgs.access import Viewer

logger = logging.getLogger("escalade.mail")
S = InboundStatus


def receive(raw: bytes, *, source: str, envelope_from: str = "", envelope_to: Iterable[str] = (),
            mailbox: Mailbox | None = None, at: dt.datetime | None = None) -> tuple[InboundEmail, bool]:
    """Store one message as received. Returns (row, created); created is False for a message
    already stored (same Message-ID, or the same bytes when it has none)."""
    message_id = _message_id(raw)
    key = message_id if message_id and len(message_id) <= 200 else ""
    if not key:
        key = "sha256:" + hashlib.sha256(message_id.encode() if message_id else raw).hexdigest()
    try:
        # A savepoint: a duplicate rolls back only this insert. The unique key decides, even
        # between two connections delivering the same message at once.
        with transaction.atomic():
            row = InboundEmail.objects.create(
                raw=raw, size=len(raw), received_at=at or clock.now(), source=source[:100],
                envelope_from=envelope_from[:500], envelope_to=", ".join(envelope_to),
                mailbox=mailbox, message_id=message_id, dedupe_key=key,
            )
    except IntegrityError:
        existing = InboundEmail.objects.filter(dedupe_key=key).first()
        if existing is None:
            raise
        return existing, False
    return row, True


def _message_id(raw: bytes) -> str:
    """The Message-ID from the header block only (cheap; never fails)."""
    try:
        head = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw[:256 * 1024])
        return first_message_id(header(head, "Message-ID"))
    except Exception:  # malformed beyond the parser's leniency: the worker will say why
        logger.warning("could not read the Message-ID of a received message", exc_info=True)
        return ""


def process(inbound_id: int, *, now: dt.datetime | None = None) -> str:
    """Parse and act on one received message; returns its status afterwards ('skipped' when it
    was not waiting, e.g. another worker got there first)."""
    from escalade.mail.handling import handle

    with transaction.atomic():
        inbound = _lock(inbound_id)
        if inbound is None or inbound.status != S.RECEIVED:
            return "skipped"
        at = now or clock.now()
        try:
            with transaction.atomic():
                outcome = handle(inbound, now=at)
        except Exception as exc:
            # Stored and shown in the admin, where an agent can re-process it once the cause is fixed.
            logger.exception("inbound email %s could not be processed", inbound.pk)
            _finish(inbound, S.QUARANTINED, f"could not process: {type(exc).__name__}: {exc}"[:2000], None, at)
            return inbound.status
        _finish(inbound, outcome.status, outcome.reason, outcome.ticket, at)
        return inbound.status


#: A message still waiting this long after it arrived has lost its task; the sweep takes it.
STRANDED_AFTER = dt.timedelta(minutes=1)


def process_received(now: dt.datetime, batch: int = 100, *, older_than: dt.timedelta = STRANDED_AFTER) -> int:
    """Worker sweep: process messages received at least `older_than` before `now` and still
    waiting (their task was lost). Returns how many were processed."""
    ids = list(InboundEmail.objects.filter(status=S.RECEIVED, received_at__lte=now - older_than)
               .order_by("received_at", "pk").values_list("pk", flat=True)[:batch])
    return sum(process(pk, now=now) != "skipped" for pk in ids)


def reprocess(inbound_id: int, viewer: Viewer, *, now: dt.datetime | None = None) -> str:
    """An agent asks for a quarantined (or ignored) message to be processed again, e.g. after
    adding its sender as a contact."""
    at = now or clock.now()
    with transaction.atomic():
        inbound = _lock(inbound_id)
        if inbound is None or inbound.status not in (S.QUARANTINED, S.IGNORED):
            raise Conflict("Only quarantined or ignored messages can be re-processed.")
        if inbound.reason.startswith("bounce:"):
            raise Conflict("A bounce is recorded on its contact and is not processed again.")
        record(actor=viewer.label, actor_user=viewer.user, action="mail.reprocessed", obj=inbound, at=at,
               before={"status": inbound.status, "reason": inbound.reason})
        inbound.status, inbound.reason, inbound.processed_at = S.RECEIVED, "", None
        inbound.save(update_fields=["status", "reason", "processed_at"])
    return process(inbound_id, now=at)


def release(inbound_id: int, viewer: Viewer, *, now: dt.datetime | None = None) -> InboundEmail:
    """An agent validates the sender of a held message (Zynstra: "validate their authority"):
    it becomes a ticket or a reply as if the sender were authorised. Raises DomainError with the
    reason when that is not possible; nothing changes then."""
    from escalade.mail.handling import handle

    if not viewer.is_staff_side:
        raise Conflict("Only agents can release held email.")
    at = now or clock.now()
    with transaction.atomic():
        inbound = _lock(inbound_id)
        if inbound is None or inbound.status not in (S.QUARANTINED, S.IGNORED):
            raise Conflict("Only held (quarantined) or ignored messages can be released.")
        outcome = handle(inbound, now=at, validated_by=viewer)
        _finish(inbound, outcome.status, f"released by {viewer.label}: {outcome.reason}", outcome.ticket, at)
    return inbound


def ignore(inbound_id: int, viewer: Viewer, *, now: dt.datetime | None = None) -> None:
    """An agent decides a held message needs nothing (spam, a stray newsletter)."""
    at = now or clock.now()
    with transaction.atomic():
        inbound = _lock(inbound_id)
        if inbound is None or inbound.status != S.QUARANTINED:
            raise Conflict("Only quarantined messages can be ignored.")
        _finish(inbound, S.IGNORED, f"ignored by {viewer.label}; was: {inbound.reason}"[:2000], inbound.ticket, at)


def _lock(inbound_id: int) -> InboundEmail | None:
    rows = InboundEmail.objects.filter(pk=inbound_id)
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)  # PostgreSQL; SQLite's write lock serialises instead
    return rows.first()


def _finish(inbound: InboundEmail, status: str, reason: str, ticket, at: dt.datetime) -> None:
    inbound.status, inbound.reason, inbound.ticket, inbound.processed_at = status, reason, ticket, at
    inbound.save(update_fields=["status", "reason", "ticket", "processed_at", "subject", "from_address"])
