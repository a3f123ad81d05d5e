"""The audit log: writers append without a shared lock, the sequencer seals committed events in
order under a signed checkpoint, and `verify_log` names the first bad place of every kind of
tampering (docs/decisions/0002-audit-log.md)."""

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.db import connection

from escalade.audit import signing
from escalade.audit.chain import record
from escalade.audit.models import Checkpoint, Event, LogState
from escalade.audit.sequencer import latest_checkpoint, seal_pending
from escalade.audit.verifier import checkpoint_body, key_id
from escalade.audit.verify import verify_log
from escalade.orgs.access import Viewer
from escalade.tickets import services
from escalade.tickets.models import Status
from tests.factories import seal_audit_log


def _sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("EVENTS", Event._meta.db_table).replace("CHECKPOINTS", Checkpoint._meta.db_table)
                       .replace("STATE", LogState._meta.db_table), params)


@pytest.fixture
def sealed(world):
    """The world's events sealed, then three more changes sealed in a second batch (two checkpoints)."""
    seal_audit_log()
    vera = Viewer.of(world.vera.user)
    services.change_status(vera, world.acme_ticket, Status.IN_PROGRESS)
    services.add_message(vera, world.acme_ticket, body="Looking at it now.")
    seal_audit_log()
    return world


def test_an_event_waits_unsealed_until_the_sequencer_gives_it_its_place(world):
    event = record(actor="Max", action="config.test", obj=world.acme)
    assert event.seq is None and event.leaf_hash == ""
    assert seal_audit_log() == Event.objects.count()
    event.refresh_from_db()
    assert event.seq == Event.objects.count() and len(event.leaf_hash) == 64


def test_sealed_events_are_numbered_in_order_of_commit_under_a_signed_checkpoint(sealed):
    events = list(Event.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [e.pk for e in events] == sorted(e.pk for e in events)
    checkpoint = latest_checkpoint()
    assert checkpoint.tree_size == len(events) == LogState.objects.get().tree_size
    assert Checkpoint.objects.count() == 2  # one per batch
    result = verify_log()
    assert result.ok, result.message
    assert result.checked == len(events)


def test_events_know_their_customer_from_the_ticket(sealed):
    opened = Event.objects.get(action="ticket.opened", ticket_id=sealed.initech_ticket.pk)
    assert opened.organisation_id == sealed.initech.pk
    clocks = Event.objects.filter(ticket_id=sealed.acme_ticket.pk)
    assert set(clocks.values_list("organisation_id", flat=True)) == {sealed.acme.pk}


def test_an_edited_event_is_named(sealed):
    victim = Event.objects.get(action="ticket.opened", ticket_id=sealed.globex_ticket.pk)
    _sql("UPDATE EVENTS SET actor = %s WHERE id = %s", ["Mallory", victim.pk])
    result = verify_log()
    assert not result.ok and result.exit_code == 1
    assert f"event #{victim.seq} (ticket.opened" in result.message and "was altered" in result.message


def test_a_changed_actor_user_is_named(sealed):
    victim = Event.objects.filter(actor_user=sealed.vera.user).first()
    _sql("UPDATE EVENTS SET actor_user_id = %s WHERE id = %s", [sealed.admin.pk, victim.pk])
    result = verify_log()
    assert not result.ok and f"event #{victim.seq} (" in result.message and "was altered" in result.message


def test_a_deleted_event_is_named(sealed):
    victim = Event.objects.get(seq=3)
    _sql("DELETE FROM EVENTS WHERE id = %s", [victim.pk])
    result = verify_log()
    assert not result.ok and result.message.startswith("event #3 is missing")


def test_reordered_events_are_named(sealed):
    a, b = Event.objects.get(seq=2), Event.objects.get(seq=4)
    _sql("UPDATE EVENTS SET seq = -1 WHERE id = %s", [a.pk])
    _sql("UPDATE EVENTS SET seq = 2 WHERE id = %s", [b.pk])
    _sql("UPDATE EVENTS SET seq = 4 WHERE id = %s", [a.pk])
    result = verify_log()
    assert not result.ok
    assert result.message.startswith("event #2 (") and "was sealed as event #4" in result.message


def test_a_deleted_event_with_the_rest_renumbered_is_named(sealed):
    _sql("DELETE FROM EVENTS WHERE seq = 3")
    for seq in range(4, Event.objects.count() + 2):
        _sql("UPDATE EVENTS SET seq = %s WHERE seq = %s", [seq - 1, seq])
    result = verify_log()
    assert not result.ok and result.message.startswith("event #3 (") and "sealed as event #4" in result.message


def test_an_event_edited_and_sealed_again_breaks_the_signed_checkpoint(sealed):
    from escalade.audit.chain import leaf_content
    from escalade.audit.verifier import leaf_hash

    victim = Event.objects.get(seq=2)
    _sql("UPDATE EVENTS SET actor = %s WHERE id = %s", ["Mallory", victim.pk])
    victim.refresh_from_db()
    _sql("UPDATE EVENTS SET leaf_hash = %s WHERE id = %s", [leaf_hash(leaf_content(victim)).hex(), victim.pk])
    result = verify_log()
    first = Checkpoint.objects.order_by("tree_size").first()
    assert not result.ok
    assert result.message.startswith(f"events #1–#{first.tree_size} do not match the checkpoint signed at")


def test_a_tail_cut_off_is_named_against_the_stored_checkpoint(sealed):
    size = Event.objects.count()
    _sql("DELETE FROM EVENTS WHERE seq > %s", [size - 2])
    _sql("UPDATE STATE SET tree_size = %s", [size - 2])
    result = verify_log()
    assert not result.ok
    assert f"the log ends at event #{size - 2}" in result.message
    assert f"#{size - 1}–#{size} were removed" in result.message


def test_a_tail_cut_off_with_its_checkpoints_is_named_against_a_checkpoint_kept_outside(sealed):
    kept = latest_checkpoint().as_dict()
    first = Checkpoint.objects.order_by("tree_size").first()
    _sql("DELETE FROM EVENTS WHERE seq > %s", [first.tree_size])
    _sql("DELETE FROM CHECKPOINTS WHERE tree_size > %s", [first.tree_size])
    _sql("UPDATE STATE SET tree_size = %s", [first.tree_size])
    assert verify_log().ok  # nothing inside shows it ...
    result = verify_log(given=kept)  # ... the auditor's copy does
    assert not result.ok and "the checkpoint you gave covers" in result.message


def test_a_forged_checkpoint_is_named(sealed):
    first = Checkpoint.objects.order_by("tree_size").first()
    _sql("UPDATE CHECKPOINTS SET root_hash = %s WHERE id = %s", ["ab" * 32, first.pk])
    result = verify_log()
    assert not result.ok and "is forged or altered" in result.message and first.timestamp in result.message


def test_a_checkpoint_signed_with_another_key_is_refused(sealed):
    forger = Ed25519PrivateKey.generate()
    cp = {**latest_checkpoint().as_dict(), "tree_size": 999}
    cp["key_id"] = key_id(forger.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    cp["signature"] = base64.b64encode(forger.sign(checkpoint_body(cp))).decode()
    result = verify_log(given=cp)
    assert not result.ok and "the checkpoint you gave is forged or altered" in result.message


def test_events_cannot_be_changed_or_deleted_through_the_orm(world):
    event = Event.objects.first()
    event.actor = "Mallory"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).update(actor="Mallory")
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).delete()


