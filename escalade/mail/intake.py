"""Email in, in two steps (zulip's email mirror, healthchecks' smtpd):

1. `receive()` — at the edge (SMTP/LMTP listener, IMAP poller, pipe): store the raw bytes and
   nothing else, so a crash or a parse failure loses nothing. The same Message-ID (or, without
   one, the same bytes) is stored once.
2. `process_received()` — the worker's sweep, every round: claim a batch of waiting messages in
   one transaction (PostgreSQL: SKIP LOCKED, so two workers never take the same message; SQLite:
   the IMMEDIATE transaction's write lock), then parse and act on each, with the policy and the
   webhook subscriptions read once for the batch. Whatever goes wrong with one message ends as
   that message quarantined with the reason (the batch is done again, each message in a
   savepoint), never as a lost one, and the others of the batch go on. `process()` does the same
   for one message (re-processing).

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
from django.utils.translation import gettext as _

from escalade import clock
from escalade.audit.chain import collected, record
from escalade.db import remembering
from escalade.errors import Conflict
from escalade.mail import senders
from escalade.mail.models import InboundEmail, InboundStatus, Mailbox
from escalade.mail.parse import ParsedEmail, first_message_id, header, parse
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
    at = now or clock.now()
    with transaction.atomic():
        inbound = _lock(inbound_id)
        if inbound is None or inbound.status != S.RECEIVED:
            return "skipped"
        _handle_one(inbound, at)
        return inbound.status


#: Messages claimed per transaction by the worker's sweep. A batch holds the locks of the tickets
#: its replies land on until it commits, so it is kept small enough to take well under a second.
BATCH = 50
#: Batches per worker round at most, so a flood of mail does not hold up the round's other sweeps
#: (breaches, escalation) for long; the rest waits for the next round.
BATCHES_PER_ROUND = 10


def process_received(now: dt.datetime, batch: int = BATCH, *, older_than: dt.timedelta = dt.timedelta(0),
                     batches: int = BATCHES_PER_ROUND) -> int:
    """Worker sweep: process the messages received at least `older_than` before `now` and still
    waiting, oldest first, `batch` per transaction and at most `batches` batches. Returns how many
    were processed."""
    done = 0
    for _batch in range(batches):
        handled = process_batch(now, batch, older_than=older_than)
        done += handled
        if handled < batch:
            break
    return done


def process_batch(now: dt.datetime, batch: int = BATCH, *, older_than: dt.timedelta = dt.timedelta(0)) -> int:
    """Claim up to `batch` waiting messages in one transaction and handle them. Returns how many
    were claimed. Optimistic: the batch runs without a savepoint per message (two statements
    fewer each); should any message fail, the whole batch is rolled back and done again with each
    message in a savepoint of its own, so that only the failing one is quarantined."""
    from escalade.mail.handling import handle

    try:
        # The active policy, subscriptions, … read once per batch; the batch's audit events inserted
        # with one statement at its end (no savepoint here that could roll back some of them).
        with transaction.atomic(), remembering(), collected():
            claimed = _claim(now, batch, older_than)
            parsed = _parse_all(claimed)
            senders.preload(p.from_address for p in parsed.values())  # the batch's contacts in one query
            for inbound in claimed:
                outcome = handle(inbound, now=now, parsed=parsed.get(inbound.pk))
                _finish(inbound, outcome.status, outcome.reason, outcome.ticket, now)
            return len(claimed)
    except Exception:
        logger.info("a message of the batch failed; doing the batch again one message at a time")
    with transaction.atomic(), remembering():
        claimed = _claim(now, batch, older_than)
        for inbound in claimed:
            _handle_one(inbound, now)
        return len(claimed)


def _parse_all(claimed: list[InboundEmail]) -> dict[int, ParsedEmail]:
    """The claimed messages parsed (a message the parser fails on is left to `handle`, whose error
    then quarantines it)."""
    parsed = {}
    for inbound in claimed:
        try:
            parsed[inbound.pk] = parse(bytes(inbound.raw))
        except Exception:
            logger.info("inbound email %s did not parse ahead of its batch", inbound.pk, exc_info=True)
    return parsed


def _claim(now: dt.datetime, batch: int, older_than: dt.timedelta) -> list[InboundEmail]:
    """Up to `batch` waiting messages, oldest first, locked for this transaction. PostgreSQL skips
    rows another worker holds; on SQLite the IMMEDIATE transaction's write lock serialises."""
    waiting = (InboundEmail.objects.filter(status=S.RECEIVED, received_at__lte=now - older_than)
               .order_by("received_at", "pk"))  # the partial index inbound_email_waiting
    if connection.features.has_select_for_update_skip_locked:
        waiting = waiting.select_for_update(skip_locked=True)
    return list(waiting[:batch])


