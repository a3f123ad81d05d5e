"""In-process profile of one REST ticket create and of a batch of mails (issue #14), on the
database DATABASE_URL names (SQLite in a temporary directory without it). The harness's own
preparation (bench/versus/escalade_actions.py) and mail corpus (bench/versus/common.make_mails).

    .venv/bin/python bench/create_mail_profile.py --creates 30 --mails 200
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/create_mail_profile.py
    .venv/bin/python bench/create_mail_profile.py --profile create    # cProfile, top functions

Printed: statements per create (and which), CPU ms per create (median), statements per mail with the
worker running until idle (tickets made and acknowledgements sent), grouped by statement shape.
A PostgreSQL database named in DATABASE_URL is created fresh and dropped at the end.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import os
import pstats
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "versus"))
import escalade_actions as actions  # noqa: E402 (the harness's Escalade side)
from common import make_mails  # noqa: E402


def shape(sql: str) -> str:
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    sql = re.sub(r"\(\s*(\?|%s)(\s*,\s*(\?|%s))*\s*\)", "(…)", sql)
    return sql[:150]


def show(title: str, queries: list[dict], per: int) -> None:
    print(f"\n{title}: {len(queries)} statements, {len(queries) / per:.2f} per item")
    for sql, n in collections.Counter(shape(q["sql"]) for q in queries).most_common(25):
        print(f"  {n / per:6.2f}  {sql}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--creates", type=int, default=30)
    p.add_argument("--mails", type=int, default=200)
    p.add_argument("--profile", choices=["create", "mail"], help="cProfile this part, print the top")
    args = p.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="create-mail-profile-"))
    os.environ.setdefault("ESCALADE_DATA_DIR", str(scratch))
    pg = os.environ.get("DATABASE_URL", "").startswith("postgres")
    if pg:
        import psycopg

        url = os.environ["DATABASE_URL"]
        base, name = url.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')
            c.execute(f'CREATE DATABASE "{name}"')
    actions.setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()  # the test client without the ALLOWED_HOSTS check
    try:
        state = actions.prepare(clients=1)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {state['tokens'][0]}")

        def create(i):
            r = client.post("/api/tickets", actions.payload(state, i), content_type="application/json")
            assert r.status_code == 201, (r.status_code, r.content[:300])

        for i in range(3):
            create(-1 - i)
        with CaptureQueriesContext(connection) as ctx:
            create(-10)
        show("one create", ctx.captured_queries, 1)
        profiler = cProfile.Profile() if args.profile == "create" else None
        cpu = []
        for i in range(args.creates):
            began = time.process_time()
            if profiler:
                profiler.enable()
            create(i)
            if profiler:
                profiler.disable()
            cpu.append(time.process_time() - began)
        print(f"create: CPU {statistics.median(cpu) * 1000:.1f} ms median of {args.creates}")
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)

        from escalade.mail.adapters import accept
        from escalade.notifications.models import OutboxMessage
        from escalade.tickets.models import Ticket
        from escalade.worker.loop import Worker

        maildir = scratch / "mail"
        maildir.mkdir()
        make_mails(maildir, args.mails, reply_to_max=min(100, Ticket.objects.count()))
        files = sorted(maildir.iterdir())
        tickets = Ticket.objects.count()
        with CaptureQueriesContext(connection) as stored:
            for f in files:
                accept(f.read_bytes(), source="bench")
        show("storing mail", stored.captured_queries, len(files))
        worker = Worker(stop=threading.Event(), idle_seconds=0)
        profiler = cProfile.Profile() if args.profile == "mail" else None
        began, cpu0 = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as worked:
            if profiler:
                profiler.enable()
            while worker.run_round():
                pass
            if profiler:
                profiler.disable()
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu0
        show("worker until idle, per mail", worked.captured_queries, len(files))
        print(f"mail: {len(files)} in {wall:.2f} s ({len(files) / wall:.1f}/s), CPU {cpu * 1000 / len(files):.1f} ms "
              f"per mail; new tickets {Ticket.objects.count() - tickets}, "
              f"sent {OutboxMessage.objects.filter(status='sent').count()}")
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
    finally:
        connection.close()
        if pg:
            with psycopg.connect(base + "/postgres", autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{name}"')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
