"""Escalation in-process: how many SQL statements one escalated ticket costs, and where the time
goes. The side-by-side benchmark's escalation workload (bench/versus: its policy, its customer,
tickets opened through the services, every first response made due), run by worker rounds in
this process under Django's CaptureQueriesContext until every ticket has its firing and every
notification is sent (the URLconf, which the first message's link imports, is imported before).

    .venv/bin/python bench/escalation_profile.py --tickets 300
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME_tmp .venv/bin/python bench/escalation_profile.py
    .venv/bin/python bench/escalation_profile.py --cprofile 25     # also the 25 costliest functions

On PostgreSQL the database DATABASE_URL names must not exist: it is created and dropped at the
end. Without DATABASE_URL a temporary SQLite file is used. Prints the statements per escalated
ticket by kind (SAVEPOINT, SELECT … FROM table, INSERT INTO table, …)."""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "versus"))

from timers import setup_database  # noqa: E402 (a script next to this one)


def kind_of(sql: str) -> str:
    """'SELECT escalation_firing', 'UPDATE tickets_ticket', 'SAVEPOINT', …: what a statement is."""
    words = sql.split(None, 1)
    verb = words[0].upper() if words else "?"
    if verb in ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT"):
        return verb
    table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql, re.IGNORECASE)
    return f"{verb} {table.group(1) if table else ''}".strip()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tickets", type=int, default=300)
    p.add_argument("--cprofile", type=int, default=0, metavar="N", help="print the N costliest functions")
    p.add_argument("--sort", default="cumulative", help="the profile's order: cumulative, tottime, …")
    p.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    p.add_argument("--sql", type=Path, help="write every statement to this file, one a line")
    args = p.parse_args()
    url, drop = setup_database(args.keep)
    os.environ.update(DATABASE_URL=url, LOG_LEVEL="WARNING", SECRET_KEY="bench-only", ESCALADE_ENV="development")
    import escalade_actions as bench  # noqa: E402

    bench.setup_django()
    try:
        return profile(bench, args)
    finally:
        drop()


def profile(bench, args) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from escalade.escalation.models import Firing
    from escalade.notifications.models import OutboxMessage
    from escalade.worker.loop import Worker

    bench.prepare(clients=1)
    seeded = bench.seed(args.tickets)
    due = bench.make_due()
    worker = Worker(idle_seconds=0)
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the URLconf imported once, before the clock starts)
    profiler = cProfile.Profile() if args.cprofile else None
    began = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        if profiler:
            profiler.enable()
        rounds = 0
        while True:
            rounds += 1
            worker.run_round()
            if (Firing.objects.filter(rule=bench.RULE).count() >= due
                    and not OutboxMessage.objects.filter(status__in=["pending", "sending"]).exists()):
                break
        if profiler:
            profiler.disable()
    wall = time.perf_counter() - began
    escalated = Firing.objects.filter(rule=bench.RULE).values("ticket").distinct().count()
    kinds = Counter(kind_of(q["sql"]) for q in queries.captured_queries)
    seconds = Counter()
    for q in queries.captured_queries:
        seconds[kind_of(q["sql"])] += float(q["time"])
    total = len(queries.captured_queries)
    print(f"{connection.vendor}: {seeded['seeded']} tickets seeded, {due} due, {escalated} escalated in {rounds} "
          f"rounds, {wall:.2f} s ({escalated / wall:.1f} tickets/s in process, rounds' own checks included)")
    print(f"{total} statements, {total / max(escalated, 1):.2f} per escalated ticket")
    print(f"{sum(seconds.values()):.2f} s in the database (as the client waits for it)")
    print("  per ticket  count  seconds  statement")
    for kind, n in kinds.most_common():
        print(f"  {n / max(escalated, 1):9.3f}  {n:5d}  {seconds[kind]:7.3f}  {kind}")
    if args.sql:
        args.sql.write_text("".join(" ".join(q["sql"].split())[:300] + "\n" for q in queries.captured_queries))
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.cprofile)
        if os.environ.get("PROFILE_DUMP"):
            profiler.dump_stats(os.environ["PROFILE_DUMP"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
