"""Writing to the audit trail: `record()` is the one way in."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db import transaction
from django.db.models import F

from escalade import clock
from escalade.audit.models import AuditHead, Event


def canonical(value) -> str:
    """Stable JSON for hashing: sorted keys, no spaces, datetimes as ISO-8601."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def event_hash(prev_hash: str, *, seq: int, at: dt.datetime, actor: str, action: str,
               object_type: str, object_id: str, ticket_id: int | None, before: dict, after: dict) -> str:
    payload = canonical(
        {
            "seq": seq,
            "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "object": f"{object_type}:{object_id}",
            "ticket": ticket_id,
            "before": before,
            "after": after,
        }
    )
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _jsonable(data: dict | None) -> dict:
    return json.loads(canonical(data or {}))


def record(*, actor: str, action: str, obj=None, before: dict | None = None, after: dict | None = None,
           actor_user=None, ticket_id: int | None = None, at: dt.datetime | None = None,
           object_type: str = "", object_id: str = "") -> Event:
    """Append one event: who (`actor`), what (`action` on `obj`), before and after.

    `obj` is a model instance; for something that is not a row (a sign-in attempt, say) pass
    `object_type` and `object_id` instead. Runs inside the caller's transaction, so the event
    commits or rolls back with the change.
    """
    when = (at or clock.now()).astimezone(dt.UTC)
    before, after = _jsonable(before), _jsonable(after)
    with transaction.atomic():
        # The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) before we read
        # the head, so two writers cannot both link to the same previous event.
        if not AuditHead.objects.filter(pk=1).update(seq=F("seq") + 1):
            AuditHead.objects.create(pk=1, seq=1)
        head = AuditHead.objects.get(pk=1)
        if obj is not None:
            object_type = obj._meta.model_name if hasattr(obj, "_meta") else str(obj.__class__.__name__)
            object_id = str(obj.pk)
        fields = dict(
            seq=head.seq,
            at=when,
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            ticket_id=ticket_id,
            before=before,
            after=after,
        )
        digest = event_hash(head.hash, **fields)
        event = Event.objects.create(actor_user=actor_user, prev_hash=head.hash, hash=digest, **fields)
        AuditHead.objects.filter(pk=1).update(hash=digest)
    return event
