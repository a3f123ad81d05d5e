"""`escalade export DIR` then `escalade import escalade DIR` into an empty instance: the same
tickets, messages, attachments and the rest, and the audit trail, whose events still verify against
their signed checkpoints."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.forms.models import model_to_dict

from escalade.audit.models import Checkpoint, Event
from escalade.audit.sequencer import seal_pending
from escalade.audit.verify import verify_log
from escalade.cli.main import main
from escalade.orgs.access import Viewer
from escalade.orgs.models import Organisation
from escalade.sla.models import SlaClock
from escalade.tickets import services
from escalade.tickets.models import Attachment, Message, Ticket
from escalade.webhooks.models import Subscription
from escalade.webhooks.services import subscribe
from tests.sla.conftest import apply_example


def snapshot() -> dict:
    def rows(qs):
        return [model_to_dict(o) | {"pk": o.pk} for o in qs.order_by("pk")]

    return {
        "tickets": rows(Ticket.objects.all()),
        "messages": rows(Message.objects.all()),
        "attachments": [(a.pk, a.message_id, a.filename, a.file.name, a.file.read()) for a in
                        Attachment.objects.order_by("pk")],
        "clocks": rows(SlaClock.objects.all()),
        "organisations": rows(Organisation.objects.all()),
        "subscriptions": rows(Subscription.objects.all()),
        "audit": rows(Event.objects.exclude(action="data.imported")),
        "checkpoints": rows(Checkpoint.objects.all()),
    }


@pytest.fixture
def busy(world):
    apply_example("vioe")
    vera = Viewer.of(world.vera.user)
    ticket = services.open_ticket(Viewer.of(world.alice.user), organisation=world.acme, subject="Export me",
                                  description="Round trip", priority="P2")
    services.add_message(vera, ticket, body="Here is the log.",
                         attachments=[SimpleUploadedFile("trace.txt", b"line 1\nline 2\n", "text/plain")])
    services.add_message(vera, ticket, body="Internal: vendor bug 123", internal=True)
    services.update_ticket(vera, ticket, level=world.levels["L2"])
    subscribe(Viewer.of(world.admin), name="PSA", url="https://psa.example.com/hook", event_types=["ticket.created"])
    while seal_pending(world.clock.now()):  # the sequencer seals the trail and signs a checkpoint
        pass
    return ticket


def export_flush_import(directory, edit=None) -> dict:
    assert main(["export", str(directory)]) == 0
    manifest = json.loads((directory / "manifest.json").read_text())
    if edit:
        edit(directory)
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    assert not Ticket.objects.exists() and not Event.objects.exists()
    assert main(["import", "escalade", str(directory)]) == 0
    return manifest


@pytest.mark.django_db(transaction=True)  # flush empties the database as a new instance's would be
def test_an_export_imported_into_an_empty_instance_gives_the_same_tickets_and_messages(busy, tmp_path, capsys):
    before = snapshot()
    assert len(before["tickets"]) == 4 and len(before["messages"]) == 2 and len(before["attachments"]) == 1
    assert before["audit"] and before["checkpoints"]
    manifest = export_flush_import(tmp_path / "out")
    assert manifest["counts"]["tickets.ticket"] == 4
    assert (tmp_path / "out" / "files" / before["attachments"][0][3]).read_bytes() == b"line 1\nline 2\n"
    assert snapshot() == before
    assert Event.objects.filter(action="data.imported").count() == 1
    # New rows continue after the imported ids.
    again = services.open_ticket(Viewer.system("test"), organisation=Organisation.objects.get(slug="acme"),
                                 subject="After the import", description="x")
    assert again.pk > max(t["pk"] for t in before["tickets"])


@pytest.mark.django_db(transaction=True)
def test_the_imported_audit_trail_verifies_against_its_signed_checkpoint(busy, tmp_path):
    manifest = export_flush_import(tmp_path / "out")
    result = verify_log(public_key=base64.b64decode(manifest["audit_public_key"]))
    assert result.ok, result.message
    assert result.checked >= Checkpoint.objects.order_by("-tree_size").first().tree_size


@pytest.mark.django_db(transaction=True)
def test_an_audit_event_edited_in_the_export_fails_verification(busy, tmp_path):
    def edit(directory):
        path = directory / "audit.event.jsonl"
        lines = path.read_text().splitlines()
        row = json.loads(lines[0])
        row["fields"]["actor"] = "someone else"
        path.write_text("\n".join([json.dumps(row), *lines[1:]]) + "\n")

    manifest = export_flush_import(tmp_path / "out", edit=edit)
    result = verify_log(public_key=base64.b64decode(manifest["audit_public_key"]))
    assert not result.ok and "#1" in result.message


def test_each_kind_is_one_json_lines_file(busy, tmp_path):
    main(["export", str(tmp_path / "out")])
    lines = (tmp_path / "out" / "tickets.ticket.jsonl").read_text().splitlines()
    first = json.loads(lines[0])
    assert set(first) == {"pk", "fields"} and first["fields"]["subject"] == "Acme VPN down"
    assert (tmp_path / "out" / "tickets.message.jsonl").exists()
    assert (tmp_path / "out" / "audit.checkpoint.jsonl").exists()


def test_importing_into_an_instance_with_data_is_refused_with_one_line(busy, tmp_path, capsys):
    main(["export", str(tmp_path / "out")])
    capsys.readouterr()
    assert main(["import", "escalade", str(tmp_path / "out")]) == 2
    assert "already has data" in capsys.readouterr().err


def test_exporting_into_a_folder_with_files_is_refused(busy, tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    assert main(["export", str(tmp_path / "out")]) == 2
    assert "is not empty" in capsys.readouterr().err