def _handle_one(inbound: InboundEmail, at: dt.datetime) -> None:
    """Handle one claimed (locked) message in a savepoint and store its outcome. An error rolls
    back the message's half-done work and quarantines it with the reason. The outcome is written
    at once, not at the end of the batch: a later message of the batch may thread to its ticket."""
    from escalade.mail.handling import handle

    try:
        with transaction.atomic():
            outcome = handle(inbound, now=at)
    except Exception as exc:
        # Stored and shown in the admin, where an agent can re-process it once the cause is fixed.
        logger.exception("inbound email %s could not be processed", inbound.pk)
        status, reason, ticket = S.QUARANTINED, f"could not process: {type(exc).__name__}: {exc}"[:2000], None
    else:
        status, reason, ticket = outcome.status, outcome.reason, outcome.ticket
    _finish(inbound, status, reason, ticket, at)


def reprocess(inbound_id: int, viewer: Viewer, *, now: dt.datetime | None = None) -> str:
    """An agent asks for a quarantined (or ignored) message to be processed again, e.g. after
    adding its sender as a contact."""
    at = now or clock.now()
    with transaction.atomic():
        inbound = _lock(inbound_id)
        if inbound is None or inbound.status not in (S.QUARANTINED, S.IGNORED):
            raise Conflict(_("Only quarantined or ignored messages can be re-processed."))
        if inbound.reason.startswith("bounce:"):
            raise Conflict(_("A bounce is recorded on its contact and is not processed again."))
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
        raise Conflict(_("Only agents can release held email."))
    at = now or clock.now()
    with transaction.atomic():
        inbound = _lock(inbound_id)
        if inbound is None or inbound.status not in (S.QUARANTINED, S.IGNORED):
            raise Conflict(_("Only held (quarantined) or ignored messages can be released."))
        outcome = handle(inbound, now=at, validated_by=viewer)
        _finish(inbound, outcome.status, f"released by {viewer.label}: {outcome.reason}", outcome.ticket, at)
    return inbound


def ignore(inbound_id: int, viewer: Viewer, *, now: dt.datetime | None = None) -> None:
    """An agent decides a held message needs nothing (spam, a stray newsletter)."""
    at = now or clock.now()
    with transaction.atomic():
        inbound = _lock(inbound_id)
        if inbound is None or inbound.status != S.QUARANTINED:
            raise Conflict(_("Only quarantined messages can be ignored."))
        _finish(inbound, S.IGNORED, f"ignored by {viewer.label}; was: {inbound.reason}"[:2000], inbound.ticket, at)


def _lock(inbound_id: int) -> InboundEmail | None:
    rows = InboundEmail.objects.filter(pk=inbound_id)
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)  # PostgreSQL; SQLite's write lock serialises instead
    return rows.first()


#: What handling a message sets on its row.
FINISHED = ["status", "reason", "ticket", "processed_at", "subject", "from_address"]


def _finish(inbound: InboundEmail, status: str, reason: str, ticket, at: dt.datetime) -> None:
    inbound.status, inbound.reason, inbound.ticket, inbound.processed_at = status, reason, ticket, at
    inbound.save(update_fields=FINISHED)
