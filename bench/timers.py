"""Timers: how late escalation firings happen while many tickets have running clocks, and what one
sweep costs with a million open tickets.

    .venv/bin/python bench/timers.py --quick                   # SQLite (a temporary file), small
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_timers_tmp .venv/bin/python bench/timers.py

On PostgreSQL the database named by DATABASE_URL must not exist: the benchmark creates it and
drops it at the end (`--keep` leaves it). Without DATABASE_URL it uses a temporary SQLite file.

(a) Lag. `--running` tickets with running SLA clocks (first response and resolution) are loaded in
bulk; `--due` of them reach their first-response due time evenly over `--spread` seconds, the rest
later. `--workers` real worker processes (`escalade worker`, system clock) run meanwhile. The
policy escalates a first-response breach with one message to a duty manager, so each due ticket
makes exactly one firing and one outbox message. Lags against the due moment (Firing.at):
recorded = Firing.recorded_at (the round's reference time), committed = the message's created_at
(taken inside the firing's transaction, just before its commit), delivered = the message's sent_at.

(b) Sweep cost. More tickets are loaded until `--open` are open, all with clocks and checks due
later; then the due-check query (EXPLAIN), an idle `check_due`, an idle full worker round and a
`check_due` that claims and evaluates `--claim` due tickets are timed (median of `--repeat`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

POLICY = (ROOT / "bench" / "timers_policy.yaml").read_text()  # one firing, one message per breach


# -- the database ---------------------------------------------------------------------------------

def setup_database(keep: bool) -> tuple[str, callable]:
    """A fresh database: the PostgreSQL one DATABASE_URL names (created here, dropped at the end),
    or a temporary SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        path = Path(tempfile.mkdtemp(prefix="bench_timers_")) / "bench.sqlite3"
        return f"sqlite:///{path}", lambda: None
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            raise SystemExit(f"bench/timers.py: database {name!r} exists; name a throwaway one in DATABASE_URL "
                             "(the benchmark creates it and drops it afterwards)")
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        from django.db import connections

        connections.close_all()
        if keep:
            print(f"kept database {name}", file=sys.stderr)
            return
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


def clone(model, template, rows) -> None:
    """Insert one row per item of `rows` (dicts of attname → value) copying every other column
    from `template`: COPY on PostgreSQL, executemany on SQLite, in batches."""
    from django.db import connection, transaction

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    base = {f.attname: getattr(template, f.attname) for f in fields}
    table = model._meta.db_table
    postgres = connection.vendor == "postgresql"

    def prepared(row):
        values = {**base, **row}
        return [f.get_db_prep_save(values[f.attname], connection) for f in fields]

    batch: list = []

    def flush():
        if not batch:
            return
        with transaction.atomic(), connection.cursor() as wrapper:
            cur = wrapper.cursor  # the driver's own cursor
            if postgres:
                with cur.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
                    for values in batch:
                        copy.write_row(values)
            else:
                marks = ", ".join("?" * len(columns))
                cur.executemany(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})', batch)
        batch.clear()

    for row in rows:
        batch.append(prepared(row))
        if len(batch) >= 20_000:
            flush()
    flush()


class World:
    """The policy, one customer, and a template ticket opened through the real services whose rows
    are copied for every benchmark ticket."""

    def __init__(self):
        from escalade.escalation.models import EscalationCheck
        from escalade.orgs.access import Viewer
        from escalade.orgs.models import Contact, Organisation
        from escalade.policy.publish import apply_policy
        from escalade.sla.models import SlaClock
        from escalade.tickets.services import open_ticket

        apply_policy(POLICY, filename="timers.yaml", actor="bench")
        org = Organisation.objects.create(name="Bench Customer", slug="bench", plan="standard")
        contact = Contact.objects.create(organisation=org, name="Carla Customer", email="carla@example.com",
                                         is_primary=True)
        self.ticket = open_ticket(Viewer(None, "admin"), organisation=org, subject="Template ticket",
                                  description="Copied for the benchmark.", requester=contact, priority="P2")
        self.clocks = {c.kind: c for c in SlaClock.objects.filter(ticket=self.ticket)}
        self.check = EscalationCheck.objects.get(ticket=self.ticket)
        EscalationCheck.objects.filter(pk=self.check.pk).update(next_check_at=None)  # the template stays quiet
        self.loaded = 0

    def add_tickets(self, due_times: list[dt.datetime]) -> None:
        """One open ticket per first-response due time, with its two running clocks and its check."""
        from escalade.escalation.models import EscalationCheck
        from escalade.sla.models import SlaClock
        from escalade.tickets.models import Ticket

        last = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first()
        hour = dt.timedelta(hours=1)
        clone(Ticket, self.ticket, ({"subject": f"Bench ticket {self.loaded + i}", "created_at": d - hour,
                                     "updated_at": d - hour} for i, d in enumerate(due_times)))
        ids = list(Ticket.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True))
        assert len(ids) == len(due_times)
        pairs = list(zip(ids, due_times, strict=True))
        first, resolution = self.clocks["first_response"], self.clocks["resolution_target"]
        clone(SlaClock, first, ({"ticket_id": t, "started_at": d - hour, "running_since": d - hour, "due_at": d}
                                for t, d in pairs))
        clone(SlaClock, resolution, ({"ticket_id": t, "started_at": d - hour, "running_since": d - hour,
                                     "due_at": d + 7 * hour} for t, d in pairs))
        clone(EscalationCheck, self.check, ({"ticket_id": t, "next_check_at": d, "last_checked_at": None}
                                            for t, d in pairs))
        self.loaded += len(due_times)


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


