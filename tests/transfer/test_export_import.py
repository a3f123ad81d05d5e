"""`escalade export DIR` then `escalade import escalade DIR` into an empty instance: the same
tickets, messages, attachments and the rest (the audit trail is not exported yet)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.forms.models import model_to_dict

from escalade.audit.models import Event
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
    return ticket


@pytest.mark.django_db(transaction=True)  # flush empties the database as a new instance's would be
def test_an_export_imported_into_an_empty_instance_gives_the_same_tickets_and_messages(busy, tmp_path, capsys):
    before = snapshot()
    assert len(before["tickets"]) == 4 and len(before["messages"]) == 2 and len(before["attachments"]) == 1
    assert main(["export", str(tmp_path / "out")]) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["counts"]["tickets.ticket"] == 4
    assert (tmp_path / "out" / "files" / before["attachments"][0][3]).read_bytes() == b"line 1\nline 2\n"

    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    assert not Ticket.objects.exists()

    assert main(["import", "escalade", str(tmp_path / "out")]) == 0
    assert snapshot() == before
    assert Event.objects.filter(action="data.imported").count() == 1
    # New rows continue after the imported ids.
    again = services.open_ticket(Viewer.system("test"), organisation=Organisation.objects.get(slug="acme"),
                                 subject="After the import", description="x")
    assert again.pk > max(t["pk"] for t in before["tickets"])


def test_each_kind_is_one_json_lines_file(busy, tmp_path):
    main(["export", str(tmp_path / "out")])
    lines = (tmp_path / "out" / "tickets.ticket.jsonl").read_text().splitlines()
    first = json.loads(lines[0])
    assert set(first) == {"pk", "fields"} and first["fields"]["subject"] == "Acme VPN down"
    assert (tmp_path / "out" / "tickets.message.jsonl").exists()
    assert not list((tmp_path / "out").glob("audit.*"))


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
