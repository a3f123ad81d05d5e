"""django-helpdesk's side of bench/versus_django_helpdesk.py. Runs inside the peer's scratch venv
with the project in ./project on the path; one action per process, printing one JSON line.
Adapted from the peer baseline's bench_worker.py (our script; none of the peer's code is here).

    prepare                      superuser, site, queue `bench` with a local mail directory
    seed --n N                   N open tickets, priority 3, ten days old (bulk_create, as its bench)
    queries                      SQL of one API create and of list page 1 (CaptureQueriesContext)
    get-email --dir DIR          copy DIR's messages into the queue's mail directory, time get_email
    escalate --workers K         K concurrent `manage.py escalate_tickets`, timed until all exit
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.join(HERE, "project")
SCRATCH = os.environ["DH_SCRATCH"]
MAILDIR = os.path.join(SCRATCH, "maildir")
ADMIN = ("admin", "bench-admin-pw-123")  # a local benchmark account only
QUEUE = "bench"
CONTACTS = 300


def setup_django():
    sys.path.insert(0, PROJECT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dhbench.settings")
    import django

    django.setup()


def body_text(i):
    # The same text as bench/versus/common.py (this file runs in the peer's venv, without it).
    return (f"Bench ticket {i}. The customer reports that the export job fails with a timeout after roughly "
            "five minutes. Steps: open the report, choose CSV, press export. Expected a file, got an error "
            f"page. Browser: Firefox. Account: ACME-{i % 1000:05d}.")


def payload(queue_id, i):
    return {"queue": queue_id, "title": f"Bench ticket {i}: export fails", "description": body_text(i),
            "submitter_email": f"customer{i % CONTACTS}@example.org", "priority": 1 + i % 5}


def prepare(args):
    from django.contrib.auth import get_user_model
    from django.contrib.sites.models import Site
    from helpdesk.models import Queue

    get_user_model().objects.create_superuser(ADMIN[0], "admin@example.com", ADMIN[1])
    Site.objects.update_or_create(id=1, defaults={"domain": "127.0.0.1", "name": "bench"})
    q = Queue.objects.create(slug=QUEUE, title="Bench", email_address="support@example.com", escalate_days=1,
                             allow_email_submission=True, email_box_type="local",
                             email_box_local_dir=MAILDIR, email_box_interval=0)
    return {"queue": q.id}


def seed(args):
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone
    from helpdesk.models import Queue, Ticket

    q = Queue.objects.get(slug=QUEUE)
    began = time.perf_counter()
    with transaction.atomic():
        Ticket.objects.bulk_create(
            [Ticket(title=f"Seed ticket {i}", queue=q, submitter_email=f"customer{i % CONTACTS}@example.org",
                    description=body_text(i), priority=3, status=Ticket.OPEN_STATUS) for i in range(args.n)],
            batch_size=5000)
        # `created` is auto_now_add; age the tickets past the queue's escalate_days.
        Ticket.objects.filter(queue=q).update(created=timezone.now() - timedelta(days=10))
    return {"seeded": args.n, "seed_s": round(time.perf_counter() - began, 1)}


def queries(args):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from helpdesk.models import Queue

    q = Queue.objects.get(slug=QUEUE)
    c = Client()
    c.force_login(get_user_model().objects.get(username=ADMIN[0]))

    def create(i):
        r = c.post("/api/tickets/", payload(q.id, i), content_type="application/json")
        assert r.status_code == 201, (r.status_code, r.content[:300])

    create(-1)
    with CaptureQueriesContext(connection) as ctx:
        create(-2)
    per_create = len(ctx.captured_queries)
    c.get("/api/tickets/?page=1")
    with CaptureQueriesContext(connection) as ctx:
        r = c.get("/api/tickets/?page=1")
    assert r.status_code == 200, r.status_code
    return {"queries_per_create": per_create, "list_queries": len(ctx.captured_queries)}


def get_email(args):
    from django.core.management import call_command
    from helpdesk.models import FollowUp, Ticket

    shutil.rmtree(MAILDIR, ignore_errors=True)
    shutil.copytree(args.dir, MAILDIR)
    n = len(os.listdir(MAILDIR))
    tickets, followups = Ticket.objects.count(), FollowUp.objects.count()
    began = time.perf_counter()
    call_command("get_email", "--quiet")
    wall = time.perf_counter() - began
    return {"messages": n, "wall_s": round(wall, 2), "per_s": round(n / wall, 1),
            "new_tickets": Ticket.objects.count() - tickets, "followups": FollowUp.objects.count() - followups,
            "left_in_maildir": len(os.listdir(MAILDIR))}


def escalate(args):
    from django.db import connection
    from django.db.models import Count
    from helpdesk.models import FollowUp, Ticket

    due = Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES).exclude(priority=1).count()
    connection.close()
    log = open(os.path.join(SCRATCH, f"escalate-{args.workers}.log"), "w")
    command = [sys.executable, "manage.py", "escalate_tickets"]
    began = time.perf_counter()
    procs = [subprocess.Popen(command, cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT)
             for _ in range(args.workers)]
    codes = [p.wait() for p in procs]
    wall = time.perf_counter() - began
    log.close()
    per_ticket = (FollowUp.objects.filter(title="Ticket Escalated").values("ticket")
                  .annotate(n=Count("id")))
    escalated = per_ticket.count()
    return {"due": due, "workers": args.workers, "exit_codes": codes, "escalated": escalated,
            "doubled": per_ticket.filter(n__gt=1).count(), "wall_s": round(wall, 2),
            "per_s": round(escalated / wall, 1)}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="action", required=True)
    sub.add_parser("prepare")
    sub.add_parser("seed").add_argument("--n", type=int, required=True)
    sub.add_parser("queries")
    sub.add_parser("get-email").add_argument("--dir", required=True)
    sub.add_parser("escalate").add_argument("--workers", type=int, default=1)
    args = p.parse_args()
    setup_django()
    action = {"prepare": prepare, "seed": seed, "queries": queries, "get-email": get_email,
              "escalate": escalate}[args.action]
    print(json.dumps(action(args)))


if __name__ == "__main__":
    main()