# -- (a) lag --------------------------------------------------------------------------------------

def measure_lag(world: World, args, database_url: str) -> dict:
    from escalade import clock
    from escalade.escalation.models import Firing
    from escalade.notifications.models import OutboxMessage, Status

    rng = random.Random(4)
    began = time.monotonic()
    later = clock.now() + dt.timedelta(hours=2)
    background = args.running - args.due
    world.add_tickets([later + dt.timedelta(seconds=rng.uniform(0, 86_400)) for _ in range(background)])
    analyze()
    start = clock.now() + dt.timedelta(seconds=5)  # after the worker has started
    step = dt.timedelta(seconds=args.spread) / args.due
    world.add_tickets([start + step * i for i in range(args.due)])
    load_seconds = time.monotonic() - began

    data_dir = tempfile.mkdtemp(prefix="bench_timers_worker_")
    env = {**os.environ, "DATABASE_URL": database_url, "ESCALADE_DATA_DIR": data_dir, "SECRET_KEY": "bench",
           "LOG_LEVEL": "WARNING"}
    command = [str(Path(sys.executable).parent / "escalade"), "worker"]
    workers = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL) for _ in range(args.workers)]
    try:
        deadline = time.monotonic() + 5 + args.spread + args.timeout
        while time.monotonic() < deadline:
            time.sleep(1)
            if OutboxMessage.objects.filter(status=Status.SENT).count() >= args.due:
                break
            if any(w.poll() is not None for w in workers):
                raise SystemExit("a worker process stopped early")
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            w.wait(timeout=60)

    firings = list(Firing.objects.values_list("ticket_id", "key", "at", "recorded_at"))
    messages = {m.ticket_id: m for m in OutboxMessage.objects.all()}
    assert len({key for _, key, _, _ in firings}) == len(firings)
    recorded = [(rec - at).total_seconds() for _, _, at, rec in firings]
    committed = [(messages[t].created_at - at).total_seconds() for t, _, at, _ in firings if t in messages]
    delivered = [(messages[t].sent_at - at).total_seconds() for t, _, at, _ in firings
                 if t in messages and messages[t].sent_at]
    return {"running": args.running, "due": args.due, "spread": args.spread, "workers": args.workers,
            "load_seconds": load_seconds, "firings": len(firings), "tickets": len({t for t, *_ in firings}),
            "messages": len(messages), "sent": len(delivered),
            "recorded": recorded, "committed": committed, "delivered": delivered}


# -- (b) the cost of a sweep ----------------------------------------------------------------------

def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def measure_sweep(world: World, args) -> dict:
    import threading

    from django.db import connection, transaction

    from escalade import clock
    from escalade.escalation.models import EscalationCheck
    from escalade.escalation.sweep import check_due, due_checks
    from escalade.tickets.models import Status, Ticket
    from escalade.worker.loop import Worker

    rng = random.Random(5)
    began = time.monotonic()
    later = clock.now() + dt.timedelta(days=2)
    missing = args.open - Ticket.objects.filter(status=Status.OPEN).count()
    chunk = 200_000
    while missing > 0:
        n = min(chunk, missing)
        world.add_tickets([later + dt.timedelta(seconds=rng.uniform(0, 7 * 86_400)) for _ in range(n)])
        missing -= n
    analyze()
    load_seconds = time.monotonic() - began
    open_tickets = Ticket.objects.filter(status=Status.OPEN).count()
    checks = EscalationCheck.objects.filter(next_check_at__isnull=False).count()

    now = clock.now()
    with transaction.atomic():
        query = due_checks(now)[:1]  # as check_due runs it: .first()
        if connection.vendor == "postgresql":
            plan = query.explain(analyze=True, buffers=True)
        else:
            plan = query.explain()
    idle_check = timed(lambda: check_due(now), args.repeat)
    worker = Worker(stop=threading.Event())
    idle_round = timed(worker.run_round, args.repeat)

    def claim_some():
        offset = rng.randrange(0, checks - args.claim)
        pks = list(EscalationCheck.objects.filter(next_check_at__gt=now).order_by("pk")
                   .values_list("pk", flat=True)[offset:offset + args.claim])
        EscalationCheck.objects.filter(pk__in=pks).update(next_check_at=now - dt.timedelta(seconds=1))
        began = time.perf_counter()
        check_due(now, batch=args.claim)
        elapsed = time.perf_counter() - began
        assert not EscalationCheck.objects.filter(pk__in=pks, next_check_at__lte=now).exists()
        return elapsed

    claim_times = [claim_some() for _ in range(args.repeat)]
    return {"open": open_tickets, "checks": checks, "load_seconds": load_seconds, "plan": plan,
            "idle_check_ms": idle_check * 1000, "idle_round_ms": idle_round * 1000,
            "claim_ms_each": statistics.median(claim_times) * 1000 / args.claim, "claim": args.claim}


