"""`escalade serve` as an operator runs it: several web processes under one master, stopped by SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.cli.test_commands import _free_port

# Its own processes on their own SQLite files, whatever the test database: the SQLite run covers it.
pytestmark = pytest.mark.same_on_every_database


def _children(pid: int) -> set[int]:
    """The live child processes of `pid`, from /proc (Linux)."""
    kids: set[int] = set()
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            kids.update(int(k) for k in children.read_text().split())
        except OSError:  # the thread ended while we looked
            pass
    return kids


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def _serve(tmp_path, *args) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ESCALADE_DATA_DIR"] = str(tmp_path)
    env["ESCALADE_ENV"] = "development"  # plain HTTP, no SECRET_KEY: production mode would refuse
    return subprocess.Popen([sys.executable, "-m", "escalade", "serve", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.e2e
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="counts processes through Linux's /proc")
def test_serve_with_two_workers_answers_from_two_processes_and_stops_on_sigterm(tmp_path):
    port = _free_port()
    proc = _serve(tmp_path, "--workers", "2", "--threads", "2", "--port", str(port), "--migrate")
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status = _status(f"http://127.0.0.1:{port}/login/")
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "serve did not start within 90 s"
                time.sleep(0.3)
        assert status == 200
        # Both workers boot before the master counts as ready; give a slow machine a moment.
        while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = _children(proc.pid)
        assert len(workers) == 2
        for _ in range(8):  # requests spread over the workers; every one is answered
            assert _status(f"http://127.0.0.1:{port}/api/openapi.json") == 200
        assert _children(proc.pid) == workers  # no worker died and was replaced
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, output
    assert "Escalade is listening on http://127.0.0.1:" in output and "2 processes" in output
    assert "Traceback" not in output
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()], "a worker process outlived the server"


def test_serve_refuses_zero_workers_with_one_line(tmp_path):
    proc = _serve(tmp_path, "--workers", "0")
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert output.strip() == "escalade: --workers and --threads must be at least 1"
