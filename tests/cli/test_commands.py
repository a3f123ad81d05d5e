"""The `escalade` command as a user runs it: in a subprocess, on a fresh data directory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

import escalade


def escalade_cmd(*args, data_dir, env=None, timeout=120):
    full_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    full_env.update({"ESCALADE_DATA_DIR": str(data_dir), **(env or {})})
    return subprocess.run([sys.executable, "-m", "escalade", *args], env=full_env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.same_on_every_database
def test_version_and_help(tmp_path):
    out = escalade_cmd("--version", data_dir=tmp_path)
    assert out.returncode == 0 and out.stdout.strip() == f"escalade {escalade.__version__}"
    helptext = escalade_cmd("--help", data_dir=tmp_path).stdout
    for command in ("demo", "serve", "worker", "manage", "audit"):
        assert command in helptext


@pytest.mark.same_on_every_database
@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL must be postgres://"),
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"EMAIL_PORT": "twenty-five"}, "EMAIL_PORT='twenty-five' is not a whole number"),
    ],
)
def test_invalid_setting_gives_one_clear_line_not_a_traceback(tmp_path, env, expected):
    out = escalade_cmd("audit", "verify", data_dir=tmp_path, env=env)
    assert out.returncode == 2
    assert expected in out.stderr
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


@pytest.mark.same_on_every_database
def test_demo_setup_is_idempotent_and_leaves_an_intact_audit_chain(tmp_path):
    first = escalade_cmd("demo", "--no-serve", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "admin / admin" in first.stdout and "alice / alice" in first.stdout
    count = "from escalade.tickets.models import Ticket; from escalade.orgs.models import Contact; " \
            "print(Ticket.objects.count(), Contact.objects.count())"
    before = escalade_cmd("manage", "shell", "-c", count, data_dir=tmp_path).stdout.split()[-2:]
    again = escalade_cmd("demo", "--no-serve", data_dir=tmp_path)
    assert again.returncode == 0, again.stderr
    after = escalade_cmd("manage", "shell", "-c", count, data_dir=tmp_path).stdout.split()[-2:]
    assert before == after and int(before[0]) > 0
    verify = escalade_cmd("audit", "verify", data_dir=tmp_path)
    assert verify.returncode == 0 and "intact" in verify.stdout


def _email_becomes_a_ticket_with_an_acknowledgement(mail_port: int, data_dir) -> None:
    import smtplib
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "alice@acme.example.com", "support@example.com", "Printer jammed"
    msg["Message-ID"] = "<demo-e2e-1@acme.example.com>"
    msg.set_content("The second-floor printer is jammed again.")
    with smtplib.SMTP("127.0.0.1", mail_port, timeout=10) as smtp:
        smtp.send_message(msg)
    query = ("from escalade.tickets.models import Ticket; from escalade.notifications.models import OutboxMessage; "
             "t = Ticket.objects.filter(subject='Printer jammed').first(); "
             "print(t.channel if t else None, OutboxMessage.objects.filter(ticket=t, kind='ack').count() if t else 0)")
    deadline = time.monotonic() + 30
    while True:  # the worker thread turns the stored message into a ticket within seconds
        out = escalade_cmd("manage", "shell", "-c", query, data_dir=data_dir).stdout.split()
        if out[-2:] == ["email", "1"] or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert out[-2:] == ["email", "1"], out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, ""


@pytest.mark.same_on_every_database
@pytest.mark.e2e
def test_demo_serves_pages_and_api_and_stops_cleanly_on_ctrl_c(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ESCALADE_DATA_DIR"] = str(tmp_path)
    mail_port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "escalade", "demo", "--port", str(port), "--mail-port",
                             str(mail_port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(f"{base}/login/")
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "demo did not start within 60 s"
                time.sleep(0.3)
        assert status == 200 and "password" in body.lower()
        status, body = _get(f"{base}/api/openapi.json")
        assert status == 200 and '"openapi"' in body
        assert _get(f"{base}/admin/login/")[0] == 200
        _email_becomes_a_ticket_with_an_acknowledgement(mail_port, tmp_path)
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, output
    assert "Escalade demo stopped." in output
    assert "Traceback" not in output
