"""What both sides of bench/versus_django_helpdesk.py share: the ticket text, the mails, the HTTP
client that loads either server, percentiles, and the scratch databases. Stdlib only (plus psycopg
for PostgreSQL), so the same client measures both servers."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

CONTACTS = 300  # customerN@example.org, N < CONTACTS: the same senders and requesters on both sides


def title(i: int) -> str:
    return f"Bench ticket {i}: export fails"


def body_text(i: int) -> str:
    """About 250 characters, as in the peer's own benchmark."""
    return (f"Bench ticket {i}. The customer reports that the export job fails with a timeout after roughly "
            "five minutes. Steps: open the report, choose CSV, press export. Expected a file, got an error "
            f"page. Browser: Firefox. Account: ACME-{i % 1000:05d}.")


def pct(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return None
    s = sorted(values)
    return s[max(0, min(len(s) - 1, round(p / 100 * len(s) + 0.5) - 1))]


# -- mail ----------------------------------------------------------------------------------------

def make_mails(directory: Path, n: int, reply_to_max: int) -> dict:
    """`n` RFC 822 files in `directory`: 60% plain text, 20% text+HTML, 10% with a 2 KB text
    attachment, 10% replies to one of tickets 1..reply_to_max whose subject carries both sides'
    tracking tags (`[bench-7]` for the peer's queue `bench`, `[ESC-000007]` for Escalade)."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    rnd = random.Random(42)
    kinds = {"plain": 0, "alternative": 0, "attachment": 0, "reply": 0}
    for i in range(n):
        m = EmailMessage()
        m["From"] = f"Customer {i % CONTACTS} <customer{i % CONTACTS}@example.org>"
        m["To"] = "support@example.com"
        m["Date"] = format_datetime(dt.datetime.now(dt.UTC))
        m["Message-ID"] = make_msgid(idstring=f"bench{i}", domain="example.org")
        text = body_text(i) + "\n\nRegards,\nA customer\n"
        roll = i % 10
        if roll == 0 and reply_to_max:
            tid = rnd.randint(1, reply_to_max)
            m["Subject"] = f"Re: [bench-{tid}] [ESC-{tid:06d}] Seed ticket {tid}"
            m.set_content("Any news on this?\n\n> earlier message quoted here\n> more quote\n")
            kinds["reply"] += 1
        elif roll in (1, 2):
            m["Subject"] = f"Export broken ({i})"
            m.set_content(text)
            m.add_alternative("<html><body><p>" + text.replace("\n", "<br>") + "</p></body></html>", subtype="html")
            kinds["alternative"] += 1
        elif roll == 3:
            m["Subject"] = f"Log file attached ({i})"
            m.set_content(text)
            m.add_attachment(("2026-01-01 12:00:00 ERROR export timeout\n" * 50).encode(), maintype="text",
                             subtype="plain", filename=f"export-{i}.log")
            kinds["attachment"] += 1
        else:
            m["Subject"] = f"Export fails for account {i % 1000}"
            m.set_content(text)
            kinds["plain"] += 1
        (directory / f"msg-{i:06d}.eml").write_bytes(bytes(m))
    return kinds


# -- HTTP ----------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(conn: http.client.HTTPConnection, method: str, path: str, headers: dict, body=None):
    """One request on a kept-alive connection; returns (status, body bytes, response headers)."""
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    return resp.status, resp.read(), resp.msg


def wait_until_serving(port: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited early with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"no server on 127.0.0.1:{port} after {timeout:.0f} s")


def stop(proc: subprocess.Popen, timeout: float = 60) -> int:
    """SIGTERM to the process this harness started, then wait for it."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def peer_login(port: int, username: str, password: str) -> dict:
    """The peer's session + CSRF headers after one login through its admin page, as its own benchmark does."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    cookies = SimpleCookie()
    status, _, headers = request(conn, "GET", "/admin/login/", {})
    for h in headers.get_all("Set-Cookie") or []:
        cookies.load(h)
    form = urlencode({"csrfmiddlewaretoken": cookies["csrftoken"].value, "username": username,
                      "password": password, "next": "/admin/"})
    status, _, headers = request(conn, "POST", "/admin/login/?next=/admin/",
                                 {"Content-Type": "application/x-www-form-urlencoded",
                                  "Cookie": f"csrftoken={cookies['csrftoken'].value}"}, form)
    for h in headers.get_all("Set-Cookie") or []:
        cookies.load(h)
    conn.close()
    if "sessionid" not in cookies:
        raise SystemExit(f"peer login failed: HTTP {status}")
    return {"Cookie": f"sessionid={cookies['sessionid'].value}; csrftoken={cookies['csrftoken'].value}",
            "X-CSRFToken": cookies["csrftoken"].value}


def warm_up(port: int, method: str, path: str, headers: dict, count: int, payload=None) -> None:
    """`count` untimed requests first, so that every server process has answered before the
    clock starts (each loads its URL conf, templates and the policy on its first request)."""
    for k in range(count):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)  # new connection: any process
        body = json.dumps(payload(-1 - k)) if payload else None
        status, text, _ = request(conn, method, path, {**headers, "Content-Type": "application/json"}, body)
        conn.close()
        if status not in (200, 201):
            raise SystemExit(f"warm-up {method} {path}: HTTP {status} {text[:300]!r}")


def http_create_load(port: int, path: str, n: int, client_headers: list[dict], payload) -> dict:
    """POST `payload(i)` (JSON) for i < n from one thread per entry of `client_headers` (each its
    own kept-alive connection and credentials). Returns tickets/s, p50/p99 in ms, errors."""
    lock = threading.Lock()
    next_i = [0]
    latencies: list[float] = []
    errors: list[str] = []

    def client(headers: dict) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine, my_errors = [], []
        while True:
            with lock:
                i = next_i[0]
                if i >= n:
                    break
                next_i[0] += 1
            began = time.perf_counter()
            try:
                status, body, _ = request(conn, "POST", path, {**headers, "Content-Type": "application/json"},
                                          json.dumps(payload(i)))
                if status != 201:
                    my_errors.append(f"{status}: {body[:120]!r}")
            except (OSError, http.client.HTTPException) as exc:  # count it and go on, on a new connection
                my_errors.append(repr(exc)[:120])
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            mine.append(time.perf_counter() - began)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(my_errors)

    threads = [threading.Thread(target=client, args=(h,)) for h in client_headers]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    ms = [x * 1000 for x in latencies]
    return {"n": n, "wall_s": round(wall, 2), "per_s": round((n - len(errors)) / wall, 1),
            "p50_ms": round(pct(ms, 50), 1), "p99_ms": round(pct(ms, 99), 1), "errors": len(errors),
            "error_samples": sorted(set(errors))[:3]}


def http_get_latency(port: int, path: str, headers: dict, repeats: int) -> dict:
    """Median time of `repeats` GETs of `path`, each on a new connection, in ms."""
    times = []
    for _ in range(repeats):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        began = time.perf_counter()
        status, body, _ = request(conn, "GET", path, headers)
        times.append((time.perf_counter() - began) * 1000)
        conn.close()
        if status != 200:
            raise SystemExit(f"GET {path}: HTTP {status} {body[:200]!r}")
    return {"list_ms": round(sorted(times)[len(times) // 2], 1)}


# -- scratch databases ---------------------------------------------------------------------------

class Databases:
    """The scratch databases of one side: SQLite files `scratch/NAME/filename`, or PostgreSQL
    databases `versus_PID_KEY_NAME` on the server `pg_url` names (dropped by `drop_all`). A copy
    is how every measured run starts from the same state: SQLite's backup API, or CREATE
    DATABASE … TEMPLATE."""

    def __init__(self, kind: str, scratch: Path, pg_url: str, filename: str, key: str):
        self.kind, self.scratch, self.pg_url, self.filename = kind, scratch, pg_url, filename
        self.prefix = f"versus_{os.getpid()}_{key}"
        self.made: set[str] = set()

    def path(self, name: str) -> Path:
        return self.scratch / name / self.filename

    def pg_name(self, name: str) -> str:
        return f"{self.prefix}_{name}"

    def url(self, name: str) -> str:
        return self.pg_url.rsplit("/", 1)[0] + "/" + self.pg_name(name)

    def _pg(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.pg_url, autocommit=True) as conn:
            for sql in statements:
                conn.execute(sql)

    def create(self, name: str) -> None:
        """An empty database `name` (an existing one is replaced)."""
        self.made.add(name)
        if self.kind == "sqlite":
            self.path(name).parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.path(name)}{suffix}").unlink(missing_ok=True)
        else:
            self._pg(f'DROP DATABASE IF EXISTS "{self.pg_name(name)}" WITH (FORCE)',
                     f'CREATE DATABASE "{self.pg_name(name)}"')

    def copy(self, source: str, target: str) -> None:
        """`target` becomes a copy of `source` (no process may be writing to `source`)."""
        self.made.add(target)
        if self.kind == "sqlite":
            self.create(target)
            src, dst = sqlite3.connect(self.path(source)), sqlite3.connect(self.path(target))
            try:
                src.backup(dst)
            finally:
                src.close()
                dst.close()
        else:
            self._pg(f'DROP DATABASE IF EXISTS "{self.pg_name(target)}" WITH (FORCE)',
                     f'CREATE DATABASE "{self.pg_name(target)}" TEMPLATE "{self.pg_name(source)}"')

    def drop_all(self) -> None:
        if self.kind == "postgres" and self.made:
            self._pg(*(f'DROP DATABASE IF EXISTS "{self.pg_name(n)}" WITH (FORCE)' for n in sorted(self.made)))
