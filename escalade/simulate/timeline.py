"""The simulation's timeline: what happened, in time order, one line each — ticket events, clocks,
breaches, firings, level and team changes, billable records, tasks, queued messages, monitoring
and the warnings the engine logged. Each line with a ticket also shows the customer's local time.
`fold` folds runs of identical lines into one with a count."""

from __future__ import annotations

import datetime as dt
import logging
import re
import zoneinfo
from dataclasses import asdict, dataclass

from escalade.audit.models import Event
from escalade.escalation.models import BillableRecord, ReviewTask
from escalade.notifications.models import OutboxMessage
from escalade.orgs.models import Contact
from escalade.sla.selectors import ORDER as CLOCK_ORDER
from escalade.tickets.models import Ticket

SHOWN_ACTIONS = ("ticket.opened", "ticket.status_changed", "ticket.updated", "ticket.replied",
                 "ticket.escalation_requested", "sla.clocks_started", "sla.clocks_retargeted", "sla.breached",
                 "escalation.fired", "escalation.management_raised", "escalation.management_attempt",
                 "escalation.management_step", "escalation.management_answered",
                 "escalation.follow_ups_created", "escalation.follow_up_overdue", "review_task.done")
WARNING = "warning"
_NUMBER = re.compile(r"\bESC-\d{6}\b")


@dataclass
class Line:
    at: str  # "2026-11-23 09:00Z"
    ticket: str
    what: str
    detail: str
    ref: str = ""  # the scenario's name for the ticket (`open.ref`, an asset's `ref`)
    local: str = ""  # the customer's local time, "Mon 04:00 EST", for lines about a ticket
    note: str = ""  # e.g. why a page went by email instead of the channel the person chose
    count: int = 1  # identical lines folded into this one (see fold)
    last: str = ""  # when folded: the time of the last of them

    def text(self) -> str:
        note = f" [{self.note}]" if self.note else ""
        folded = f"  (x{self.count}, last {self.last})" if self.count > 1 else ""
        ticket = f"{self.ticket} {self.ref}".strip()
        return f"{self.at}  {self.local:<15}  {ticket:<21}  {self.what:<28} {self.detail}{note}{folded}"


@dataclass
class Entry:
    """A line before formatting: its instant and the time zone to show it in."""
    at: dt.datetime
    ticket: str
    what: str
    detail: str
    tz: str = ""
    note: str = ""


def minute(at: dt.datetime) -> str:
    return f"{at.astimezone(dt.UTC):%Y-%m-%d %H:%M}Z"


def local(at: dt.datetime, tz: str) -> str:
    return f"{at.astimezone(zoneinfo.ZoneInfo(tz)):%a %H:%M %Z}" if tz else ""


class WarningLog(logging.Handler):
    """Collects what the engine logs at WARNING or above while a simulation runs, at the simulated
    instant, so warnings are part of the timeline rather than lost on stderr."""

    def __init__(self, now):
        super().__init__(level=logging.WARNING)
        self.now = now
        self.entries: list[Entry] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            message += f": {record.exc_info[1]!r}"
        number = _NUMBER.search(message)
        self.entries.append(Entry(self.now(), number[0] if number else "", WARNING, message))


