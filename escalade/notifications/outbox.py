"""The outbox: every message Escalade sends is first a row here, written in the same transaction as
the change that caused it, then delivered by the worker.

- `enqueue` is idempotent on `dedupe_key` (the unique constraint decides, even between racing
  transactions), so a firing that runs twice makes one message.
- `deliver_due` (a worker sweep) claims the next `CLAIM` (20) due rows in one statement (an UPDATE
  of the rows a sub-SELECT … FOR UPDATE SKIP LOCKED picks by next_attempt_at, on PostgreSQL;
  SQLite's write lock does the same), marking them `sending` with a fresh claim token and a lease;
  delivers them outside any transaction; then records the ones sent in one statement, only while it
  still holds their claim (a failure is recorded at once). A worker killed with SIGKILL holds at
  most those 20 until the lease ends.
- A failed attempt is stored in `last_error`, logged, and retried after 1, 2, 4, … minutes; after
  `MAX_ATTEMPTS` the row is `failed`. A row left `sending` by a worker that died becomes due again
  when its lease ends.

Delivery is at least once: the only window for a repeat is a worker dying after the channel
accepted a message and before the result was stored (at most the 20 messages of one claim). Every
message carries its `message_id` (Message-ID for email, X-Escalade-Delivery for webhooks) so a
receiver can drop the repeat.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from email.utils import parseaddr

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from escalade import clock
from escalade.audit.chain import record
from escalade.db import update_rows
from escalade.errors import DomainError
from escalade.notifications import batch, channels, coalesce
from escalade.notifications.channels.base import DeliveryError
from escalade.notifications.models import Channel, OutboxMessage, Status

logger = logging.getLogger("escalade.notifications")

MAX_ATTEMPTS = 8
LEASE = dt.timedelta(minutes=10)
MAX_ERROR_CHARS = 2000
DEDUPE_KEY_MAX = OutboxMessage._meta.get_field("dedupe_key").max_length


def backoff(attempt: int) -> dt.timedelta:
    """The wait after failed attempt number `attempt` (1-based): 1, 2, 4, 8, … minutes."""
    return dt.timedelta(minutes=2 ** (attempt - 1))


def make_message_id() -> str:
    """A new RFC 5322 Message-ID in the domain of DEFAULT_FROM_EMAIL: `<uuid@domain>`."""
    return f"<{uuid.uuid4()}@{_domain_of(settings.DEFAULT_FROM_EMAIL)}>"


@functools.lru_cache(maxsize=8)
def _domain_of(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "escalade.invalid"


def fit_key(key: str) -> str:
    """`key`, or for keys longer than the column a stable shortened form (prefix + SHA-256)."""
    if len(key) <= DEDUPE_KEY_MAX:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[: DEDUPE_KEY_MAX - len(digest) - 1]}#{digest}"


def enqueue(*, channel: str, recipient: str, subject: str, body: str, kind: str, dedupe_key: str,
            ticket=None, recipient_name: str = "", headers: dict | None = None, payload: dict | None = None,
            not_before: dt.datetime | None = None, event_at: dt.datetime | None = None, render: str = "",
            fresh: bool = False) -> OutboxMessage:
    """Queue one message for delivery by the worker; returns its row.

    Idempotent on `dedupe_key`: a second call (or a concurrent one) returns the row the first made
    and changes nothing. Runs inside the caller's transaction, so the message exists if and only if
    the change that caused it commits. `not_before` (aware) delays the first attempt. `event_at`
    (aware) is when the event behind it happened: a second message of the same ticket, instant,
    channel and address is added to the first while it waits (`coalesce`), and the row returned
    is then marked `coalesced`.

    `render` names a renderer (`register_renderer`) that writes the body when the worker first
    delivers the message, off the request that queued it (such a message is not coalesced).
    `fresh=True` says the key names something made in this transaction, so it cannot exist yet: no
    savepoint is needed to catch a duplicate. Within `batch.queued_together()` the row is inserted
    when that block ends (its pk is None until then).
    """
    if channel not in Channel.values:
        raise DomainError(_("unknown channel %(channel)r; use %(known)s") % {
            "channel": channel, "known": ", ".join(Channel.values)}, field="channel")
    if not recipient.strip():
        raise DomainError(_("a %(channel)s message needs a recipient") % {"channel": channel}, field="recipient")
    if not dedupe_key.strip():
        raise DomainError(_("a message needs a dedupe key (what makes it happen once)"), field="dedupe_key")
    key = fit_key(dedupe_key)
    now = clock.now()
    if render and render not in _renderers:
        raise ValueError(f"no renderer {render!r}; registered: {', '.join(_renderers)}")
    row = OutboxMessage(
        channel=channel,
        recipient=recipient.strip(),
        recipient_name=recipient_name,
        subject=subject,
        body="" if render else body,
        headers={str(k): str(v) for k, v in (headers or {}).items()},
        payload={**(payload or {}), **({RENDER_KEY: render} if render else {})},
        ticket=ticket,
        kind=kind,
        dedupe_key=key,
        message_id=make_message_id(),
        status=Status.PENDING,
        next_attempt_at=max(not_before, now) if not_before else now,
        created_at=now,
        event_key="" if render else coalesce.event_key(ticket, event_at),
    )
    kept = batch.keep(row)
    if kept is not None:  # inserted with the rest of the sweep's batch (batch.queued_together)
        return kept
    if fresh:
        row.save(force_insert=True)
        coalesce.coalesce(row)
        return row
    try:
        # A savepoint inside the caller's transaction: a duplicate key rolls back only this insert.
        with transaction.atomic():
            row.save(force_insert=True)
            coalesce.coalesce(row)
            return row
    except IntegrityError:
        # The unique constraint waited for (PostgreSQL) or saw (SQLite) the other writer's commit.
        existing = OutboxMessage.objects.filter(dedupe_key=key).first()
        if existing is None:
            raise
        return existing


# -- bodies written at delivery ----------------------------------------------------------------

RENDER_KEY = "render"
_renderers: dict[str, Callable[[OutboxMessage], str]] = {}
_many_renderers: dict[str, Callable[[list[OutboxMessage]], list[str]]] = {}


def register_renderer(name: str, render_body: Callable[[OutboxMessage], str],
                      render_bodies: Callable[[list[OutboxMessage]], list[str]] | None = None) -> None:
    """Let `enqueue(render=name)` leave a message's body to `render_body(row)`, called by the worker
    when it first delivers the row (an app registers its renderers in AppConfig.ready).
    `render_bodies(rows)` (optional) writes the bodies of several rows at once, in their order, with
    fewer reads: the worker uses it for the rows it claimed together."""
    _renderers[name] = render_body
    if render_bodies is not None:
        _many_renderers[name] = render_bodies


def _render_claimed(rows: list[OutboxMessage]) -> None:
    """Write the bodies still owed of rows claimed together, per renderer that writes several at
    once, and store them in one statement. Should a renderer fail, its rows are left to
    `rendered()` one by one at delivery, where the failure is recorded on the row that causes it."""
    owed: dict[str, list[OutboxMessage]] = {}
    for row in rows:
        name = (row.payload or {}).get(RENDER_KEY)
        if name in _many_renderers and not row.body:
            owed.setdefault(name, []).append(row)
    written = []
    for name, group in owed.items():
        try:
            bodies = _many_renderers[name](group)
        except Exception:
            logger.warning("rendering %d %s messages together failed; rendering them one by one", len(group), name,
                           exc_info=True)
            continue
        for row, body in zip(group, bodies, strict=True):
            row.body = body
            written.append((row.pk, body))
    update_rows(OutboxMessage, ["body"], written)


def rendered(row: OutboxMessage) -> OutboxMessage:
    """`row` with its body written (and stored) if a renderer still owes it; a no-op otherwise."""
    name = (row.payload or {}).get(RENDER_KEY)
    if name and not row.body:
        row.body = _renderers[name](row)
        OutboxMessage.objects.filter(pk=row.pk).update(body=row.body)
    return row


# -- the worker side ---------------------------------------------------------------------------


def _due(now: dt.datetime):
    # Uses the partial index outbox_due (see OutboxMessage.Meta).
    due = OutboxMessage.objects.filter(
        status__in=[Status.PENDING, Status.SENDING], next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True)
    return due


def _error_text(exc: BaseException) -> str:
    text = str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}"
    return text[:MAX_ERROR_CHARS]


def _give_up(row: OutboxMessage, error: str, at: dt.datetime, *, token: str) -> bool:
    """Mark `row` failed if `token` still holds it; audit the failure on the ticket."""
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(pk=row.pk, claim_token=token).exclude(
            status__in=[Status.SENT, Status.FAILED]
        ).update(status=Status.FAILED, last_error=error, claim_token="")
        if updated:
            record(actor="system: notifications", action="notification.failed", obj=row, ticket_id=row.ticket_id,
                   at=at, after={"channel": row.channel, "kind": row.kind, "recipient": row.recipient,
                                 "attempts": row.attempts, "error": error})
    if updated:
        logger.error("outbox message %s (%s %s to %s) gave up after %d attempts: %s",
                     row.pk, row.channel, row.kind, row.recipient, row.attempts, error)
    return bool(updated)


def claim_due(now: dt.datetime, limit: int = 1) -> list[OutboxMessage]:
    """Claim up to `limit` rows due at `now` (UTC): pending ones whose time has come and sending ones
    whose lease has ended. Each claimed row is `sending` with a `claim_token`, one more attempt and a
    lease of `LEASE` — committed before this returns. The pending rows are claimed in one statement
    and share one token. A stale row that already used its last attempt is marked failed instead."""
    claimed = _claim_pending(now, limit)
    while len(claimed) < limit:
        row = _claim_next_stale(now)
        if row is None:
            break
        claimed.append(row)
    return claimed


def _claim_pending(now: dt.datetime, limit: int) -> list[OutboxMessage]:
    """Up to `limit` due pending rows, earliest first, claimed in one statement (its own
    transaction): no other worker can take them, and no row is held that this worker is not about
    to send."""
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    skip_locked = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    at = max(now, clock.now())
    # The SELECT uses the partial index outbox_due, and runs once (MATERIALIZED: as the inner side of
    # a join PostgreSQL could run it again for every row). The outer status test is the
    # compare-and-set that keeps a second claimer (SQLite without the IMMEDIATE transaction) from
    # taking them too.
    rows = list(OutboxMessage.objects.raw(
        f"WITH picked AS MATERIALIZED (SELECT id FROM {table} WHERE status IN (%s, %s) AND next_attempt_at <= %s "
        f"AND status = %s ORDER BY next_attempt_at, id LIMIT %s{skip_locked}) "
        f"UPDATE {table} SET status = %s, claim_token = %s, attempts = attempts + 1, next_attempt_at = %s "
        f"WHERE id IN (SELECT id FROM picked) AND status = %s RETURNING *",
        [Status.PENDING, Status.SENDING, *_db_times(now), Status.PENDING, limit,
         Status.SENDING, uuid.uuid4().hex, *_db_times(at + LEASE), Status.PENDING]))
    return sorted(rows, key=lambda r: (r.next_attempt_at, r.pk))


def _db_times(*values: dt.datetime) -> list:
    return [connection.ops.adapt_datetimefield_value(v) for v in values]


def _claim_next_stale(now: dt.datetime) -> OutboxMessage | None:
    """Take over the next row whose worker's lease ended (or give it up after its last attempt)."""
    with transaction.atomic():
        for row in _due(now).filter(status=Status.SENDING)[:10]:
            at = max(now, clock.now())
            row.last_error = (
                f"attempt {row.attempts} did not finish: the worker stopped before recording the result "
                f"(its {int(LEASE.total_seconds() // 60)}-minute lease ended)"
            )
            logger.warning("outbox message %s: %s", row.pk, row.last_error)
            if row.attempts >= MAX_ATTEMPTS:
                _give_up(row, row.last_error, at, token=row.claim_token)
                continue
            token = uuid.uuid4().hex
            if OutboxMessage.objects.filter(pk=row.pk, status=row.status, claim_token=row.claim_token).update(
                    status=Status.SENDING, claim_token=token, attempts=row.attempts + 1,
                    next_attempt_at=at + LEASE, last_error=row.last_error):
                row.claim_token, row.attempts, row.next_attempt_at = token, row.attempts + 1, at + LEASE
                return row
    return None


