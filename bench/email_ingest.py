"""Email ingest, end to end: messages per second from SMTP to stored to processed into tickets.

    .venv/bin/python bench/email_ingest.py                  # SQLite, and PostgreSQL when reachable
    .venv/bin/python bench/email_ingest.py --messages 2000 --db sqlite

For each database a child process migrates a fresh database (a temporary SQLite file; a new
PostgreSQL database, dropped afterwards), applies the VIOE example policy, makes 50 customer
contacts, starts the real listener (`escalade.mail.adapters.smtpd.Listener`) on a free loopback
port and the real worker loop (`escalade.worker.loop.Worker`) in a thread, then sends the
messages over several concurrent SMTP sessions. Every message opens a ticket (SLA clocks,
audit events) and most get an acknowledgement through the outbox, delivered by the worker to
Django's locmem backend. Printed: the rate the listener accepted mail, and the end-to-end rate
(first message sent → last one processed), plus a Markdown block for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"


# -- the parent: one child process per database ------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--senders", type=int, default=4, help="concurrent SMTP sessions")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG),
                        help="a PostgreSQL server URL whose user may create databases")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return 0
    results = []
    for db in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
        result = run_child(db, args)
        if result is not None:
            results.append(result)
            print(f"{db}: accepted {result['accept_rate']:.0f}/s, end to end {result['e2e_rate']:.0f}/s "
                  f"({result['messages']} messages in {result['e2e_seconds']:.1f} s)", file=sys.stderr)
    print(markdown(results, args))
    return 0


def run_child(db: str, args) -> dict | None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "escalade.settings"
    env["LOG_LEVEL"] = "ERROR"
    cleanup = None
    with tempfile.TemporaryDirectory(prefix="escalade-bench-") as tmp:
        env["ESCALADE_DATA_DIR"] = tmp
        if db == "postgres":
            created = create_pg_database(args.postgres)
            if created is None:
                print(f"postgres: not reachable at {args.postgres}; skipped", file=sys.stderr)
                return None
            env["DATABASE_URL"], cleanup = created
        try:
            out = subprocess.run(
                [sys.executable, __file__, "--child", db, "--messages", str(args.messages),
                 "--senders", str(args.senders)],
                env=env, cwd=ROOT, capture_output=True, text=True, timeout=3600,
            )
        finally:
            if cleanup:
                cleanup()
    if out.returncode != 0:
        raise SystemExit(f"{db} run failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def create_pg_database(server_url: str):
    """A new empty database on the server; returns (its URL, a function that drops it) or None."""
    try:
        import psycopg
    except ImportError:
        return None
    name = f"escalade_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(server_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        return None
    base = server_url.rsplit("/", 1)[0]

    def drop() -> None:
        with psycopg.connect(server_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


# -- the child: one database --------------------------------------------------------------------

def child(args) -> dict:
    import django

    django.setup()
    import smtplib
    import threading
    from concurrent.futures import ThreadPoolExecutor
    from email.message import EmailMessage

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from escalade.mail.adapters.smtpd import Listener
    from escalade.mail.models import InboundEmail
    from escalade.orgs.models import Contact, Level, Organisation
    from escalade.policy.publish import apply_policy
    from escalade.worker.loop import Worker

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "support@escalade.example.com"
    call_command("migrate", verbosity=0)
    apply_policy((ROOT / "examples" / "policies" / "vioe.yaml").read_text(), filename="vioe.yaml", actor="bench")
    Level.objects.create(key="L1", name="Tier 1", rank=1)
    org = Organisation.objects.create(name="Acme", slug="acme", plan="standard", timezone="Europe/London",
                                      email_domains="acme.example.com")
    contacts = [Contact.objects.create(organisation=org, name=f"User {i}", email=f"user{i}@acme.example.com")
                for i in range(50)]

    def build(i: int) -> tuple[str, bytes]:
        c = contacts[i % len(contacts)]
        msg = EmailMessage()
        msg["From"] = f"{c.name} <{c.email}>"
        msg["To"] = "support@escalade.example.com"
        msg["Subject"] = f"Problem {i}: the VPN drops every {i % 17 + 3} minutes"
        msg["Message-ID"] = f"<bench-{i}-{uuid.uuid4().hex}@acme.example.com>"
        msg.set_content(f"Hello,\n\nsince this morning the VPN drops (case {i}).\n\n-- \n{c.name}\n")
        msg.add_alternative(f"<p>Hello,</p><p>since this morning the VPN drops (case {i}).</p>", subtype="html")
        return c.email, msg.as_bytes()

    messages = [build(i) for i in range(args.messages)]
    connection.close()

    listener = Listener("127.0.0.1", 0, threads=4)
    listener.start()
    stop = threading.Event()
    worker = Worker(stop=stop, idle_seconds=0.05)
    worker_thread = threading.Thread(target=worker.run_forever, daemon=True)

    retries: list[int] = []

    def send_batch(batch: list[tuple[str, bytes]]) -> None:
        # Like a relaying mail server: a 4xx answer (the listener could not store the message in
        # time) means "try again later"; here, half a second later.
        with smtplib.SMTP("127.0.0.1", listener.port, local_hostname="bench.example", timeout=120) as smtp:
            for sender, raw in batch:
                while True:
                    try:
                        smtp.sendmail(sender, ["support@escalade.example.com"], raw)
                        break
                    except smtplib.SMTPDataError as exc:
                        if not 400 <= exc.smtp_code < 500:
                            raise
                        retries.append(exc.smtp_code)
                        time.sleep(0.5)

    batches = [messages[i::args.senders] for i in range(args.senders)]
    started = time.perf_counter()
    worker_thread.start()
    with ThreadPoolExecutor(max_workers=args.senders) as pool:
        list(pool.map(send_batch, batches))
    accepted = time.perf_counter() - started
    while InboundEmail.objects.filter(status="received").exists():
        time.sleep(0.05)
    finished = time.perf_counter() - started
    from escalade.notifications.models import OutboxMessage

    deadline = time.monotonic() + 120  # let the worker deliver the acknowledgements (not timed)
    while OutboxMessage.objects.filter(status__in=["pending", "sending"]).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    worker_thread.join(timeout=60)
    listener.stop()

    counts = dict(InboundEmail.objects.values_list("status").annotate(n=Count("pk")))
    from escalade.tickets.models import Ticket

    return {
        "db": args.child,
        "db_version": _db_version(connection),
        "messages": args.messages,
        "senders": args.senders,
        "accept_seconds": accepted,
        "accept_rate": args.messages / accepted,
        "retries": len(retries),
        "e2e_seconds": finished,
        "e2e_rate": args.messages / finished,
        "statuses": counts,
        "tickets": Ticket.objects.count(),
        "acks": OutboxMessage.objects.filter(kind="ack").count(),
        "acks_sent": OutboxMessage.objects.filter(kind="ack", status="sent").count(),
    }


def _db_version(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + cursor.fetchone()[0].split()[0]
        cursor.execute("select sqlite_version()")
        return "SQLite " + cursor.fetchone()[0]


# -- the report ---------------------------------------------------------------------------------

def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return (f"{cpu}, {os.cpu_count()} CPUs, load average {load} at the end (other jobs may share the machine); "
            f"Python {platform.python_version()} ({platform.python_implementation()}), {platform.system()}.")


def markdown(results: list[dict], args) -> str:
    lines = [
        "## Email ingest (bench/email_ingest.py)",
        "",
        f"Run on {time.strftime('%Y-%m-%d')} with `.venv/bin/python bench/email_ingest.py --messages "
        f"{args.messages}`.",
        "",
        "| database | messages | listener accepted | end to end (SMTP → stored → ticket) | tickets | "
        "acknowledgements sent | 451 retries |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['db_version']} | {r['messages']:,} | {r['accept_rate']:,.0f} msg/s ({r['accept_seconds']:.1f} s) "
            f"| {r['e2e_rate']:,.0f} msg/s ({r['e2e_seconds']:.1f} s) | {r['tickets']:,} | {r['acks_sent']:,} "
            f"| {r['retries']:,} |")
    lines += [
        "",
        f"Each message (text and HTML alternatives, from one of 50 contacts) goes through a real SMTP session "
        f"({args.senders} concurrent client sessions, the listener storing on 4 threads), is stored raw, and is "
        "processed by one worker thread running the real worker loop: parse, match the contact, open a ticket "
        "under the VIOE policy (SLA clocks, audit events) and enqueue the acknowledgement, which the same "
        "worker delivers through the outbox (at most 10 per contact and hour, hence fewer acknowledgements "
        "than tickets). End to end is the time from the first message sent to the last one processed.",
        "",
        f"Machine: {machine()}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
