"""`escalade backup` then `escalade restore` into an empty database and data directory gives the
same tickets and the same attachments, and `escalade audit verify` still passes. On the database
the suite runs on: SQLite (online backup API) or PostgreSQL (pg_dump/pg_restore)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from django.db import connection

ADD_ATTACHMENT = """
from django.core.files.uploadedfile import SimpleUploadedFile
from escalade.orgs.access import Viewer
from escalade.tickets import services
from escalade.tickets.models import Ticket
ticket = Ticket.objects.order_by("pk").first()
alice = ticket.organisation.contacts.get(user__username="alice") if ticket.organisation.slug == "acme" else None
viewer = Viewer.of((alice or ticket.requester).user)
services.add_message(viewer, ticket, body="Logs attached", attachments=[
    SimpleUploadedFile("vpn.log", b"tunnel down at 09:14\\x00\\xff binary too", content_type="text/plain")])
"""

SNAPSHOT = """
import hashlib
from escalade.tickets.models import Attachment, Ticket
for t in Ticket.objects.order_by("pk"):
    print("ticket", t.number, t.status, t.priority, t.subject)
for a in Attachment.objects.order_by("pk"):
    print("file", a.message.ticket.number, a.filename, a.size, hashlib.sha256(a.file.read()).hexdigest())
"""


def escalade(*args, env: dict) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # serve and worker would refuse the generated secret key of production mode.
    full_env.update({"ESCALADE_ENV": "development", **env})
    return subprocess.run([sys.executable, "-m", "escalade", *args], env=full_env, capture_output=True, text=True,
                          timeout=300)


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def two_installations(tmp_path, db):
    """(source env, target env): two data directories and, on PostgreSQL, two fresh databases."""
    source, target = {"ESCALADE_DATA_DIR": str(tmp_path / "source")}, {"ESCALADE_DATA_DIR": str(tmp_path / "target")}
    if connection.vendor != "postgresql":
        yield source, target
        return
    import psycopg

    settings = connection.settings_dict
    server = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
    names = [f"h_backup_{uuid.uuid4().hex[:8]}_{side}" for side in ("src", "dst")]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    source["DATABASE_URL"], target["DATABASE_URL"] = (f"{server}/{name}" for name in names)
    try:
        yield source, target
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_and_restore_give_the_same_tickets_attachments_and_an_intact_audit_trail(tmp_path, two_installations):
    source, target = two_installations
    ok(escalade("demo", "--no-serve", env=source))
    ok(escalade("manage", "shell", "-c", ADD_ATTACHMENT, env=source))
    ok(escalade("worker", "--once", env=source))  # seals the audit log: signed with audit_signing_key
    before = ok(escalade("manage", "shell", "-c", SNAPSHOT, env=source))
    assert "file" in before and before.count("ticket ") >= 4

    archive = tmp_path / "escalade-backup.tar.gz"
    out = ok(escalade("backup", str(archive), env=source))
    assert "1 uploaded files, secret_key" in out

    restored = escalade("restore", str(archive), env=target)
    assert restored.returncode == 0, restored.stderr
    assert ok(escalade("manage", "shell", "-c", SNAPSHOT, env=target)) == before
    verify = escalade("audit", "verify", env=target)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    keys = [name for name in ("secret_key", "audit_signing_key") if (tmp_path / "source" / name).exists()]
    assert keys == ["secret_key", "audit_signing_key"]
    for name in keys:
        assert name in out
        assert (tmp_path / "target" / name).read_bytes() == (tmp_path / "source" / name).read_bytes()


def test_restore_refuses_a_database_that_already_has_tables(tmp_path, two_installations):
    source, target = two_installations
    ok(escalade("manage", "migrate", env=source))
    archive = tmp_path / "escalade-backup.tar.gz"
    ok(escalade("backup", str(archive), env=source))
    again = escalade("restore", str(archive), env=source)
    assert again.returncode != 0 and "Traceback" not in again.stderr
    assert again.stderr.strip().splitlines() == [
        "escalade: the database already has tables: restore into an empty database, or pass --replace to overwrite it"]


def test_restore_of_something_else_is_one_line(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    result = escalade("restore", str(junk), env={"ESCALADE_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1 and "is not an Escalade backup archive" in result.stderr