def deliver_claimed(row: OutboxMessage, now: dt.datetime) -> bool:
    """Deliver one claimed row through its channel and record the result (only while the claim
    still holds). Returns True when sent. Never raises for a delivery failure: it is stored on the
    row and logged."""
    if not _attempt(row, now):
        return False
    if not OutboxMessage.objects.filter(pk=row.pk, status=Status.SENDING, claim_token=row.claim_token).update(
            status=Status.SENT, claim_token="", sent_at=max(now, clock.now())):
        _lost_claim(row)
    return True


def _attempt(row: OutboxMessage, now: dt.datetime) -> bool:
    """Hand a claimed row to its channel. True when the channel took it (the caller records it
    sent); a failure is recorded here: retried later, or given up after the last attempt."""
    try:
        channels.get(row.channel).notify(rendered(row))
    except Exception as exc:
        error = _error_text(exc)
        at = max(now, clock.now())
        if not isinstance(exc, DeliveryError):
            logger.exception("outbox message %s: unexpected error from the %s channel", row.pk, row.channel)
        if row.attempts >= MAX_ATTEMPTS:
            if not _give_up(row, error, at, token=row.claim_token):
                _lost_claim(row)
            return False
        retry_at = at + backoff(row.attempts)
        updated = OutboxMessage.objects.filter(pk=row.pk, status=Status.SENDING, claim_token=row.claim_token).update(
            status=Status.PENDING, claim_token="", last_error=error, next_attempt_at=retry_at,
        )
        if updated:
            logger.warning("outbox message %s (%s %s to %s) attempt %d of %d failed: %s; retrying at %s",
                           row.pk, row.channel, row.kind, row.recipient, row.attempts, MAX_ATTEMPTS, error,
                           retry_at.isoformat())
        else:
            _lost_claim(row)
        return False
    return True


