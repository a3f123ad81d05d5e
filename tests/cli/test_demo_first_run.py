"""The demo's first run on a fresh clone: a taken port is one line naming it and its flag, links
in its emails follow --host/--port, and the banner lists every login."""

from __future__ import annotations

import re
import socket

import pytest

from tests.cli.test_commands import escalade_cmd

# Its own processes on their own SQLite files, whatever the test database: the SQLite run covers it.
pytestmark = pytest.mark.same_on_every_database


@pytest.fixture
def taken_port():
    """A port something else listens on (like a local mail catcher on 8025)."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


def test_a_taken_mail_port_is_one_line_naming_it_and_the_flag(tmp_path, taken_port):
    out = escalade_cmd("demo", "--port", "0", "--mail-port", str(taken_port), data_dir=tmp_path)
    assert out.returncode != 0
    assert out.stderr.strip().splitlines() == [
        f"escalade: port {taken_port} on 127.0.0.1 (the demo's mail listener; 0 turns it off) is already in use; "
        "choose another with --mail-port PORT"]
    assert out.stdout == ""
    assert not (tmp_path / "escalade.sqlite3").exists()  # said before doing anything


def test_a_taken_web_port_is_one_line_naming_it_and_the_flag(tmp_path, taken_port):
    out = escalade_cmd("demo", "--port", str(taken_port), "--mail-port", "0", data_dir=tmp_path)
    assert out.returncode != 0
    assert out.stderr.strip().splitlines() == [
        f"escalade: port {taken_port} on 127.0.0.1 (the web server) is already in use; choose another with --port PORT"]


def test_links_in_demo_emails_follow_the_demos_port_and_the_banner_lists_every_login(tmp_path):
    out = escalade_cmd("demo", "--no-serve", "--port", "8765", data_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Escalade demo: http://127.0.0.1:8765/" in out.stdout
    query = ("import re; from escalade.notifications.models import OutboxMessage; "
             "from django.contrib.auth.models import User; "
             "print(sorted({u for m in OutboxMessage.objects.all() for u in re.findall(r'https?://[^/ ]+', m.body)})); "
             "print(' '.join(User.objects.values_list('username', flat=True)))")
    links, users = escalade_cmd("manage", "shell", "-c", query, data_dir=tmp_path).stdout.strip().splitlines()[-2:]
    assert links == "['http://127.0.0.1:8765']"
    listed = set(re.findall(r"(\w+) / \1", out.stdout))
    assert listed == set(users.split()) and "max" in listed
