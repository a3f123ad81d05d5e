"""Loop protection (RFC 3834): which messages must never get an automatic reply, which are
themselves automatic replies (never a ticket or a reply on one), and the per-address rate limit
on what we send automatically."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import connection, transaction

from escalade.mail.models import AutoReply, InboundEmail
from escalade.mail.parse import ParsedEmail

AUTO_REPLY = "auto_reply"  # an out-of-office or other automatic response: ignored
AUTOMATED = "automated"  # machine-sent or list mail: may become a ticket, never gets an automatic reply

_LIST_HEADERS = ("List-Id", "List-Unsubscribe", "List-Post", "List-Help", "List-Subscribe", "List-Owner",
                 "List-Archive")
_ROBOTS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|noreply|no-reply|do-not-reply|donotreply|"
                     r"bounces?|listserv|majordomo)([+.-].*)?$", re.I)
_AUTO_SUBJECT = re.compile(
    r"^\s*(out of (the )?office|automatic reply|auto(matic)?[ -]?reply|auto[ -]?response|"
    r"abwesenheitsnotiz|absence|r[ée]ponse automatique|respuesta autom[áa]tica)\b", re.I)


@dataclass(frozen=True)
class Automation:
    kind: str  # AUTO_REPLY or AUTOMATED
    reason: str


def automation(p: ParsedEmail, envelope_from: str = "", own_addresses: frozenset[str] = frozenset()) -> (
        Automation | None):
    """Why this message must not be answered automatically (and whether it is itself an
    automatic reply), or None for mail a person sent."""
    if p.from_address and p.from_address in own_addresses:
        return Automation(AUTO_REPLY, f"sent from our own address {p.from_address} (a loop)")
    auto_submitted = p.header("Auto-Submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        kind = AUTO_REPLY if auto_submitted == "auto-replied" else AUTOMATED
        return Automation(kind, f"Auto-Submitted: {auto_submitted}")
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply"):
        if p.has_header(name):
            return Automation(AUTO_REPLY, f"{name} header")
    precedence = p.header("Precedence").strip().lower()
    if precedence == "auto_reply":
        return Automation(AUTO_REPLY, "Precedence: auto_reply")
    if _AUTO_SUBJECT.match(p.subject):
        return Automation(AUTO_REPLY, f"subject {p.subject[:60]!r} is an automatic reply")
    if precedence in ("bulk", "list", "junk"):
        return Automation(AUTOMATED, f"Precedence: {precedence}")
    for name in _LIST_HEADERS:
        if p.has_header(name):
            return Automation(AUTOMATED, f"mailing list mail ({name})")
    suppress = p.header("X-Auto-Response-Suppress").lower()
    if any(word in suppress for word in ("all", "oof", "autoreply")):
        return Automation(AUTOMATED, f"X-Auto-Response-Suppress: {suppress}")
    local = p.from_address.split("@", 1)[0]
    if _ROBOTS.match(local):
        return Automation(AUTOMATED, f"sender {p.from_address} is a robot address")
    if envelope_from.strip() == "<>":
        return Automation(AUTOMATED, "empty envelope sender (MAIL FROM:<>)")
    return None


def may_auto_reply(address: str, now: dt.datetime, per_hour: int) -> bool:
    """Whether fewer than `per_hour` automatic replies went to `address` in the hour before `now`
    (a look only: `take_auto_reply` counts one under a lock)."""
    recent = AutoReply.objects.filter(address=address.lower(), at__gt=now - dt.timedelta(hours=1))
    return recent.count() < per_hour


def note_auto_reply(address: str, now: dt.datetime, kind: str, inbound: InboundEmail | None) -> None:
    AutoReply.objects.create(address=address.lower(), at=now, kind=kind, inbound=inbound)


def take_auto_reply(address: str, now: dt.datetime, per_hour: int, kind: str, inbound: InboundEmail | None) -> bool:
    """Count one automatic reply of `kind` to `address` at `now` if fewer than `per_hour` went there
    in the hour before; False (nothing counted) when the limit is reached. Exact with several
    workers: on PostgreSQL the address is locked first (a transaction-level advisory lock on the
    address alone, so only mail to the same address waits), then the count and the insert are one
    statement; on SQLite the IMMEDIATE transaction already holds the write lock."""
    table = connection.ops.quote_name(AutoReply._meta.db_table)
    address = address.lower()
    at, since = (connection.ops.adapt_datetimefield_value(t) for t in (now, now - dt.timedelta(hours=1)))
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"escalade.auto_reply:{address}"])
        # Uses the index mail_auto_reply_recent.
        cursor.execute(
            f"INSERT INTO {table} (address, at, kind, inbound_id) SELECT %s, %s, %s, %s "
            f"WHERE (SELECT COUNT(*) FROM {table} WHERE address = %s AND at > %s) < %s",
            [address, at, kind, inbound.pk if inbound is not None else None, address, since, per_hour])
        return cursor.rowcount == 1