def _record_sent(rows: list[OutboxMessage], now: dt.datetime) -> None:
    """Mark `rows` sent, those whose claim still holds: one statement per claim token (a batch
    claimed together shares one)."""
    at = max(now, clock.now())
    by_token: dict[str, list[OutboxMessage]] = {}
    for row in rows:
        by_token.setdefault(row.claim_token, []).append(row)
    for token, claimed in by_token.items():
        updated = OutboxMessage.objects.filter(
            pk__in=[r.pk for r in claimed], status=Status.SENDING, claim_token=token,
        ).update(status=Status.SENT, claim_token="", sent_at=at)
        if updated < len(claimed):
            logger.warning("%d of the outbox messages %s outlived their lease and another worker took them over; "
                           "their results were not recorded", len(claimed) - updated,
                           ", ".join(str(r.pk) for r in claimed))


def _lost_claim(row: OutboxMessage) -> None:
    logger.warning("outbox message %s: attempt %d outlived its lease and another worker took the message over; "
                   "its result was not recorded", row.pk, row.attempts)


#: Messages a worker claims at once. A worker killed with SIGKILL holds at most this many until
#: their lease ends, and may deliver again those it sent but had not yet recorded (each carries
#: its message_id, so a receiver can drop the repeat). Claiming and recording 20 at a time costs
#: two statements per 20 messages instead of two per message.
CLAIM = 20


