"""Audit writers: do writers to different tickets wait on each other for the audit log?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_audit_tmp .venv/bin/python bench/audit_writers.py

The database named by DATABASE_URL must not exist: the benchmark creates and drops it (`--keep`
leaves it). 1, 2, 4 and 8 writer threads open tickets through the real services (VIOE policy: SLA
clocks, escalation check, acknowledgement, two audit events each) for `--seconds` each, in two modes,
interleaved:

- `sequenced`: the audit log as it is (writers insert events; the sequencer seals them later);
- `head-row`: the same, but each ticket's transaction first locks one shared row until it commits,
  as the first audit trail's `AuditHead` did — what every writer waited on before.

Then the sequencer seals everything the runs wrote and the whole log is verified. Reported: tickets/s,
p50 and p99 latency per ticket, and the sequencer's events/s.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timers import setup_database  # noqa: E402

# VIOE 8.4: the information every new ticket must carry.
VIOE_REQUIRED = {"steps_to_reproduce": "Print", "expected_behaviour": "Paper", "actual_behaviour": "Smoke",
                 "error_messages": "E-451", "affected_users": "The whole office", "business_impact": "No invoices"}


def run(threads: int, seconds: float, head_row: bool) -> tuple[int, list[float]]:
    from django.db import connection, transaction

    from escalade.audit.models import LogState
    from escalade.orgs.access import Viewer
    from escalade.orgs.models import Contact, Organisation
    from escalade.tickets.services import open_ticket

    org = Organisation.objects.get(slug="bench")
    requester = Contact.objects.get(organisation=org)
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    lock = threading.Lock()

    def writer():
        mine = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            with transaction.atomic():
                if head_row:
                    LogState.objects.select_for_update().get(pk=1)
                open_ticket(Viewer(None, "admin"), organisation=org, requester=requester, subject="Bench",
                            description="Printer on fire", priority="P2", intake=True, **VIOE_REQUIRED)
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
        connection.close()

    workers = [threading.Thread(target=writer) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return len(latencies), latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--threads", default="1,2,4,8")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url, drop = setup_database(args.keep)
    if not url.startswith("postgres"):
        raise SystemExit("bench/audit_writers.py needs PostgreSQL: set DATABASE_URL to a throwaway database")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "escalade.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    from escalade import clock
    from escalade.audit.models import Event, LogState
    from escalade.audit.sequencer import seal_pending
    from escalade.audit.verify import verify_log
    from escalade.orgs.models import Contact, Level, Organisation
    from escalade.policy.publish import apply_policy

    try:
        call_command("migrate", verbosity=0)
        apply_policy((ROOT / "examples/policies/vioe.yaml").read_text(), filename="vioe.yaml", actor="bench")
        Level.objects.create(key="T1", name="Tier 1", rank=1)
        org = Organisation.objects.create(name="Bench Ltd", slug="bench", plan="premium", timezone="Europe/London")
        Contact.objects.create(organisation=org, name="Carla", email="carla@bench.example.com", is_primary=True)
        LogState.objects.get_or_create(pk=1)
        run(1, 1, head_row=False)  # warm up: the policy compiled, connections open
        load = os.getloadavg()
        rows = []
        for n in [int(t) for t in args.threads.split(",")]:
            for mode in ("head-row", "sequenced"):
                count, lat = run(n, args.seconds, head_row=mode == "head-row")
                lat.sort()
                rows.append((n, mode, count / args.seconds, statistics.median(lat) * 1000,
                             lat[int(len(lat) * 0.99) - 1] * 1000))
                print(f"{n} threads, {mode}: {rows[-1][2]:.1f} tickets/s", file=sys.stderr)
        events = Event.objects.filter(seq__isnull=True).count()
        started = time.perf_counter()
        while seal_pending(clock.now()):
            pass
        sealing = time.perf_counter() - started
        result = verify_log()
        print(f"\nPostgreSQL, {args.seconds:g} s per run; {platform.machine()}, {os.cpu_count()} CPUs; "
              f"load average {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} at start, "
              f"{os.getloadavg()[0]:.2f} at the end\n")
        print("| writer threads | audit | tickets/s | p50 ms | p99 ms |")
        print("|---:|---|---:|---:|---:|")
        for n, mode, rate, p50, p99 in rows:
            print(f"| {n} | {mode} | {rate:,.1f} | {p50:,.0f} | {p99:,.0f} |")
        print(f"\nSequencer: sealed {events:,} events in {sealing:.1f} s ({events / sealing:,.0f} events/s); "
              f"verify: {result.message}")
    finally:
        drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