def test_record_keeps_before_and_after_and_utc_time(world):
    event = record(actor="Max", action="config.test", obj=world.acme, before={"plan": "basic"},
                   after={"plan": "premium"})
    event.refresh_from_db()
    assert event.before == {"plan": "basic"} and event.after == {"plan": "premium"}
    assert event.at == world.clock.now()
    assert event.object_type == "organisation" and event.object_id == str(world.acme.pk)
    assert event.organisation_id == world.acme.pk
    seal_audit_log()
    assert verify_log().ok


def test_an_event_about_something_that_is_not_a_row_names_it_by_type_and_id(world):
    event = record(actor="mallory", action="auth.login_failed", object_type="login", object_id="admin",
                   after={"address": "192.0.2.7"})
    assert (event.object_type, event.object_id, event.organisation_id) == ("login", "admin", None)
    seal_audit_log()
    assert verify_log().ok


def test_deleting_a_user_leaves_the_events_they_made_intact(sealed):
    sealed.vera.user.delete()
    assert verify_log().ok


def test_a_second_sequencer_finds_nothing_while_the_first_holds_the_log(world, django_db_blocker):
    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("SQLite has one writer at a time: two sequencers cannot overlap")
    import threading

    from django.db import transaction

    from escalade.audit.sequencer import _lock_state

    seen = []

    def other():
        with django_db_blocker.unblock():
            seen.append(seal_pending(world.clock.now()))
            connection.close()

    with transaction.atomic():
        assert _lock_state() is not None
        # The test runs in a transaction of its own: another connection cannot see its events, and
        # must not wait for its lock either.
        thread = threading.Thread(target=other)
        thread.start()
        thread.join(timeout=10)
    assert seen == [0]


def test_signing_key_is_made_once_and_kept_in_the_data_directory(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("ESCALADE_AUDIT_SIGNING_KEY", raising=False)
    settings.DATA_DIR = tmp_path
    first = signing.public_key_text()
    assert (tmp_path / "audit_signing_key").stat().st_mode & 0o777 == 0o600
    signing._load.cache_clear()
    assert signing.public_key_text() == first


def test_signing_key_can_be_given_by_the_environment(settings, tmp_path, monkeypatch):
    seed = base64.b64encode(bytes(range(32))).decode()
    monkeypatch.setenv("ESCALADE_AUDIT_SIGNING_KEY", seed)
    settings.DATA_DIR = tmp_path
    expected = Ed25519PrivateKey.from_private_bytes(bytes(range(32))).public_key().public_bytes(
        Encoding.Raw, PublicFormat.Raw)
    assert signing.public_key() == expected
    assert not (tmp_path / "audit_signing_key").exists()


def test_the_latest_checkpoint_is_published_as_json_that_verifies(client, sealed):
    from escalade.audit.verifier import verify_checkpoint

    body = client.get("/audit/checkpoint").json()
    assert body["tree_size"] == Event.objects.count()
    verify_checkpoint(body, base64.b64decode(body["public_key"]))
    assert json.loads(json.dumps(body)) == body