def deliver_due(now: dt.datetime, batch: int = 50) -> int:
    """Worker sweep: deliver up to `batch` messages due at `now` (UTC), claimed `CLAIM` at a time
    (one statement) and recorded sent together once each of them was handed to its channel (one
    statement); returns how many were attempted."""
    handled = 0
    while handled < batch:
        claimed = claim_due(now, limit=min(CLAIM, batch - handled))
        if not claimed:
            break
        _render_claimed(claimed)
        _record_sent([row for row in claimed if _attempt(row, now)], now)
        handled += len(claimed)
    return handled


def retry_now(messages: Iterable[OutboxMessage], *, at: dt.datetime, actor: str = "system",
              actor_user=None) -> int:
    """Deliver these messages at the next sweep: failed ones start over with a full set of attempts,
    pending ones waiting for a retry stop waiting. Sent and sending ones are left alone. Returns how
    many will be retried; each failed one brought back is audited."""
    count = 0
    with transaction.atomic():
        for message in messages:
            if OutboxMessage.objects.filter(pk=message.pk, status=Status.FAILED).update(
                status=Status.PENDING, attempts=0, next_attempt_at=at, claim_token=""
            ):
                record(actor=actor, actor_user=actor_user, action="notification.retried", obj=message,
                       ticket_id=message.ticket_id, at=at,
                       before={"status": Status.FAILED, "attempts": message.attempts},
                       after={"status": Status.PENDING, "attempts": 0})
                count += 1
            elif OutboxMessage.objects.filter(pk=message.pk, status=Status.PENDING).update(next_attempt_at=at):
                count += 1
    return count
