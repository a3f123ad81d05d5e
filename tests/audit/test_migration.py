"""Upgrading from the hash-chained audit trail (audit 0001): the events carry over in their order,
with their customer, and the sequenced log verifies once the sequencer has signed its first
checkpoint."""

import datetime as dt
import hashlib
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from escalade.audit.models import Checkpoint, Event
from escalade.audit.verify import verify_log
from escalade.orgs.models import Organisation
from escalade.tickets.models import Ticket
from tests.factories import seal_audit_log

OLD = [("audit", "0001_initial")]


def _latest():
    """Back to the newest audit migration (not 0002 by name: later migrations must be applied again
    too, or the processes other tests start find the database behind)."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes("audit")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def _old_chain_hash(prev: str, **fields) -> str:
    # escalade.audit.chain.event_hash before the sequenced log.
    payload = json.dumps({"seq": fields["seq"], "at": fields["at"].isoformat(timespec="microseconds"),
                          "actor": fields["actor"], "action": fields["action"],
                          "object": f"{fields['object_type']}:{fields['object_id']}", "ticket": fields["ticket_id"],
                          "before": {}, "after": fields["after"]}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev + payload).encode()).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_an_old_hash_chain_carries_over_in_order_and_verifies():
    org = Organisation.objects.create(name="Legacy Ltd", slug="legacy")
    at = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
    ticket = Ticket.objects.create(organisation=org, subject="Old", description="Old", created_at=at, updated_at=at)
    try:
        old = _migrate(OLD)
        old_event, head = old.get_model("audit", "Event"), old.get_model("audit", "AuditHead")
        prev = ""
        for seq, action in enumerate(["ticket.opened", "sla.clocks_started", "ticket.replied"], start=1):
            fields = dict(seq=seq, at=at + dt.timedelta(minutes=seq), actor="Vera", action=action,
                          object_type="ticket", object_id=str(ticket.pk), ticket_id=ticket.pk, after={"n": seq})
            digest = _old_chain_hash(prev, **fields)
            old_event.objects.create(prev_hash=prev, hash=digest, before={}, **fields)
            prev = digest
        head.objects.create(pk=1, seq=3, hash=prev)
    finally:
        _migrate(_latest())

    events = list(Event.objects.order_by("seq"))
    assert [(e.seq, e.action) for e in events] == [(1, "ticket.opened"), (2, "sla.clocks_started"),
                                                  (3, "ticket.replied")]
    assert {e.organisation_id for e in events} == {org.pk}
    assert all(len(e.leaf_hash) == 64 for e in events)
    seal_audit_log()  # signs the first checkpoint of the carried-over tree
    assert Checkpoint.objects.get().tree_size == 3
    result = verify_log()
    assert result.ok and result.checked == 3, result.message
