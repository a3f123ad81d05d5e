"""Escalade's side of bench/versus_django_helpdesk.py: one action per run, in its own process on
the database DATABASE_URL names, printing one JSON line (the last line of stdout).

    python bench/versus/escalade_actions.py prepare --state FILE    # schema, policy, customer, tokens
    python bench/versus/escalade_actions.py seed --n 10000           # tickets opened through the services
    python bench/versus/escalade_actions.py queries --state FILE     # SQL per create and per list page
    python bench/versus/escalade_actions.py mail --dir DIR           # store every message, one worker → tickets
    python bench/versus/escalade_actions.py escalate --workers 2     # make every ticket due, time the workers

The functions are importable too (the harness's self-test and tests/bench run them on a few tickets).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import CONTACTS, body_text, title  # noqa: E402 (a script next to this one)

ROOT = HERE.parents[1]
ADMIN = ("bench-admin", "bench-admin-pw-123")  # a superuser, as the peer's API user; local runs only
RULE = "response_breach"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "escalade.settings")
    import django

    django.setup()
    from django.conf import settings

    # As the peer's project: messages are rendered, then dropped.
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


def admin_viewer():
    from django.contrib.auth import get_user_model

    from escalade.orgs.access import Viewer

    return Viewer.of(get_user_model().objects.get(username=ADMIN[0]))


def prepare(clients: int) -> dict:
    """A migrated database with the benchmark policy, two levels, one customer with CONTACTS
    contacts (customerN@example.org), a superuser and one API token per HTTP client thread."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from escalade.api.tokens import issue_token
    from escalade.orgs.models import Contact, Level, Organisation
    from escalade.policy.publish import apply_policy

    call_command("migrate", verbosity=0)
    apply_policy((HERE / "policy.yaml").read_text(), filename="versus.yaml", actor="bench")
    Level.objects.create(key="L1", name="Help Desk", rank=1)
    Level.objects.create(key="L2", name="Engineering", rank=2)
    org = Organisation.objects.create(name="Bench Customer", slug="bench", plan="standard",
                                      timezone="Europe/London", email_domains="example.org")
    Contact.objects.bulk_create([Contact(organisation=org, name=f"Customer {i}", email=f"customer{i}@example.org",
                                         is_primary=i == 0) for i in range(CONTACTS)])
    user = get_user_model().objects.create_superuser(ADMIN[0], "admin@example.com", ADMIN[1])
    tokens = [issue_token(user, f"bench client {k}") for k in range(clients)]
    contacts = list(Contact.objects.filter(organisation=org).order_by("pk").values_list("pk", flat=True))
    return {"organisation": org.pk, "contacts": contacts, "tokens": tokens}


def payload(state: dict, i: int) -> dict:
    """The JSON body of one POST /api/tickets: the peer's payload shape in Escalade's names."""
    return {"organisation": state["organisation"], "requester": state["contacts"][i % CONTACTS],
            "subject": title(i), "description": body_text(i), "priority": f"P{1 + i % 5}"}


def seed(n: int) -> dict:
    """Open `n` tickets (P3, requesters in turn) through tickets.services.open_ticket, as an agent
    entering them would: SLA clocks, escalation check, audit events."""
    from escalade.orgs.models import Contact, Organisation
    from escalade.tickets.services import open_ticket

    viewer = admin_viewer()
    org = Organisation.objects.get(slug="bench")
    contacts = list(Contact.objects.filter(organisation=org).order_by("pk"))
    began = time.perf_counter()
    for i in range(n):
        open_ticket(viewer, organisation=org, subject=f"Seed ticket {i}", description=body_text(i),
                    requester=contacts[i % len(contacts)], priority="P3")
    wall = time.perf_counter() - began
    return {"seeded": n, "seed_s": round(wall, 1), "seed_per_s": round(n / wall, 1) if wall else None}


def queries(state: dict) -> dict:
    """SQL queries of one API ticket create (after a warm-up create) and of list page 1 (25
    tickets), counted in-process with Django's CaptureQueriesContext."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {state['tokens'][0]}")

    def create(i):
        r = client.post("/api/tickets", payload(state, i), content_type="application/json")
        assert r.status_code == 201, (r.status_code, r.content[:300])

    create(-1)
    with CaptureQueriesContext(connection) as ctx:
        create(-2)
    per_create = len(ctx.captured_queries)
    client.get("/api/tickets?page=1&page_size=25")
    with CaptureQueriesContext(connection) as ctx:
        r = client.get("/api/tickets?page=1&page_size=25")
    assert r.status_code == 200 and len(r.json()["items"]) > 0, r.status_code
    return {"queries_per_create": per_create, "list_queries": len(ctx.captured_queries)}


def mail(directory: Path, timeout: float = 3600) -> dict:
    """Store every message of `directory` as the mail adapters do (escalade.mail.adapters.accept),
    then let one worker (the real loop, in this process) turn them
    into tickets and replies and deliver the acknowledgements. Timed from the first store to the
    last message processed ("to the last ticket"), and to the worker's first idle round."""
    from escalade.mail.adapters import accept
    from escalade.mail.models import InboundEmail, InboundStatus
    from escalade.notifications.models import OutboxMessage
    from escalade.tickets.models import Ticket
    from escalade.worker.loop import Worker

    files = sorted(directory.iterdir())
    tickets_before = Ticket.objects.count()
    began = time.perf_counter()
    for f in files:
        accept(f.read_bytes(), source="bench")
    stored = time.perf_counter() - began
    worker = Worker(stop=threading.Event(), idle_seconds=0)
    to_last_ticket = None
    while time.perf_counter() - began < timeout:
        done = worker.run_round()
        if to_last_ticket is None and not InboundEmail.objects.filter(status=InboundStatus.RECEIVED).exists():
            to_last_ticket = time.perf_counter() - began
        if not done:
            break
    idle = time.perf_counter() - began
    statuses = dict.fromkeys(InboundStatus.values, 0)
    for status in InboundEmail.objects.values_list("status", flat=True):
        statuses[status] += 1
    return {"messages": len(files), "store_s": round(stored, 2), "wall_s": round(to_last_ticket or idle, 2),
            "per_s": round(len(files) / (to_last_ticket or idle), 1), "until_idle_s": round(idle, 2),
            "new_tickets": Ticket.objects.count() - tickets_before, "inbound": statuses,
            "messages_sent": OutboxMessage.objects.filter(status="sent").count()}