def build(extra: list[Entry], refs: dict[str, str]) -> list[Line]:
    """Every line, in time order; within a minute: `extra` (monitoring) first, then the audit trail,
    billable records, tasks, queued messages, and warnings last. `refs`: ticket number → the
    scenario's name for it."""
    zones = dict(Ticket.objects.values_list("pk", "organisation__timezone"))
    by_number = {f"ESC-{pk:06d}": tz for pk, tz in zones.items()}
    for e in extra:
        e.tz = e.tz or by_number.get(e.ticket, "")
    entries = [e for e in extra if e.what != WARNING]
    for e in Event.objects.filter(action__in=SHOWN_ACTIONS).order_by("at", "id"):
        entries.append(Entry(e.at, f"ESC-{e.ticket_id:06d}" if e.ticket_id else "", e.action, detail(e),
                             zones.get(e.ticket_id, "")))
    for b in BillableRecord.objects.order_by("at", "pk"):
        entries.append(Entry(b.at, f"ESC-{b.ticket_id:06d}", "billable", f"rule {b.rule}: {b.reason}",
                             zones.get(b.ticket_id, "")))
    for t in ReviewTask.objects.exclude(kind="follow_up").order_by("created_at", "pk"):
        what = t.title or t.reason
        entries.append(Entry(t.created_at, f"ESC-{t.ticket_id:06d}", f"task.{t.kind}",
                             f"for {t.role} (rule {t.rule}): {what}", zones.get(t.ticket_id, "")))
    # A message about no ticket (a maintenance notice) is shown in its recipient's local time.
    contacts = Contact.objects.values_list("email", "phone", "organisation__timezone")
    people = {address: tz for email, phone, tz in contacts for address in (email, phone) if address}
    for m in OutboxMessage.objects.order_by("created_at", "pk"):
        who = m.payload.get("role") or m.recipient_name or "?"
        tz = zones.get(m.ticket_id, "") if m.ticket_id else people.get(m.recipient, "")
        entries.append(Entry(m.created_at, f"ESC-{m.ticket_id:06d}" if m.ticket_id else "", f"notify.{m.kind}",
                             f"{m.channel} to {who} <{m.recipient}>: {m.subject}", tz, m.payload.get("fallback", "")))
    entries += [e for e in extra if e.what == WARNING]
    entries.sort(key=lambda e: minute(e.at))
    return [Line(minute(e.at), e.ticket, e.what, " ".join(e.detail.split()), refs.get(e.ticket, ""),
                 local(e.at, e.tz), e.note) for e in entries]


def fold(lines: list[Line]) -> list[Line]:
    """Runs of lines with the same ticket, kind and text become one line with their count and the
    time of the last (a page that could not go out, repeated every minute for a day, is one line)."""
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if prev and (prev.ticket, prev.what, prev.detail, prev.note) == (line.ticket, line.what, line.detail,
                                                                         line.note):
            prev.count += line.count
            prev.last = line.last or line.at
        else:
            out.append(Line(**asdict(line)))
    return out


def as_dicts(lines: list[Line]) -> list[dict]:
    return [asdict(line) for line in lines]


def _when(value) -> str:
    return str(value)[:16].replace("T", " ") + "Z"


def detail(e: Event) -> str:
    """One event's line, in words."""
    after, before = e.after or {}, e.before or {}
    if e.action == "sla.clocks_started":
        # PostgreSQL's jsonb keeps no key order: list the clocks in their fixed order.
        clocks = sorted(after.items(), key=lambda kv: CLOCK_ORDER.index(kv[0]) if kv[0] in CLOCK_ORDER else 99)
        return "; ".join(f"{kind} due {_when(due)}" for kind, due in clocks)
    if e.action == "escalation.fired":
        return f"rule {after.get('rule')}: {', '.join(after.get('actions', []))}"
    if e.action == "sla.breached":
        return after.get("target", "")
    if e.action == "ticket.updated":
        return ", ".join(f"{k} {before.get(k)} → {v}" for k, v in sorted(after.items()))
    if e.action == "ticket.status_changed":
        how = f" ({after['resolution_type']})" if after.get("resolution_type") else ""
        return f"{before.get('status')} → {after.get('status')}{how}"
    if e.action == "escalation.follow_ups_created":
        return "; ".join(f"{t['title']} due {_when(t['due_at'])}" for t in after.get("tasks", []))
    if e.action == "escalation.follow_up_overdue":
        return f"{after.get('task')} due {_when(after.get('due_at'))} → {after.get('role')}"
    return ", ".join(f"{k}={v}" for k, v in sorted(after.items()))[:200]
