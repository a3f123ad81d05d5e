"""The sequencer: gives committed audit events their place in the log, in batches, and signs a
checkpoint after each batch (like Trillian's log sequencer; docs/decisions/0002-audit-log.md).

Only one sequencer works at a time: it holds the `LogState` row (PostgreSQL: FOR UPDATE SKIP
LOCKED, so a second worker's sweep simply finds nothing to do; SQLite: the one write transaction).
Writers never touch that row. A batch — sequence numbers, leaf hashes, the tree's new frontier and
the signed checkpoint — commits in one transaction, so a sequencer killed mid-batch leaves no trace
and the next one seals the same events again, once."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from escalade import clock
from escalade.audit import merkle, signing, verifier
from escalade.audit.chain import leaf_content
from escalade.audit.models import Checkpoint, Event, LogState
from escalade.db import update_rows

BATCH = 5000


def origin() -> str:
    """The name the checkpoints carry: ESCALADE_AUDIT_ORIGIN, else the site's host + "/audit"."""
    return settings.ESCALADE_AUDIT_ORIGIN or f"{urlsplit(settings.SITE_URL).netloc or 'escalade'}/audit"


def _lock_state() -> LogState | None:
    """The log's state row, locked for this transaction; None while another sequencer holds it."""
    locked = LogState.objects.filter(pk=1)
    if connection.features.has_select_for_update_skip_locked:
        locked = locked.select_for_update(skip_locked=True)
    state = locked.first()
    if state is None and not LogState.objects.filter(pk=1).exists():
        LogState.objects.get_or_create(pk=1)  # the first run, or a flushed database
        state = locked.first()
    return state


def _fill_organisations(events: list[Event]) -> None:
    """Events about a ticket belong to its customer (writers leave it to us when it costs a query)."""
    missing = {e.ticket_id for e in events if e.organisation_id is None and e.ticket_id is not None}
    if not missing:
        return
    ticket_model = apps.get_model("tickets", "Ticket")
    owners = dict(ticket_model.objects.filter(pk__in=missing).values_list("pk", "organisation_id"))
    for e in events:
        if e.organisation_id is None and e.ticket_id is not None:
            e.organisation_id = owners.get(e.ticket_id)


def seal_pending(now: dt.datetime, batch: int = BATCH) -> int:
    """Worker sweep: seal up to `batch` committed events (oldest first) and sign a checkpoint of the
    grown tree. Returns how many events were sealed."""
    with transaction.atomic():
        state = _lock_state()
        if state is None:
            return 0
        pending = list(Event.objects.filter(seq__isnull=True).order_by("id")[:batch])
        if pending:
            _seal(state, pending, now)
        if state.tree_size and not Checkpoint.objects.filter(tree_size=state.tree_size).exists():
            sign_checkpoint(state)
    return len(pending)


def _seal(state: LogState, events: list[Event], now: dt.datetime) -> None:
    _fill_organisations(events)
    leaves = []
    for seq, event in enumerate(events, start=state.tree_size + 1):
        event.seq, event.sequenced_at = seq, now
        leaf = verifier.leaf_hash(leaf_content(event))
        event.leaf_hash = leaf.hex()
        leaves.append(leaf)
    # Events refuse updates through their own manager; the sequencer is the one writer that seals them.
    update_rows(Event, ["seq", "leaf_hash", "organisation_id", "sequenced_at"],
                [(e.pk, e.seq, e.leaf_hash, e.organisation_id, now) for e in events])
    frontier, size = merkle.extend([bytes.fromhex(h) for h in state.frontier], state.tree_size, leaves)
    state.frontier = [h.hex() for h in frontier]
    state.tree_size = size
    state.root_hash = merkle.frontier_root(frontier).hex()
    state.save(update_fields=["frontier", "tree_size", "root_hash"])


def sign_checkpoint(state: LogState) -> Checkpoint:
    """Sign and keep a checkpoint of the tree as `state` describes it."""
    cp = {"origin": origin(), "tree_size": state.tree_size, "root_hash": state.root_hash,
          "timestamp": clock.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
    return Checkpoint.objects.create(**cp, key_id=signing.key_id(),
                                     signature=signing.sign(verifier.checkpoint_body(cp)))


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-tree_size").first()
