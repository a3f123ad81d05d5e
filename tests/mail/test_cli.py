"""`escalade mail …` subcommands, run in-process against the test database."""

from __future__ import annotations

import argparse
import io
import sys

import pytest

from escalade.cli import mail as mail_cli
from escalade.cli.errors import CliError
from escalade.mail.models import InboundEmail
from tests.mail.conftest import CORPUS


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="escalade")
    mail_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["mail", *argv])
    return args.handler(args)


def test_ingest_stores_files_once_and_process_turns_them_into_tickets(world, capsys):
    path = CORPUS / "multipart_alternative.eml"
    assert run("ingest", str(path), "--sender", world.alice.email) == 0
    assert run("ingest", str(path)) == 0
    out = capsys.readouterr().out
    assert "stored as inbound email" in out and "already stored as inbound email" in out
    assert run("process") == 0
    assert capsys.readouterr().out == "processed 1 message\n"
    assert InboundEmail.objects.get().ticket.subject == "Printer queue stuck on the 3rd floor"


def test_ingest_reads_a_message_piped_on_standard_input(world, monkeypatch, capsys):
    raw = (CORPUS / "missing_date.eml").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert run("ingest", "--recipient", "support@escalade.example.com") == 0
    row = InboundEmail.objects.get()
    assert (row.source, row.envelope_to, bytes(row.raw)) == ("pipe", "support@escalade.example.com", raw)


def test_ingest_of_a_missing_file_is_one_clear_line(world):
    with pytest.raises(CliError, match="nope.eml: cannot read the file"):
        run("ingest", "nope.eml")


def test_poll_without_mailboxes_says_how_to_add_one(world):
    with pytest.raises(CliError, match="no active mailbox; add one in the admin"):
        run("poll")
    with pytest.raises(CliError, match="no mailbox 'support'"):
        run("poll", "--mailbox", "support")
