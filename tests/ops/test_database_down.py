"""With the database unreachable: the worker logs one line per retry with a growing pause and
`worker --once` exits non-zero; the web answers 503 (JSON under /api/, a plain page elsewhere);
commands on a fresh data directory say to run `escalade manage migrate` first.

The unreachable databases: PostgreSQL on a closed port of 127.0.0.1, and SQLite in a directory
that does not exist."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UNREACHABLE = {
    "postgresql": lambda tmp: "postgres://escalade@127.0.0.1:{port}/escalade",
    "sqlite": lambda tmp: f"sqlite:///{tmp}/no-such-directory/escalade.sqlite3",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unreachable_url(kind: str, tmp_path) -> str:
    return UNREACHABLE[kind](tmp_path).format(port=free_port())  # nothing listens on a port just freed


def escalade(*args, env: dict, **kwargs):
    full_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # serve and worker would refuse the generated secret key of production mode.
    full_env.update({"ESCALADE_ENV": "development", **env})
    return subprocess.Popen([sys.executable, "-m", "escalade", *args], env=full_env, text=True, **kwargs)


@pytest.mark.same_on_every_database
@pytest.mark.parametrize("kind", UNREACHABLE)
def test_worker_once_exits_non_zero_with_one_line(tmp_path, kind):
    proc = escalade("worker", "--once", env={"ESCALADE_DATA_DIR": str(tmp_path),
                                             "DATABASE_URL": unreachable_url(kind, tmp_path)},
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert "the database does not answer" in err


@pytest.mark.same_on_every_database
@pytest.mark.parametrize("kind", UNREACHABLE)
@pytest.mark.parametrize("command", [["policy", "versions"], ["policy", "apply", "examples/policies/vioe.yaml"]])
def test_other_commands_say_in_one_line_that_the_database_does_not_answer(tmp_path, kind, command):
    proc = escalade(*command, env={"ESCALADE_DATA_DIR": str(tmp_path), "DATABASE_URL": unreachable_url(kind, tmp_path)},
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("escalade: the database does not answer: "), err


@pytest.mark.same_on_every_database
@pytest.mark.parametrize("kind", UNREACHABLE)
def test_long_running_worker_logs_one_json_line_per_retry_with_a_growing_pause(tmp_path, kind):
    proc = escalade("worker", env={"ESCALADE_DATA_DIR": str(tmp_path), "LOG_FORMAT": "json",
                                   "DATABASE_URL": unreachable_url(kind, tmp_path)},
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    lines: list[str] = []
    try:
        while len([line for line in lines if "retrying" in line]) < 3:
            line = proc.stderr.readline()
            assert line, f"the worker stopped: {lines}"
            lines.append(line)
    finally:
        proc.terminate()
        rest = proc.communicate(timeout=30)[1]
    logged = [json.loads(line) for line in lines if line.startswith("{")]
    assert [entry["level"] for entry in logged] == ["ERROR"] * 3
    pauses = [entry["message"].split("retrying in ")[1].split(" s")[0] for entry in logged]
    assert pauses == ["1", "2", "4"]
    assert all("the database does not answer" in entry["message"] for entry in logged)
    assert "Traceback" not in "".join(lines) + rest


def _get(url: str, headers: dict | None = None) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["Content-Type"], err.read().decode()


@pytest.mark.same_on_every_database
@pytest.mark.parametrize("kind", UNREACHABLE)
def test_web_answers_503_json_for_the_api_and_a_plain_page_elsewhere(tmp_path, kind):
    port = free_port()
    proc = escalade("serve", "--port", str(port), env={"ESCALADE_DATA_DIR": str(tmp_path),
                                                       "DATABASE_URL": unreachable_url(kind, tmp_path)},
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = _get(f"{base}/healthz")
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline, "serve did not start within 60 s"
                time.sleep(0.3)
        assert status == 200
        status, content_type, body = _get(f"{base}/api/tickets", {"Authorization": "Bearer esc_x"})
        assert status == 503 and content_type == "application/json"
        assert json.loads(body) == {"code": "unavailable", "fields": {},
                                    "message": "The database is unavailable; try again in a minute."}
        status, content_type, body = _get(f"{base}/status/")
        assert status == 503 and content_type.startswith("text/html")
        assert "The database is unavailable" in body
        status, _, body = _get(f"{base}/readyz")
        assert status == 503 and json.loads(body)["checks"]["database"]["ok"] is False
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


@pytest.mark.same_on_every_database
@pytest.mark.parametrize("command", [
    ["policy", "apply", "examples/policies/vioe.yaml"],
    ["policy", "versions"],
    ["monitoring", "check"],
    ["worker", "--once"],
    ["serve"],
    ["mail", "listen", "--port", "0"],
])
def test_commands_on_a_fresh_data_directory_say_to_migrate_first(tmp_path, command):
    proc = escalade(*command, env={"ESCALADE_DATA_DIR": str(tmp_path)}, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, cwd=ROOT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert err.strip().splitlines() == [
        "escalade: the database is not set up yet: run `escalade manage migrate` first"]


@pytest.mark.same_on_every_database
def test_escalade_health_names_each_failing_check_and_exits_1(tmp_path):
    proc = escalade("health", env={"ESCALADE_DATA_DIR": str(tmp_path)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert out.splitlines()[0] == "ok   database: answers"
    assert out.splitlines()[1].startswith("FAIL migrations: ")


@pytest.fixture
def database_that_appears_later(tmp_path, db):
    """(url, bring_it_up): a database URL that does not work yet, and a function that makes it a
    migrated database in an instant (a rename of one prepared aside)."""
    from django.db import connection

    prepared_env = {"ESCALADE_DATA_DIR": str(tmp_path / "data")}
    if connection.vendor != "postgresql":
        prepared = tmp_path / "prepared"
        url = f"sqlite:///{tmp_path}/db/escalade.sqlite3"
        prepared.mkdir()
        migrate = escalade("manage", "migrate", env={**prepared_env,
                                                     "DATABASE_URL": f"sqlite:///{prepared}/escalade.sqlite3"},
                           stdout=subprocess.DEVNULL)
        assert migrate.wait(timeout=300) == 0
        yield url, lambda: prepared.rename(tmp_path / "db")
        return
    import uuid

    import psycopg

    settings = connection.settings_dict
    server = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
    name = f"h_resume_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}_aside"')
    migrate = escalade("manage", "migrate", env={**prepared_env, "DATABASE_URL": f"{server}/{name}_aside"},
                       stdout=subprocess.DEVNULL)
    assert migrate.wait(timeout=300) == 0

    def bring_it_up():
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}_aside" RENAME TO "{name}"')

    try:
        yield f"{server}/{name}", bring_it_up
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            for suffix in ("", "_aside"):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}{suffix}" WITH (FORCE)')


def test_the_worker_resumes_with_one_line_when_the_database_answers_again(tmp_path, database_that_appears_later):
    url, bring_it_up = database_that_appears_later
    proc = escalade("worker", env={"ESCALADE_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": url,
                                   "ESCALADE_WORKER_RETRY_MAX_SECONDS": "1"},
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    lines: list[str] = []
    try:
        while not any("answers again" in line for line in lines):
            line = proc.stderr.readline()
            assert line, f"the worker stopped: {lines}"
            lines.append(line)
            if "retrying" in line and sum("retrying" in seen for seen in lines) == 2:
                bring_it_up()
    finally:
        proc.terminate()
        rest = proc.communicate(timeout=30)[1]
    assert "Traceback" not in "".join(lines) + rest
    retries = [line for line in lines if "retrying" in line]
    assert len(retries) >= 2 and all("retrying in 1 s" in line for line in retries[1:])
    assert lines[-1].startswith("escalade worker: the database answers again after")
