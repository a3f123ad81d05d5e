"""`escalade import django-helpdesk` against a real django-helpdesk 2.6 database (the committed
dump in helpdesk_fixture/, made by scripts/make_helpdesk_fixture.py with the peer installed in its
own venv), run as the command a person types."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from escalade.audit.models import Event
from escalade.cli.main import main
from escalade.orgs.access import Viewer
from escalade.orgs.models import Agent, Contact, Team
from escalade.sla.models import SlaClock
from escalade.tickets.models import Attachment, Message, Status, Ticket
from escalade.tickets.selectors import filter_tickets, visible_tickets
from tests.sla.conftest import apply_example

FIXTURE = Path(__file__).parent / "helpdesk_fixture"


@pytest.fixture
def helpdesk_db(tmp_path) -> str:
    """The fixture dump loaded into a fresh SQLite file; returns its URL."""
    path = tmp_path / "helpdesk.sqlite3"
    con = sqlite3.connect(path)
    con.executescript((FIXTURE / "helpdesk.sql").read_text())
    con.close()
    return f"sqlite:///{path}"


@pytest.fixture
def policy(world):
    world.acme.email_domains = "customer.example.com"
    world.acme.save()
    return apply_example("vioe")


def run_import(url: str, *extra: str) -> int:
    return main(["import", "django-helpdesk", url, "--media", str(FIXTURE / "media"), *extra])


def source_counts(url: str) -> dict[str, int]:
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    counts = {t: con.execute(f"SELECT count(*) FROM helpdesk_{t}").fetchone()[0]
              for t in ("ticket", "followup", "followupattachment")}
    con.close()
    return counts


def test_every_ticket_message_and_attachment_is_imported_and_accounted_for(world, policy, helpdesk_db, capsys):
    assert run_import(helpdesk_db) == 0
    out, err = capsys.readouterr()
    counts = source_counts(helpdesk_db)
    imported = Ticket.objects.exclude(external_ref="")
    assert imported.count() == counts["ticket"] == 8
    assert Message.objects.filter(ticket__in=imported).count() == counts["followup"]
    assert Attachment.objects.filter(message__ticket__in=imported).count() == counts["followupattachment"] == 3
    assert f"tickets           {counts['ticket']} found,      {counts['ticket']} imported" in out
    assert f"followups         {counts['followup']} found" in out
    assert "attachments       3 found,      3 imported" in out
    assert "NOT imported" not in out
    assert "8/8 tickets" in err  # the progress bar


def test_tickets_keep_status_priority_dates_queue_and_old_number(world, policy, helpdesk_db):
    run_import(helpdesk_db)
    vpn = Ticket.objects.get(external_ref="SUP-1")
    assert (vpn.subject, vpn.status, vpn.priority) == ("VPN drops every hour", Status.OPEN, "P2")
    assert vpn.created_at.isoformat() == "2026-10-05T08:00:00+00:00"
    assert vpn.team == Team.objects.get(key="sup")
    assert vpn.organisation == world.acme  # dora@customer.example.com: Acme's mail domain
    assert vpn.requester.email == "dora@customer.example.com"
    assert Ticket.objects.get(external_ref="SUP-2").status == Status.IN_PROGRESS  # reopened
    assert Ticket.objects.get(external_ref="SUP-3").status == Status.RESOLVED
    assert Ticket.objects.get(external_ref="SUP-5").resolution_type == "duplicate"
    assert Ticket.objects.get(external_ref="BILL-6").organisation.slug == "imported-customers"


def test_follow_ups_become_public_replies_or_internal_notes_with_their_files(world, policy, helpdesk_db):
    run_import(helpdesk_db)
    messages = list(Message.objects.filter(ticket__external_ref="SUP-1").order_by("created_at"))
    assert [(m.author_name, m.from_customer, m.is_internal) for m in messages] == [
        ("Anna Agent", False, False), ("Dora Customer", True, False), ("Anna Agent", False, True)]
    [log] = messages[1].attachments.all()
    assert (log.filename, log.content_type) == ("vpn.log", "text/plain")
    assert log.file.read() == next((FIXTURE / "media").rglob("vpn.log")).read_bytes()


def test_staff_become_agents_and_other_users_contacts(world, policy, helpdesk_db):
    run_import(helpdesk_db)
    assert set(Agent.objects.filter(name__endswith="Agent").values_list("user__username", flat=True)) == {
        "anna", "ben", "chloe"}
    assert not Agent.objects.get(user__username="anna").user.has_usable_password()
    assert Contact.objects.filter(email="dora@customer.example.com", organisation=world.acme).exists()


def test_open_tickets_get_clocks_from_their_original_opening_marked_imported(world, policy, helpdesk_db):
    run_import(helpdesk_db)
    vpn = Ticket.objects.get(external_ref="SUP-1")
    clocks = {c.kind: c for c in SlaClock.objects.filter(ticket=vpn)}
    assert clocks and all(c.imported for c in clocks.values())
    assert clocks["resolution_target"].started_at == vpn.created_at
    assert clocks["first_response"].stopped_at.isoformat() == "2026-10-05T09:00:00+00:00"  # Anna's reply
    assert not SlaClock.objects.filter(ticket__external_ref="SUP-3").exists()  # resolved: no clocks
    assert Event.objects.filter(action="ticket.imported").count() == 8


def test_a_rerun_brings_only_what_is_new(world, policy, helpdesk_db, capsys):
    run_import(helpdesk_db)
    con = sqlite3.connect(helpdesk_db.removeprefix("sqlite:///"))
    con.execute("INSERT INTO helpdesk_followup (id, ticket_id, date, title, comment, public, user_id, new_status, "
                "message_id, time_spent) VALUES (99, 1, '2026-10-06 10:00:00', 'Comment', 'Any news?', 1, NULL, "
                "NULL, NULL, NULL)")
    con.commit()
    con.close()
    capsys.readouterr()
    assert run_import(helpdesk_db) == 0
    out, _ = capsys.readouterr()
    assert Ticket.objects.exclude(external_ref="").count() == 8
    assert "tickets           8 found,      0 imported,      8 already here" in out
    assert ",      1 imported" in out.split("followups")[1].splitlines()[0]
    assert Message.objects.filter(ticket__external_ref="SUP-1", body="Any news?").count() == 1


def test_the_old_number_finds_the_ticket_in_search_and_the_api_filter_for_those_who_may_see_it(
        world, policy, helpdesk_db, client):
    run_import(helpdesk_db)
    admin = Viewer.of(world.admin)
    assert [t.external_ref for t in filter_tickets(visible_tickets(admin), q="sup-1")] == ["SUP-1"]
    assert [t.external_ref for t in filter_tickets(visible_tickets(admin), external_ref="BILL-6")] == ["BILL-6"]
    client.force_login(world.admin)
    api = client.get("/api/tickets", {"external_ref": "SUP-1"}).json()
    assert [t["external_ref"] for t in api["items"]] == ["SUP-1"]
    client.force_login(world.ivan.user)  # a contact of Initech: not their ticket
    assert client.get("/api/tickets", {"external_ref": "SUP-1"}).json()["items"] == []


def test_a_mapping_file_names_the_teams_and_categories(world, policy, helpdesk_db, tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("queues:\n  BILL: {team: finance, category: billing}\n")
    assert run_import(helpdesk_db, "--mapping", str(mapping)) == 0
    invoice = Ticket.objects.get(external_ref="BILL-6")
    assert invoice.team.key == "finance"


def test_a_bad_database_url_is_one_clear_line(world, capsys, tmp_path):
    assert main(["import", "django-helpdesk", f"sqlite:///{tmp_path}/nothing.sqlite3"]) == 2
    assert "cannot open the django-helpdesk database" in capsys.readouterr().err