def make_due() -> int:
    """Every open ticket's first response falls due a minute ago: one UPDATE of the running
    first-response clocks' due_at and one of the escalation checks' next_check_at."""
    from escalade import clock
    from escalade.escalation.models import EscalationCheck
    from escalade.sla.models import SlaClock

    past = clock.now() - dt.timedelta(minutes=1)
    due = SlaClock.objects.filter(kind="first_response", status="running", breached_at__isnull=True).update(due_at=past)
    EscalationCheck.objects.filter(ticket__clocks__kind="first_response").update(next_check_at=past)
    return due


def escalate(workers: int, timeout: float = 3600) -> dict:
    """Make every ticket due, start `workers` `escalade worker` processes, and time them until
    every due ticket has its firing (and until every manager notification is sent). Doubles are
    tickets with more than one firing of the breach rule."""
    from django.db import connection
    from django.db.models import Count

    from escalade.escalation.models import Firing
    from escalade.notifications.models import OutboxMessage

    due = make_due()
    connection.close()  # SQLite: no read transaction of ours in the workers' way
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    # The console email backend (no EMAIL_HOST) writes each notification to stdout: dropped here.
    command = [sys.executable, "-m", "escalade", "worker"]
    logs = [tempfile.TemporaryFile("w+") for _ in range(workers)]
    began = time.perf_counter()
    procs = [subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log) for log in logs]
    fired_s = notified_s = None
    try:
        while time.perf_counter() - began < timeout:
            time.sleep(0.2)
            if fired_s is None and Firing.objects.filter(rule=RULE).values("ticket").distinct().count() >= due:
                fired_s = time.perf_counter() - began
            if fired_s is not None and OutboxMessage.objects.filter(status="sent").count() >= due:
                notified_s = time.perf_counter() - began
                break
            connection.close()
            if any(p.poll() is not None for p in procs):
                raise SystemExit("an escalade worker stopped early")
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=120)
    failed_sweeps = 0
    for log in logs:  # the workers' warnings and tracebacks, kept in this action's log
        log.seek(0)
        text = log.read()
        failed_sweeps += text.count(" failed; it will be retried")
        sys.stderr.write(text)
    per_ticket = Firing.objects.filter(rule=RULE).values("ticket").annotate(n=Count("id"))
    escalated = per_ticket.count()
    return {"due": due, "workers": workers, "escalated": escalated,
            "doubled": per_ticket.filter(n__gt=1).count(),
            "wall_s": round(fired_s, 2) if fired_s else None,
            "per_s": round(escalated / fired_s, 1) if fired_s else None,
            "notified_s": round(notified_s, 2) if notified_s else None,
            "at_level_2": _tickets_at("L2"), "failed_sweeps": failed_sweeps}


def _tickets_at(level: str) -> int:
    from escalade.tickets.models import Ticket

    return Ticket.objects.filter(level__key=level).count()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="action", required=True)
    a = sub.add_parser("prepare")
    a.add_argument("--state", type=Path, required=True, help="JSON file for the ids and tokens")
    a.add_argument("--clients", type=int, default=4)
    sub.add_parser("seed").add_argument("--n", type=int, required=True)
    sub.add_parser("queries").add_argument("--state", type=Path, required=True)
    sub.add_parser("mail").add_argument("--dir", type=Path, required=True)
    sub.add_parser("escalate").add_argument("--workers", type=int, default=1)
    args = p.parse_args()
    setup_django()
    if args.action == "prepare":
        state = prepare(args.clients)
        args.state.write_text(json.dumps(state))
        out = {"organisation": state["organisation"], "tokens": len(state["tokens"])}
    elif args.action == "seed":
        out = seed(args.n)
    elif args.action == "queries":
        out = queries(json.loads(args.state.read_text()))
    elif args.action == "mail":
        out = mail(args.dir)
    else:
        out = escalate(args.workers)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
