"""Monitoring: how many checks a minute one worker sustains against loopback targets, and how late
checks run after they fall due (scheduling lag).

    .venv/bin/python bench/monitoring.py                       # 2,000 systems due over 30 s, SQLite
    .venv/bin/python bench/monitoring.py --assets 5000 --spread 60 --db postgres

A fresh database (a temporary SQLite file, or a new PostgreSQL database dropped afterwards) is
migrated; `--assets` HTTP systems point at one threaded loopback HTTP server (half answer 200,
every tenth 500, so incidents are opened and updated too); their first checks fall due evenly
over `--spread` seconds. The real sweep (`check_due_assets`, thread pool of 8) runs in a loop on
the system clock until every system was checked once. Printed: checks per minute and the lag
(result time − due time) median / p95 / max, plus a Markdown block for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):  # noqa: N802
        status = 500 if self.path.endswith("/fail") else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"OK")

    def log_message(self, *args):
        pass


def setup_database(db: str, pg_url: str) -> tuple[str, callable]:
    if db == "sqlite":
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        return f"sqlite:///{path}", lambda: None
    import psycopg

    name = f"bench_mon_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return pg_url.rsplit("/", 1)[0] + "/" + name, drop


def run(args) -> dict:
    os.environ["DATABASE_URL"], drop = setup_database(args.db, args.postgres)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "escalade.settings")
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command

    from escalade import clock
    from escalade.monitoring.models import CheckResult, MonitoredAsset
    from escalade.monitoring.sweep import check_due_assets
    from escalade.orgs.models import Organisation
    from escalade.policy.publish import apply_policy

    try:
        call_command("migrate", verbosity=0)
        apply_policy((ROOT / "examples/policies/mycorp.yaml").read_text(), actor="bench")
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        orgs = [Organisation.objects.create(name=f"Customer {i}", slug=f"c{i}") for i in range(50)]
        start = clock.now() + dt.timedelta(seconds=2)
        step = dt.timedelta(seconds=args.spread) / args.assets
        MonitoredAsset.objects.bulk_create(
            MonitoredAsset(organisation=orgs[i % 50], name=f"server {i}", kind="http", timeout_seconds=5,
                           target=f"{base}/{i}/{'fail' if i % 10 == 0 else 'ok'}", created_at=start,
                           heartbeat_token=uuid.uuid4().hex, next_check_at=start + step * i)
            for i in range(args.assets))
        due = dict(MonitoredAsset.objects.values_list("pk", "next_check_at"))
        began = time.monotonic()
        while CheckResult.objects.count() < args.assets:
            if not check_due_assets(clock.now(), batch=args.batch):
                time.sleep(0.01)
        elapsed = time.monotonic() - began
        lags = sorted((at - due[pk]).total_seconds() for pk, at in CheckResult.objects.values_list("asset_id", "at"))
        busy = max(elapsed - 2, 1e-9)  # the first checks fall due 2 s in
        return {"db": args.db, "assets": args.assets, "spread": args.spread, "seconds": elapsed,
                "per_minute": args.assets / busy * 60, "lag_median": statistics.median(lags),
                "lag_p95": lags[int(len(lags) * 0.95) - 1], "lag_max": lags[-1]}
    finally:
        drop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=2000)
    parser.add_argument("--spread", type=float, default=30, help="seconds over which the checks fall due")
    parser.add_argument("--batch", type=int, default=64, help="systems claimed per sweep")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG))
    args = parser.parse_args()
    r = run(args)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    row = (f"| {r['db']} | {r['assets']:,} | {r['spread']:g} s | {r['per_minute']:,.0f} | "
           f"{r['lag_median']:.2f} s | {r['lag_p95']:.2f} s | {r['lag_max']:.2f} s |")
    print(f"""## Monitoring (bench/monitoring.py)

Run with `.venv/bin/python bench/monitoring.py --assets {r['assets']} --spread {r['spread']:g} --db {r['db']}`.

| database | systems | due over | checks/minute (one worker, 8 threads) | lag median | lag p95 | lag max |
|---|---:|---:|---:|---:|---:|---:|
{row}

Targets: one threaded HTTP server on loopback (every tenth answers 500, so incidents open and get
notes). Lag is the time a result was recorded (the sweep's reference time) minus the time the check
fell due; the worker polls every 10 ms when idle. Machine: {platform.machine()}, {os.cpu_count()} CPUs,
load average {load} at the end; Python {platform.python_version()}.
""")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
