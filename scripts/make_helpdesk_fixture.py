"""Regenerate tests/transfer/helpdesk_fixture/: a small, real django-helpdesk 2.6 database, made by
the peer itself, committed as an SQLite dump (helpdesk.sql) with its attachment files (media/).

django-helpdesk is never a dependency of Escalade: run this with the Python of a separate venv
that has it (the peer setup in shared/peers/django-helpdesk: setup.sh makes that venv, project/ is a
minimal Django project hosting it):

    PEER=<path to peers/django-helpdesk>
    $PEER/setup.sh                                   # venv in /tmp/peer-dh (DH_SCRATCH)
    /tmp/peer-dh/venv/bin/python scripts/make_helpdesk_fixture.py --project $PEER/project

The data: two queues, three staff users and two submitters, eight tickets in every status and
priority, public and internal follow-ups, three attachments. Dates are fixed, so the dump is the
same on every run. Only the tables the importer reads are dumped (users, queues, tickets,
follow-ups, attachments), schema and rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "transfer" / "helpdesk_fixture"
TABLES = ["auth_user", "helpdesk_queue", "helpdesk_ticket", "helpdesk_followup",
          "helpdesk_followupattachment"]
T0 = dt.datetime(2026, 10, 5, 8, 0, tzinfo=dt.UTC)  # a Monday


def build() -> None:
    """Runs inside the peer's Django project (DJANGO_SETTINGS_MODULE set): make the data."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from helpdesk.models import FollowUp, FollowUpAttachment, Queue, Ticket

    call_command("migrate", verbosity=0)
    staff = {name: User.objects.create_user(name, f"{name}@helpdesk.example.com", "pw", is_staff=True,
                                            first_name=name.title(), last_name="Agent")
             for name in ("anna", "ben", "chloe")}
    User.objects.create_user("dora", "dora@customer.example.com", "pw", first_name="Dora", last_name="Customer")
    support = Queue.objects.create(title="Support", slug="SUP", email_address="support@helpdesk.example.com")
    billing = Queue.objects.create(title="Billing Questions", slug="BILL", email_address="billing@helpdesk.example.com")

    def at(hours: float) -> dt.datetime:
        return T0 + dt.timedelta(hours=hours)

    def ticket(queue, title, submitter, status, priority, hours, assigned=None, resolution=""):
        t = Ticket.objects.create(queue=queue, title=title, submitter_email=submitter, status=status,
                                  priority=priority, description=f"{title}. Reported by {submitter}.",
                                  assigned_to=assigned, resolution=resolution)
        Ticket.objects.filter(pk=t.pk).update(created=at(hours), modified=at(hours))
        t.refresh_from_db()
        return t

    def follow_up(t, hours, comment, *, public=True, user=None, new_status=None, files=()):
        f = FollowUp.objects.create(ticket=t, title="Comment", comment=comment, public=public, user=user,
                                    new_status=new_status)
        FollowUp.objects.filter(pk=f.pk).update(date=at(hours))
        Ticket.objects.filter(pk=t.pk).update(modified=at(hours))
        for name, content, mime in files:
            a = FollowUpAttachment(followup=f, filename=name, mime_type=mime, size=len(content))
            a.file.save(name, ContentFile(content), save=True)
        return f

    vpn = ticket(support, "VPN drops every hour", "dora@customer.example.com", 1, 2, 0)
    follow_up(vpn, 1, "Which client version do you run?", user=staff["anna"])
    follow_up(vpn, 2, "Version 5.1, log attached.", files=[("vpn.log", b"09:00 tunnel up\n10:00 tunnel down\n",
                                                            "text/plain")])
    follow_up(vpn, 3, "Looks like the rekey timer; checking with the vendor.", public=False, user=staff["anna"])

    mail = ticket(support, "Mail server rejects attachments", "eve@other.example.com", 2, 1, 5, staff["ben"])
    follow_up(mail, 6, "Fixed the size limit.", user=staff["ben"], new_status=3)
    follow_up(mail, 8, "Still happening with PDFs.", new_status=2,
              files=[("bounce.eml", b"From: mailer-daemon@example.com\nSubject: Undeliverable\n\nToo big.\n",
                      "message/rfc822")])

    printer = ticket(support, "Printer on fire", "dora@customer.example.com", 3, 3, 10, staff["chloe"],
                     resolution="Replaced the fuser.")
    follow_up(printer, 12, "Replaced the fuser.", user=staff["chloe"], new_status=3)

    ticket(support, "Password reset", "dora@customer.example.com", 4, 4, 20, staff["anna"],
           resolution="Reset done.")
    ticket(support, "VPN drops (again)", "dora@customer.example.com", 5, 3, 22)
    invoice = ticket(billing, "Invoice 2026-09 wrong total", "eve@other.example.com", 1, 3, 24)
    follow_up(invoice, 25, "Screenshot of the total.", files=[("total.png", _png(), "image/png")])
    follow_up(invoice, 26, "Forwarded to finance.", public=False, user=staff["ben"])
    ticket(billing, "Refund request", "eve@other.example.com", 1, 5, 30, staff["ben"])
    ticket(billing, "Change billing address", "dora@customer.example.com", 4, 4, 40, resolution="Updated.")


def _png() -> bytes:
    """A 1×1 PNG (a real image, 67 bytes)."""
    import base64

    return base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJ"
                            "RU5ErkJggg==")


def dump(db: Path, out: Path) -> None:
    """Schema and rows of TABLES, in that order, as SQL statements SQLite reads back."""
    con = sqlite3.connect(db)
    lines = ["-- A django-helpdesk 2.6 database (made by scripts/make_helpdesk_fixture.py; do not edit).",
             "BEGIN TRANSACTION;"]
    for table in TABLES:
        (schema,) = con.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone()
        lines.append(schema + ";")
        columns = [row[1] for row in con.execute(f'PRAGMA table_info("{table}")')]
        for row in con.execute(f'SELECT * FROM "{table}" ORDER BY id'):
            values = ", ".join(_sql(v) for v in row)
            lines.append(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({values});')
    lines.append("COMMIT;")
    out.write_text("\n".join(lines) + "\n")


def _sql(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", required=True, help="the peer's Django project folder (with manage.py)")
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.build:
        build()
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "helpdesk.sqlite3"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dhbench.settings", "DH_DB": "sqlite",
               "DH_SQLITE_PATH": str(db), "DH_SCRATCH": scratch, "PYTHONPATH": args.project}
        subprocess.run([sys.executable, __file__, "--project", args.project, "--build"], env=env, check=True)
        shutil.rmtree(OUT, ignore_errors=True)
        OUT.mkdir(parents=True)
        dump(db, OUT / "helpdesk.sql")
        shutil.copytree(Path(scratch) / "media", OUT / "media")
    sys.stdout.write(f"wrote {OUT}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