# -- report ---------------------------------------------------------------------------------------

def machine() -> str:
    from django.db import connection

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines()
                   if x.startswith("MemTotal")) / 1024 / 1024
    except OSError:
        mem = 0
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
            db = f"PostgreSQL {cur.fetchone()[0].split()[0]}"
        else:
            cur.execute("SELECT sqlite_version()")
            db = f"SQLite {cur.fetchone()[0]}"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{cpu}, {os.cpu_count()} CPUs, {mem:.0f} GB RAM; {platform.platform(terse=True)}; "
            f"Python {platform.python_version()}; {db}; load average {load} at the end")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--running", type=int, help="tickets with running clocks for (a) (100,000)")
    parser.add_argument("--due", type=int, help="of those, how many fall due during (a) (1,200)")
    parser.add_argument("--spread", type=float, help="seconds over which they fall due (120)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes during (a)")
    parser.add_argument("--open", type=int, help="open tickets for (b) (1,000,000); 0 skips (b)")
    parser.add_argument("--claim", type=int, default=50, help="due checks claimed per timed sweep in (b)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait after the last due time")
    parser.add_argument("--quick", action="store_true",
                        help="defaults of 10,000 running, 300 due over 30 s, 100,000 open")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()
    defaults = (10_000, 300, 30, 100_000) if args.quick else (100_000, 1_200, 120, 1_000_000)
    for name, value in zip(("running", "due", "spread", "open"), defaults, strict=True):
        if getattr(args, name) is None:
            setattr(args, name, value)
    database_url, drop = setup_database(args.keep)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "escalade.settings"
    os.environ.setdefault("ESCALADE_DATA_DIR", tempfile.mkdtemp(prefix="bench_timers_"))
    os.environ.setdefault("SECRET_KEY", "bench")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        world = World()
        lag = measure_lag(world, args, database_url)
        sweep = measure_sweep(world, args) if args.open else None
        report(args, lag, sweep, connection.vendor, machine())
    finally:
        drop()
    return 0


def report(args, lag: dict, sweep: dict | None, vendor: str, where: str) -> None:
    db = "PostgreSQL" if vendor == "postgresql" else "SQLite"

    def row(name, values):
        if not values:
            return f"| {name} | 0 | – | – | – |"
        return (f"| {name} | {len(values):,} | {statistics.median(values):.2f} s | {pct(values, 99):.2f} s | "
                f"{max(values):.2f} s |")

    print(f"""### Lag ({db}, {lag['workers']} worker{'s' if lag['workers'] > 1 else ''})

{lag['running']:,} tickets with running clocks (loaded in {lag['load_seconds']:.0f} s); {lag['due']:,} reach their
first-response due time evenly over {lag['spread']:g} s. Firings: {lag['firings']:,} on {lag['tickets']:,} tickets;
messages: {lag['messages']:,}, delivered: {lag['sent']:,}.

| lag after the due moment | firings | median | p99 | max |
|---|---:|---:|---:|---:|
{row("recorded (round's reference time)", lag['recorded'])}
{row("committed (message queued)", lag['committed'])}
{row("delivered (message sent)", lag['delivered'])}
""")
    if sweep:
        print(f"""### Sweep cost ({db})

{sweep['open']:,} open tickets, {sweep['checks']:,} pending checks (loaded in {sweep['load_seconds']:.0f} s).

| operation | median time |
|---|---:|
| check_due with nothing due | {sweep['idle_check_ms']:.2f} ms |
| a whole worker round with nothing due (every sweep) | {sweep['idle_round_ms']:.2f} ms |
| check_due claiming and evaluating a due ticket ({sweep['claim']} per run) | {sweep['claim_ms_each']:.2f} ms each |

The due-check query plan:

```
{sweep['plan']}
```
""")
    print(f"Machine: {where}.")
    if lag["firings"] != lag["due"] or lag["tickets"] != lag["due"] or lag["messages"] != lag["due"]:
        print(f"WARNING: expected {lag['due']} firings and messages, one per ticket", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
