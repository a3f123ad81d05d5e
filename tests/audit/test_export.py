"""An organisation's audit bundle: its events with inclusion proofs against a signed checkpoint, checked
offline by the shipped verifier (one file, standard library + cryptography), failing after any
one-byte change, and holding nothing of another organisation."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from escalade.audit import verifier
from escalade.audit.export import organisation_bundle
from escalade.audit.models import Event
from escalade.audit.verifier import VerificationError, verify_bundle
from escalade.orgs.access import Viewer
from escalade.tickets import services
from tests.factories import seal_audit_log

VERIFIER = Path(verifier.__file__)


def _bundle(org) -> bytes:
    return organisation_bundle(organisation_id=org.pk, key=org.slug, name=org.name, actor="test")


@pytest.fixture
def busy(world):
    """Events of every organisation, sealed."""
    vera = Viewer.of(world.vera.user)
    for ticket in (world.acme_ticket, world.globex_ticket, world.initech_ticket):
        services.add_message(vera, ticket, body=f"On it: {ticket.subject}")
    seal_audit_log()
    return world


def test_a_bundle_holds_every_sealed_event_of_the_organisation_and_verifies(busy):
    raw = _bundle(busy.acme)
    bundle = verify_bundle(raw)
    acme_events = Event.objects.filter(organisation_id=busy.acme.pk, seq__isnull=False)
    assert [e["seq"] for e in bundle["events"]] == sorted(acme_events.values_list("seq", flat=True))
    assert {e["content"]["organisation"] for e in bundle["events"]} == {busy.acme.pk}


def test_a_bundle_holds_nothing_of_another_organisation(busy):
    raw = _bundle(busy.acme)
    text = raw.decode()
    for other in (busy.globex_ticket, busy.initech_ticket):
        assert other.subject not in text
        assert f'"ticket":{other.pk},' not in text
    assert "Globex" not in text and "Initech" not in text


def test_the_shipped_verifier_checks_a_bundle_on_its_own(busy, tmp_path):
    alone = tmp_path / "auditor"
    alone.mkdir()
    shutil.copy(VERIFIER, alone / "verifier.py")  # no Escalade next to it
    (alone / "bundle.json").write_bytes(_bundle(busy.acme))
    key = json.loads((alone / "bundle.json").read_text())["public_key"]
    done = subprocess.run([sys.executable, "-I", "verifier.py", "--public-key", key, "bundle.json"], cwd=alone,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "verified:" in done.stdout and "Acme" in done.stdout


def test_any_one_byte_change_makes_the_bundle_fail(world):
    seal_audit_log()
    raw = _bundle(world.acme)
    verify_bundle(raw)
    for position in range(len(raw)):
        changed = bytearray(raw)
        changed[position] ^= 0x01
        with pytest.raises(VerificationError):
            verify_bundle(bytes(changed))


def test_the_verifier_exits_1_on_a_changed_bundle_and_2_when_it_cannot_read_it(busy, tmp_path):
    raw = bytearray(_bundle(busy.acme))
    raw[raw.index(b'"actor":"') + 9] ^= 0x01
    (tmp_path / "bundle.json").write_bytes(bytes(raw))
    assert verifier.main([str(tmp_path / "bundle.json")]) == 1
    assert verifier.main([str(tmp_path / "missing.json")]) == 2


def test_a_bundle_signed_by_another_key_than_the_trusted_one_fails(busy):
    import base64

    raw = _bundle(busy.acme)
    with pytest.raises(VerificationError, match="another public key"):
        verify_bundle(raw, public_key=base64.b64decode(base64.b64encode(bytes(32))))


def test_a_later_bundle_proves_its_log_extends_an_earlier_one(busy):
    first = verify_bundle(_bundle(busy.acme))
    services.add_message(Viewer.of(busy.vera.user), busy.globex_ticket, body="Another day")
    seal_audit_log()
    second = _bundle(busy.acme)
    verify_bundle(second, previous=first)
    assert json.loads(second)["consistency"][0]["from_size"] == first["checkpoint"]["tree_size"]


def test_a_later_log_that_changed_an_old_event_cannot_prove_it_extends_the_earlier_bundle(busy):
    from django.db import connection

    from escalade.audit import export
    from escalade.audit.chain import leaf_content
    from escalade.audit.verifier import leaf_hash

    first = verify_bundle(_bundle(busy.acme))
    # An insider rewrites an old event, seals it again, and recomputes the tree and a new checkpoint.
    victim = Event.objects.get(seq=1)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET actor = 'Mallory' WHERE id = %s", [victim.pk])
        victim.refresh_from_db()
        cursor.execute("UPDATE audit_event SET leaf_hash = %s WHERE id = %s",
                       [leaf_hash(leaf_content(victim)).hex(), victim.pk])
        cursor.execute("DELETE FROM audit_checkpoint")
        cursor.execute("DELETE FROM audit_logstate")
        cursor.execute("UPDATE audit_event SET seq = NULL, leaf_hash = ''")
    export._tree.cache_clear()
    services.add_message(Viewer.of(busy.vera.user), busy.globex_ticket, body="Another day")
    seal_audit_log()
    with pytest.raises(VerificationError, match="does not extend the tree"):
        verify_bundle(_bundle(busy.acme), previous=first)


def test_export_is_audited(busy):
    _bundle(busy.acme)
    exported = Event.objects.get(action="audit.exported")
    assert exported.organisation_id == busy.acme.pk and exported.after["tree_size"] > 0


def test_the_cli_writes_a_bundle_that_verifies(busy, tmp_path):
    from escalade.cli.main import main

    out = tmp_path / "acme.json"
    assert main(["audit", "export", "--organisation", busy.acme.slug, "-o", str(out)]) == 0
    verify_bundle(out.read_bytes())
