"""The audit log from outside: the customer's download on the portal (primary contacts of their own
organisation only), and `escalade audit` with its exit codes (0 intact, 1 tampered, 2 could not check)."""

import json
import os
import subprocess
import sys

from django.db import connection

from escalade.audit.models import Event
from escalade.audit.verifier import verify_bundle
from escalade.cli.main import main
from tests.factories import seal_audit_log


def test_a_primary_contact_downloads_their_organisations_audit_trail(client, world):
    seal_audit_log()
    client.force_login(world.alice.user)
    assert "Download audit trail" in client.get("/audit/").content.decode()
    response = client.post("/audit/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="escalade-audit-acme-')
    bundle = verify_bundle(response.content)
    assert bundle["organisation"]["name"] == "Acme"
    assert {e["content"]["organisation"] for e in bundle["events"]} == {world.acme.pk}


def test_other_people_cannot_download_an_audit_trail(client, world):
    seal_audit_log()
    for user in (world.bob.user, world.vera.user, world.pat.user):  # not primary; an agent; a partner agent
        client.force_login(user)
        assert client.get("/audit/").status_code == 403
        assert client.post("/audit/export/").status_code == 403
    client.logout()
    assert client.post("/audit/export/").status_code == 302  # to the login page


def test_the_audit_link_shows_only_for_primary_contacts(client, world):
    client.force_login(world.alice.user)
    assert 'href="/audit/"' in client.get("/").content.decode()
    client.force_login(world.bob.user)
    assert 'href="/audit/"' not in client.get("/").content.decode()


def test_audit_verify_exits_0_when_intact_and_1_naming_the_event_when_tampered(world, capsys):
    seal_audit_log()
    assert main(["audit", "verify"]) == 0
    assert "audit log intact: 3 events" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET actor = 'Mallory' WHERE seq = 2")
    assert main(["audit", "verify"]) == 1
    assert "event #2 (ticket.opened" in capsys.readouterr().out


def test_audit_verify_against_a_checkpoint_file(world, tmp_path, capsys):
    seal_audit_log()
    assert main(["audit", "checkpoint"]) == 0
    kept = tmp_path / "checkpoint.json"
    kept.write_text(capsys.readouterr().out)
    assert main(["audit", "verify", "--checkpoint", str(kept)]) == 0
    forged = json.loads(kept.read_text())
    forged["tree_size"] = 2
    kept.write_text(json.dumps(forged))
    assert main(["audit", "verify", "--checkpoint", str(kept)]) == 1
    assert "the checkpoint you gave is forged or altered" in capsys.readouterr().out


def test_audit_verify_exits_2_in_one_line_when_the_database_is_unreachable(tmp_path):
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none", "ESCALADE_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "escalade", "audit", "verify"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("could not check:") and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_audit_verify_exits_2_without_the_signing_key(world, settings, tmp_path, monkeypatch, capsys):
    from escalade.audit import signing

    seal_audit_log()
    monkeypatch.delenv("ESCALADE_AUDIT_SIGNING_KEY", raising=False)
    settings.DATA_DIR = tmp_path / "empty"
    signing._load.cache_clear()
    assert main(["audit", "verify"]) == 2
    assert "no audit signing key" in capsys.readouterr().err


def test_audit_seal_seals_what_waits(world, capsys):
    assert main(["audit", "seal"]) == 0
    assert "sealed 3 events" in capsys.readouterr().out
    assert not Event.objects.filter(seq__isnull=True).exists()
