"""The two sides of bench/versus_django_helpdesk.py. Each runs every workload the same way from
the harness's point of view: start from a copy of a prepared database, run, return one dict of
measurements. The HTTP client (common.http_create_load) is the same for both."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from common import (
    CONTACTS,
    Databases,
    body_text,
    free_port,
    http_create_load,
    http_get_latency,
    peer_login,
    stop,
    title,
    wait_until_serving,
    warm_up,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PEER = HERE / "peer"
PEER_VERSION = "2.6.1"
TIMEOUT = 4 * 3600  # seconds for any one step: a run that hangs stops by itself


def run_json(argv: list[str], env: dict, cwd: Path, log: Path) -> dict:
    """Run one action process; its stderr goes to `log`; returns the JSON of its last stdout line."""
    with open(log, "a") as err:
        out = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=err, text=True,
                             timeout=TIMEOUT)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(argv[1:3])} failed ({out.returncode}); see {log}:\n"
                         + log.read_text()[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


class Side:
    """What both sides share: scratch databases named tpl (prepared), seed (with --tickets
    tickets) and run (the copy a measured run works on)."""

    label = ""
    key = ""

    def __init__(self, kind: str, scratch: Path, pg_url: str, opts):
        self.kind, self.opts = kind, opts
        self.scratch = scratch / self.key
        self.scratch.mkdir(parents=True, exist_ok=True)
        self.dbs = Databases(kind, self.scratch, pg_url, self.filename, self.key)
        self.log = self.scratch / "stderr.log"
        self.seeded = None

    filename = "db.sqlite3"

    def fresh(self, source: str) -> None:
        self.dbs.copy(source, "run")

    def seed_once(self) -> dict:
        """The seeded template, built the first time a workload needs it."""
        if self.seeded is None:
            self.dbs.copy("tpl", "seed")
            self.seeded = self.action("seed", "seed", "--n", str(self.opts.tickets))
        return self.seeded

    def serve(self, name: str) -> tuple[subprocess.Popen, int]:
        port = free_port()
        log = open(self.scratch / "server.log", "a")
        proc = subprocess.Popen(self.server_argv(port), env=self.env(name), cwd=self.server_cwd, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        wait_until_serving(port, proc)
        return proc, port

    def create(self) -> dict:
        """REST ticket create over HTTP: opts.clients threads, opts.server_workers processes."""
        self.fresh("tpl")
        proc, port = self.serve("run")
        try:
            clients = self.client_headers(port)
            warm_up(port, "POST", self.create_path, clients[0], 3 * self.opts.server_workers, self.payload)
            result = http_create_load(port, self.create_path, self.opts.creates, clients, self.payload)
        finally:
            code = stop(proc)
        result.update(self.action("run", "queries", *self.state_args()), server_exit=code)
        return result

    def list(self) -> dict:
        """List page 1 (25 tickets) with --tickets tickets: median HTTP latency and SQL queries."""
        seeded = self.seed_once()
        self.fresh("seed")
        proc, port = self.serve("run")
        try:
            headers = self.client_headers(port)[0]
            warm_up(port, "GET", self.list_path, headers, 3 * self.opts.server_workers)
            result = http_get_latency(port, self.list_path, headers, repeats=5)
        finally:
            stop(proc)
        queries = self.action("run", "queries", *self.state_args())
        return {**result, "tickets": seeded["seeded"], "list_queries": queries["list_queries"]}

    def email(self, mails: Path) -> dict:
        """Import the generated mails (100 tickets exist first: 10% of the mails reply to them)."""
        self.dbs.copy("tpl", "run")
        self.action("run", "seed", "--n", "100")
        return self.import_mail(mails)

    def escalation(self, workers: int) -> dict:
        self.seed_once()
        self.fresh("seed")
        return self.action("run", "escalate", "--workers", str(workers))


class Peer(Side):
    label = f"django-helpdesk {PEER_VERSION}"
    key = "peer"
    create_path = "/api/tickets/"
    list_path = "/api/tickets/?page=1"

    def __init__(self, kind, scratch, pg_url, opts):
        super().__init__(kind, scratch, pg_url, opts)
        self.python = ensure_peer_venv(Path(opts.peer_venv))
        self.server_cwd = PEER / "project"
        self.pg = urlsplit(pg_url)
        self.queue = None

    def env(self, name: str) -> dict:
        e = {**os.environ, "DH_DB": self.kind, "DH_SCRATCH": str(self.scratch), "PYTHONDONTWRITEBYTECODE": "1",
             "DJANGO_SETTINGS_MODULE": "dhbench.settings", "PYTHONPATH": str(PEER / "project"),
             "DH_SQLITE_PATH": str(self.dbs.path(name))}
        if self.kind == "postgres":
            e.update(DH_PG_NAME=self.dbs.pg_name(name), DH_PG_USER=self.pg.username or "postgres",
                     DH_PG_PASSWORD=self.pg.password or "", DH_PG_HOST=self.pg.hostname or "127.0.0.1",
                     DH_PG_PORT=str(self.pg.port or 5432))
        return e

    def action(self, name: str, *args: str) -> dict:
        return run_json([str(self.python), str(PEER / "actions.py"), *args], self.env(name), PEER / "project",
                        self.log)

    def prepare(self) -> None:
        self.dbs.create("tpl")
        for step in (["migrate", "-v0"], ["loaddata", "emailtemplate.json", "-v0"]):
            subprocess.run([str(self.python), "manage.py", *step], env=self.env("tpl"), cwd=PEER / "project",
                           check=True, timeout=TIMEOUT)
        self.queue = self.action("tpl", "prepare")["queue"]

    def state_args(self) -> list[str]:
        return []

    def server_argv(self, port: int) -> list[str]:
        return [str(self.python.parent / "gunicorn"), "-w", str(self.opts.server_workers), "--threads",
                str(self.opts.server_threads), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                "--no-control-socket", "dhbench.wsgi:application"]

    def client_headers(self, port: int) -> list[dict]:
        # One login shared by the client threads, as the peer's own benchmark does.
        return [peer_login(port, "admin", "bench-admin-pw-123")] * self.opts.clients

    def payload(self, i: int) -> dict:
        return {"queue": self.queue, "title": title(i), "description": body_text(i),
                "submitter_email": f"customer{i % CONTACTS}@example.org", "priority": 1 + i % 5}

    def import_mail(self, mails: Path) -> dict:
        return self.action("run", "get-email", "--dir", str(mails))


class Escalade(Side):
    label = "Escalade"
    key = "escalade"
    filename = "escalade.sqlite3"  # the embedded database's name in ESCALADE_DATA_DIR
    create_path = "/api/tickets"
    list_path = "/api/tickets?page=1&page_size=25"

    def __init__(self, kind, scratch, pg_url, opts):
        super().__init__(kind, scratch, pg_url, opts)
        self.server_cwd = ROOT
        self.state_file = self.scratch / "state.json"

    def env(self, name: str) -> dict:
        # SQLite: the embedded database (ESCALADE_DATA_DIR, WAL, IMMEDIATE transactions) as installed.
        e = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        # Development mode: plain HTTP on loopback with a throwaway key (production mode refuses both).
        # The API rate limit stays on (its bookkeeping is part of the cost: a bucket row written
        # once per batch of tokens taken ahead) but high enough that no benchmark client is throttled.
        e.update(SECRET_KEY="bench-only", LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="escalade.settings",
                 ESCALADE_DATA_DIR=str(self.dbs.path(name).parent), ESCALADE_ENV="development",
                 ESCALADE_API_REQUESTS_PER_MINUTE="1000000")
        if self.kind == "postgres":
            e.update(DATABASE_URL=self.dbs.url(name), ESCALADE_DATA_DIR=str(self.scratch / "data"))
        return e

    def action(self, name: str, *args: str) -> dict:
        return run_json([sys.executable, str(HERE / "escalade_actions.py"), *args], self.env(name), ROOT,
                        self.log)

    def prepare(self) -> None:
        self.dbs.create("tpl")
        self.action("tpl", "prepare", "--state", str(self.state_file), "--clients", str(self.opts.clients))
        self.state = json.loads(self.state_file.read_text())

    def state_args(self) -> list[str]:
        return ["--state", str(self.state_file)]

    def server_argv(self, port: int) -> list[str]:
        return [sys.executable, "-m", "escalade", "serve", "--port", str(port), "--workers",
                str(self.opts.server_workers), "--threads", str(self.opts.server_threads)]

    def client_headers(self, port: int) -> list[dict]:
        return [{"Authorization": f"Bearer {token}"} for token in self.state["tokens"]]

    def payload(self, i: int) -> dict:
        from escalade_actions import payload

        return payload(self.state, i)

    def import_mail(self, mails: Path) -> dict:
        return self.action("run", "mail", "--dir", str(mails))


def ensure_peer_venv(venv: Path) -> Path:
    """The peer's venv (created on first use from PyPI, with the versions of peer/requirements.lock);
    returns its python. Never the project's venv: the peer is not a dependency of Escalade."""
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import importlib.metadata as m; print(m.version('django-helpdesk'))"]
    if python.exists() and subprocess.run(probe, capture_output=True, text=True).stdout.strip() == PEER_VERSION:
        return python
    print(f"installing {Peer.label} into {venv} (about a minute) …", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r",
                    str(PEER / "requirements.lock")], check=True)
    return python


def default_peer_venv() -> str:
    return str(Path(tempfile.gettempdir()) / "escalade-versus-peer-venv")


def escalade_version() -> str:
    return importlib.metadata.version("escalade")
