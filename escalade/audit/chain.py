"""Writing to the audit log: `record()` is the one way in; `leaf_content()` is what gets sealed.

`record()` inserts the event in the caller's transaction, so it commits or rolls back with the
change, and takes no lock another writer waits for: the sequencer gives it its place in the log
once it has committed (audit/sequencer.py)."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json

from escalade import clock
from escalade.audit.models import Event


def _jsonable(data: dict | None) -> dict:
    return json.loads(json.dumps(data or {}, default=str))


def _organisation_of(obj) -> int | None:
    """The customer an object belongs to, when the object says so without a query."""
    if obj is None or not hasattr(obj, "_meta"):
        return None
    if obj._meta.model_name == "organisation":
        return obj.pk
    if getattr(obj, "organisation_id", None) is not None:
        return obj.organisation_id
    ticket = obj._state.fields_cache.get("ticket")
    return getattr(ticket, "organisation_id", None)


def new_event(*, actor: str, action: str, obj=None, before: dict | None = None, after: dict | None = None,
              actor_user=None, ticket_id: int | None = None, at: dt.datetime | None = None,
              object_type: str = "", object_id: str = "", organisation_id: int | None = None) -> Event:
    """An unsaved event (for `record` and for writers that insert many at once with bulk_create)."""
    if obj is not None:
        object_type = obj._meta.model_name if hasattr(obj, "_meta") else type(obj).__name__
        object_id = str(obj.pk)
    return Event(
        at=(at or clock.now()).astimezone(dt.UTC),
        actor=actor[:200],
        actor_user_id=getattr(actor_user, "pk", None),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        ticket_id=ticket_id,
        organisation_id=organisation_id if organisation_id is not None else _organisation_of(obj),
        before=_jsonable(before),
        after=_jsonable(after),
    )


_collecting: contextvars.ContextVar[list[Event] | None] = contextvars.ContextVar("audit_collecting", default=None)


@contextlib.contextmanager
def collected():
    """Within the block, `record()` keeps its events and inserts them all in one statement when the
    block ends (inside the caller's transaction, in the order recorded). For a write path that makes
    several events at once (opening a ticket: opened, clocks started); nothing in the block may read
    the events back. Nested blocks join the outermost."""
    if _collecting.get() is not None:
        yield
        return
    events: list[Event] = []
    token = _collecting.set(events)
    try:
        yield
    finally:
        _collecting.reset(token)
    if events:
        Event.objects.bulk_create(events)


def record(**fields) -> Event:
    """Append one event: who (`actor`, `actor_user`), what (`action` on `obj`), when (`at`, default
    now), the ticket and customer it concerns, and the values before and after.

    `obj` is a model instance; for something that is not a row (a sign-in attempt, say) pass
    `object_type` and `object_id` instead. The customer is taken from `obj` when it says
    (`organisation_id`), else from the ticket when the event is sealed. Runs inside the caller's
    transaction."""
    event = new_event(**fields)
    events = _collecting.get()
    if events is not None:
        events.append(event)
    else:
        event.save()
    return event


def leaf_content(event: Event) -> dict:
    """What the log seals of an event, as plain JSON values (verifier.leaf_hash hashes it)."""
    return {
        "seq": event.seq,
        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": event.actor,
        "actor_user": event.actor_user_id,
        "action": event.action,
        "object": f"{event.object_type}:{event.object_id}",
        "ticket": event.ticket_id,
        "organisation": event.organisation_id,
        "before": event.before,
        "after": event.after,
    }
