"""Side by side with django-helpdesk: the same workloads on the peer and on Escalade, interleaved
(peer, Escalade, peer, Escalade), on SQLite and PostgreSQL, with one Markdown table per database.

    .venv/bin/python bench/versus_django_helpdesk.py --quick             # smoke run, a few minutes
    .venv/bin/python bench/versus_django_helpdesk.py                     # full run (an hour or more)
    .venv/bin/python bench/versus_django_helpdesk.py --db sqlite --workloads create,list --repeats 3
    .venv/bin/python bench/versus_django_helpdesk.py --self-test         # Escalade's side only, tiny

The peer (django-helpdesk 2.6.1 from PyPI, exact versions in bench/versus/peer/requirements.lock)
is installed into its own venv under the temporary directory on first use (--peer-venv); it is
never a dependency of Escalade. Databases, mail and logs go to a scratch directory under the
temporary directory, removed at the end (--keep leaves it). PostgreSQL: a server whose user may
create databases (--postgres); the harness creates and drops its own databases there.

Workloads (--workloads):
  create      REST ticket create over HTTP: --clients threads (one connection each) against
              --server-workers processes (gunicorn for the peer, `escalade serve --workers` for
              Escalade), --creates tickets; the peer with session + CSRF, Escalade with one API token
              per thread. SQL queries of one create counted in-process (CaptureQueriesContext).
  list        API list page 1 (25 tickets) with --tickets tickets: median of 5 GETs, and its queries.
              Both: 3 untimed requests per server process first, so no process answers cold.
  email       --emails messages generated once (bench/versus/common.make_mails); the peer reads them
              from its queue's local mail directory (get_email); Escalade stores each through its
              intake and one worker turns them into tickets and acknowledgements (to the last ticket).
  escalation  --tickets due tickets, with 1 and with 2 workers: the peer's escalate_tickets run once
              per worker; `escalade worker` processes until every ticket has its firing. Doubles =
              tickets escalated more than once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "versus"))
from common import make_mails  # noqa: E402
from sides import Escalade, Peer, default_peer_venv  # noqa: E402

WORKLOADS = ["create", "list", "email", "escalation"]
FULL = {"creates": 2000, "tickets": 10_000, "emails": 1000}
QUICK = {"creates": 200, "tickets": 500, "emails": 200}
SELF_TEST = {"creates": 12, "tickets": 20, "emails": 20}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("--quick", action="store_true", help=f"small sizes for a smoke run: {QUICK}")
    p.add_argument("--self-test", action="store_true",
                   help="Escalade's side of every workload on a few tickets, checked; no peer")
    p.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both (comma-separated)")
    p.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated: " + ", ".join(WORKLOADS))
    p.add_argument("--repeats", type=int, default=1, help="runs of each workload per side (medians reported)")
    p.add_argument("--creates", type=int, help=f"tickets created over HTTP (full: {FULL['creates']})")
    p.add_argument("--tickets", type=int, help=f"tickets for list and escalation (full: {FULL['tickets']})")
    p.add_argument("--emails", type=int, help=f"messages to import (full: {FULL['emails']})")
    p.add_argument("--clients", type=int, default=4, help="HTTP client threads")
    p.add_argument("--server-workers", type=int, default=4, help="server processes, both sides")
    p.add_argument("--server-threads", type=int, default=1, help="threads per server process, both sides")
    p.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL",
                                                        "postgres://postgres@127.0.0.1:5432/postgres"))
    p.add_argument("--peer-venv", default=default_peer_venv())
    p.add_argument("--keep", action="store_true", help="keep the scratch directory (and print where)")
    p.add_argument("--json", type=Path, help="also write every raw result to this file")
    args = p.parse_args(argv)
    sizes = SELF_TEST if args.self_test else QUICK if args.quick else FULL
    for key, value in sizes.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.self_test:
        args.server_workers = 2
    args.dbs = [d.strip() for d in args.db.split(",") if d.strip()]
    args.workloads_list = [w.strip() for w in args.workloads.split(",") if w.strip()]
    unknown = set(args.dbs) - {"sqlite", "postgres"} | set(args.workloads_list) - set(WORKLOADS)
    if unknown:
        p.error(f"unknown database or workload: {', '.join(sorted(unknown))}")
    return args


def run_database(kind: str, args, scratch: Path, mails: Path) -> dict:
    """Every chosen workload on one database, peer and Escalade in turn; returns the raw results."""
    sides = [Escalade(kind, scratch, args.postgres, args)]
    if not args.self_test:
        sides.insert(0, Peer(kind, scratch, args.postgres, args))
    results: dict = {"db": kind, "load_start": os.getloadavg(), "started": now(), "runs": {}}
    try:
        for side in sides:
            log(f"{kind}: preparing {side.label}")
            side.prepare()
        for workload in args.workloads_list:
            variants = [1, 2] if workload == "escalation" else [None]
            for variant in variants:
                name = workload if variant is None else f"{workload}_{variant}w"
                for rep in range(args.repeats):
                    for side in sides:  # interleaved: peer, Escalade, peer, Escalade
                        began = time.monotonic()
                        if workload == "email":
                            out = side.email(mails)
                        elif workload == "escalation":
                            out = side.escalation(variant)
                        else:
                            out = getattr(side, workload)()
                        out["step_s"] = round(time.monotonic() - began, 1)
                        results["runs"].setdefault(name, {}).setdefault(side.key, []).append(out)
                        log(f"{kind} {name} #{rep + 1} {side.label}: {brief(out)}")
    finally:
        for side in sides:
            side.dbs.drop_all()
    results["load_end"] = os.getloadavg()
    results["seeding"] = {side.key: side.seeded for side in sides}
    return results


def brief(out: dict) -> str:
    keys = ("per_s", "p50_ms", "p99_ms", "errors", "list_ms", "list_queries", "queries_per_create",
            "new_tickets", "escalated", "doubled", "failed_sweeps", "step_s")
    return ", ".join(f"{k}={out[k]}" for k in keys if k in out)


def median(runs: list[dict], key: str):
    values = [r[key] for r in runs if isinstance(r.get(key), (int, float))]
    return statistics.median(values) if values else None


ROWS = [  # (workload, key, label, better)
    ("create", "per_s", "REST create over HTTP, tickets/s", "higher"),
    ("create", "p50_ms", "REST create, p50 latency (ms)", "lower"),
    ("create", "p99_ms", "REST create, p99 latency (ms)", "lower"),
    ("create", "errors", "REST create, failed requests", None),
    ("create", "queries_per_create", "SQL queries per create", "lower"),
    ("list", "list_ms", "List page 1 (25 of {tickets} tickets), ms", "lower"),
    ("list", "list_queries", "List page 1, SQL queries", "lower"),
    ("email", "per_s", "Email import, messages/s (to the last ticket)", "higher"),
    ("email", "new_tickets", "Email import, new tickets", None),
    ("escalation_1w", "per_s", "Escalation of {tickets} due tickets, 1 worker, tickets/s", "higher"),
    ("escalation_1w", "doubled", "Escalation, 1 worker, tickets escalated twice", None),
    ("escalation_2w", "per_s", "Escalation of {tickets} due tickets, 2 workers, tickets/s", "higher"),
    ("escalation_2w", "doubled", "Escalation, 2 workers, tickets escalated twice", None),
]


def fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def table(results: dict, args) -> str:
    runs = results["runs"]
    db = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[results["db"]]
    lines = [f"### {db}", "",
             f"| workload | {Peer.label} | {Escalade.label} | Escalade's advantage |", "|---|---:|---:|---:|"]
    for workload, key, label, better in ROWS:
        if workload not in runs:
            continue
        peer, ours = (median(runs[workload].get(side, []), key) for side in ("peer", "escalade"))
        ratio = "–"
        if better and peer is not None and ours is not None:
            num, den = (ours, peer) if better == "higher" else (peer, ours)
            ratio = f"{num / den:.2f}x" if den else ("same" if num == den else "∞")
        lines.append(f"| {label.format(tickets=f'{args.tickets:,}')} | {fmt(peer)} | {fmt(ours)} | {ratio} |")
    start, end = (", ".join(f"{x:.2f}" for x in results[k]) for k in ("load_start", "load_end"))
    lines += ["", f"Load average {start} at the start, {end} at the end ({results['started']}); "
              f"{args.repeats} run(s) per side, medians. Advantage > 1: Escalade is better "
              "(throughput: Escalade / peer; times and queries: peer / Escalade)."]
    extra = notes(runs, results.get("seeding", {}))
    return "\n".join(lines + ([""] + extra if extra else []))


def notes(runs: dict, seeding: dict) -> list[str]:
    """What a reader needs besides the medians: errors, failed sweeps, seeding times."""
    out = []
    for name, sides in runs.items():
        for side, rs in sides.items():
            samples = [s for r in rs for s in r.get("error_samples", [])]
            if samples:
                out.append(f"- {name}, {side}: failed requests, e.g. {samples[0]}")
            failed = sum(r.get("failed_sweeps", 0) for r in rs)
            if failed:
                out.append(f"- {name}, {side}: {failed} worker sweep(s) failed and were retried")
            codes = [c for r in rs for c in r.get("exit_codes", []) if c]
            if codes:
                out.append(f"- {name}, {side}: escalate_tickets exited with status {codes}")
    for side, s in seeding.items():
        if s:
            out.append(f"- {side}: {s['seeded']:,} tickets seeded in {s['seed_s']} s"
                       + (" (through tickets.services.open_ticket)" if side == "escalade" else " (bulk_create)"))
    return out


def self_check(results: dict, args) -> list[str]:
    """What the self-test demands of Escalade's side: every workload did all its work, once."""
    runs, problems = results["runs"], []

    def first(name):
        return runs.get(name, {}).get("escalade", [{}])[0]

    if "create" in runs:
        c = first("create")
        if c.get("errors") or not c.get("per_s") or not c.get("queries_per_create") or c.get("server_exit") != 0:
            problems.append(f"create: {c}")
    if "list" in runs and not (first("list").get("list_ms") and first("list").get("list_queries")):
        problems.append(f"list: {first('list')}")
    if "email" in runs:
        e = first("email")
        if e.get("inbound", {}).get("processed") != args.emails or e.get("new_tickets") != args.emails * 9 // 10:
            problems.append(f"email: {e}")
    for name in ("escalation_1w", "escalation_2w"):
        if name in runs:
            r = first(name)
            if r.get("escalated") != args.tickets or r.get("doubled") or r.get("wall_s") is None:
                problems.append(f"{name}: {r}")
    return problems


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv=None) -> int:
    args = parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="escalade-versus-"))
    mails = scratch / "mails"
    all_results, problems = [], []
    try:
        if "email" in args.workloads_list:
            make_mails(mails, args.emails, reply_to_max=100)
        for kind in args.dbs:
            results = run_database(kind, args, scratch, mails)
            all_results.append(results)
            print(table(results, args) + "\n", flush=True)
            if args.self_test:
                problems += [f"{kind} {p}" for p in self_check(results, args)]
    finally:
        if args.keep:
            log(f"scratch kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print(f"Sizes: {args.creates:,} creates, {args.tickets:,} tickets (list, escalation), {args.emails:,} "
          f"emails; {args.clients} client threads, {args.server_workers} server processes × "
          f"{args.server_threads} thread(s). Machine: {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}.")
    if args.json:
        args.json.write_text(json.dumps(all_results, indent=1, default=str))
    for problem in problems:
        print(f"SELF-TEST FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
