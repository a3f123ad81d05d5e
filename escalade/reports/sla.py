"""SLA reports: compliance (clocks met against clocks breached), every breach explained in plain
words, and how long first responses took in business time against their targets.

A clock counts once it is decided: breached (in the month of its due time, when it was breached)
or met (stopped in time, in the month it stopped). Running and paused clocks that are not yet past
due are not counted. The next-update clock restarts with every public reply, so it counts the
interval that ran last; its earlier breaches stay in the audit log.
"""

from __future__ import annotations

import datetime as dt
import statistics
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from escalade.escalation.models import Firing
from escalade.orgs.access import Viewer
from escalade.reports.scope import ReportFilter, tickets
from escalade.sla.explain import duration_words
from escalade.sla.models import ClockKind, ClockStatus, SlaClock
from escalade.sla.words import target_in_words

KIND_ORDER = [k.value for k in ClockKind]
KIND_LABELS = {"first_response": gettext_lazy("First response"), "next_update": gettext_lazy("Next update"),
               "resolution_target": gettext_lazy("Resolution target"),
               "resolution_maximum": gettext_lazy("Resolution maximum")}
# Each kind of clock inside a sentence: "first response due …".
DUE_WHAT = {"first_response": gettext_lazy("first response"), "next_update": gettext_lazy("next update"),
            "resolution_target": gettext_lazy("resolution target"),
            "resolution_maximum": gettext_lazy("resolution maximum")}
# What ends each kind of clock, in words: "answered 15:10", and what is missing while it runs.
ENDED = {"first_response": gettext_lazy("answered %(at)s"), "next_update": gettext_lazy("updated %(at)s"),
         "resolution_target": gettext_lazy("resolved %(at)s"), "resolution_maximum": gettext_lazy("resolved %(at)s")}
NOT_ENDED = {"first_response": gettext_lazy("no answer yet at %(at)s"),
             "next_update": gettext_lazy("no update yet at %(at)s"),
             "resolution_target": gettext_lazy("not resolved yet at %(at)s"),
             "resolution_maximum": gettext_lazy("not resolved yet at %(at)s")}


def _clocks(viewer: Viewer, flt: ReportFilter):
    return SlaClock.objects.filter(ticket__in=tickets(viewer, flt))


# -- compliance ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Decided:
    kind: str
    plan: str
    priority: str
    month: str  # YYYY-MM (UTC) of the due time (breached) or the stop (met)
    met: bool


@dataclass
class Tally:
    met: int = 0
    breached: int = 0

    @property
    def total(self) -> int:
        return self.met + self.breached

    @property
    def percent(self) -> float | None:
        """Share of decided clocks met, percent with one decimal; None when none was decided."""
        return round(100 * self.met / self.total, 1) if self.total else None


@dataclass(frozen=True)
class Compliance:
    clocks: list[Decided]

    def by(self, dimension: str, kind: str | None = None) -> dict[str, Tally]:
        """Tallies per value of `dimension` (kind, plan, priority or month), optionally of one kind
        of clock, in sorted order."""
        out: dict[str, Tally] = defaultdict(Tally)
        for c in self.clocks:
            if kind is not None and c.kind != kind:
                continue
            tally = out[getattr(c, dimension)]
            if c.met:
                tally.met += 1
            else:
                tally.breached += 1
        order = (lambda k: KIND_ORDER.index(k)) if dimension == "kind" else (lambda k: k)
        return {key: out[key] for key in sorted(out, key=order)}

    @property
    def overall(self) -> Tally:
        return Tally(met=sum(c.met for c in self.clocks), breached=sum(not c.met for c in self.clocks))

    @property
    def kinds(self) -> list[str]:
        return sorted({c.kind for c in self.clocks}, key=KIND_ORDER.index)


def compliance(viewer: Viewer, flt: ReportFilter) -> Compliance:
    """The clocks decided in the filter's range: breached ones by their due (= breach) time, met
    ones by when they stopped."""
    breached = Q(breached_at__gte=flt.start, breached_at__lt=flt.end)
    met = Q(breached_at__isnull=True, status=ClockStatus.STOPPED, stopped_at__gte=flt.start, stopped_at__lt=flt.end)
    rows = _clocks(viewer, flt).filter(breached | met).values_list(
        "kind", "plan", "priority", "breached_at", "stopped_at")
    return Compliance([Decided(kind, plan, priority, f"{breached_at or stopped_at:%Y-%m}", breached_at is None)
                       for kind, plan, priority, breached_at, stopped_at in rows])


# -- breaches explained ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Breach:
    number: str
    subject: str
    organisation: str
    plan: str
    priority: str
    kind: str
    target: str  # the target in words, from the policy
    due_at: dt.datetime
    ended_at: dt.datetime | None  # answered, updated or resolved; None while it still runs
    late_seconds: float  # wall-clock time past due, until it ended (or until `now`)
    explanation: str  # "first response due Tue 24 Nov 14:00 GMT, answered 15:10 (1 h 10 min late)"
    escalation: str  # what the escalation rules did after it, or ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def late_text(self) -> str:
        return duration_words(self.late_seconds)


def _local(at: dt.datetime, tz: zoneinfo.ZoneInfo, *, same_day_as: dt.datetime | None = None) -> str:
    """`Tue 24 Nov 14:00 GMT`, or just `15:10` on the same local day as `same_day_as` (day and month
    names in the reader's language)."""
    here = at.astimezone(tz)
    if same_day_as is not None and same_day_as.astimezone(tz).date() == here.date():
        return f"{here:%H:%M}"
    return f"{dateformat.format(here, 'D d M H:i')} {here:%Z}"


def explain_breach(kind: str, due_at: dt.datetime, ended_at: dt.datetime | None, now: dt.datetime,
                   tz_name: str) -> str:
    """One sentence a manager reads: what was due when (in the customer's time zone), when it
    happened (or that it has not yet), and how late."""
    tz = zoneinfo.ZoneInfo(tz_name)
    what = DUE_WHAT.get(kind, kind.replace("_", " "))
    head = _("%(what)s due %(due)s") % {"what": what, "due": _local(due_at, tz)}
    if ended_at is not None:
        ended = ENDED.get(kind, gettext_lazy("done %(at)s")) % {"at": _local(ended_at, tz, same_day_as=due_at)}
        return _("%(head)s, %(ended)s (%(late)s late)") % {
            "head": head, "ended": ended, "late": duration_words((ended_at - due_at).total_seconds())}
    missing = NOT_ENDED.get(kind, gettext_lazy("not done yet at %(at)s")) % {"at": _local(now, tz, same_day_as=due_at)}
    return _("%(head)s, %(missing)s (%(late)s late so far)") % {
        "head": head, "missing": missing, "late": duration_words((now - due_at).total_seconds())}


def describe_firing(firing: Firing) -> str:
    """A firing's actions in words: "rule p1_unanswered: escalated L1 → L2, head_of_support paged"."""
    parts = []
    for action in firing.actions or []:
        kind = action.get("kind", "")
        role = action.get("role", "")
        if kind == "escalate":
            parts.append(_("escalated %(from)s → %(to)s") % {"from": action.get("from_level"),
                                                               "to": action.get("to_level")})
        elif kind == "notify":
            parts.append(_("%(role)s notified") % {"role": role})
        elif kind == "page":
            parts.append(_("%(role)s paged") % {"role": role})
        elif kind == "call":
            parts.append(_("call to %(role)s") % {"role": role})
        elif kind == "status_update_to_customer":
            parts.append(_("status update sent to the customer"))
        elif kind == "review_task":
            parts.append(_("review by %(role)s") % {"role": role})
        elif kind == "management_escalation":
            parts.append(_("management escalation to %(role)s") % {"role": role})
        else:
            parts.append(kind.replace("_", " "))
    return _("rule %(rule)s: %(actions)s") % {"rule": firing.rule, "actions": ", ".join(parts) or _("no action")}


def breaches(viewer: Viewer, flt: ReportFilter, now: dt.datetime, limit: int = 200) -> list[Breach]:
    """The clocks breached in the range (newest first, at most `limit`), each explained, with the
    escalation firings of its ticket from its due time until it ended."""
    found = list(_clocks(viewer, flt).filter(breached_at__gte=flt.start, breached_at__lt=flt.end)
                 .select_related("ticket", "ticket__organisation").order_by("-breached_at", "pk")[:limit])
    firings: dict[int, list[Firing]] = defaultdict(list)
    for firing in Firing.objects.filter(ticket_id__in={c.ticket_id for c in found}).order_by("at", "pk"):
        firings[firing.ticket_id].append(firing)
    out = []
    for c in found:
        ended = c.stopped_at if c.status == ClockStatus.STOPPED else None
        until = ended or now
        followed = [describe_firing(f) for f in firings[c.ticket_id] if c.breached_at <= f.at <= until]
        out.append(Breach(
            number=c.ticket.number, subject=c.ticket.subject, organisation=c.ticket.organisation.name,
            plan=c.plan, priority=c.priority, kind=c.kind, target=target_in_words(c), due_at=c.breached_at,
            ended_at=ended, late_seconds=max(0.0, (until - c.breached_at).total_seconds()),
            explanation=explain_breach(c.kind, c.breached_at, ended, now, c.ticket.organisation.timezone),
            escalation="; ".join(followed)))
    return out


# -- first responses -------------------------------------------------------------------------------

# Buckets of the first-response histogram, as a share of the target (percent): upper bounds.
FIRST_RESPONSE_BUCKETS = (25, 50, 75, 100, 150, 200)
FIRST_RESPONSE_LABELS = (gettext_lazy("≤25%"), gettext_lazy("25–50%"), gettext_lazy("50–75%"),
                         gettext_lazy("75–100%"), gettext_lazy("100–150%"), gettext_lazy("150–200%"),
                         gettext_lazy(">200%"))


@dataclass(frozen=True)
class FirstResponses:
    by_priority: dict[str, list[int]]  # priority → a count per bucket (FIRST_RESPONSE_LABELS)
    medians: dict[str, tuple[float, float]]  # priority → (median business minutes, target minutes)

    @property
    def total(self) -> int:
        return sum(sum(counts) for counts in self.by_priority.values())


def bucket_of(elapsed_minutes: float, target_minutes: float) -> int:
    """The histogram bucket of a response that took `elapsed_minutes` of a `target_minutes` target."""
    share = 100 * elapsed_minutes / target_minutes if target_minutes else float("inf")
    for index, bound in enumerate(FIRST_RESPONSE_BUCKETS):
        if share <= bound:
            return index
    return len(FIRST_RESPONSE_BUCKETS)


def first_responses(viewer: Viewer, flt: ReportFilter) -> FirstResponses:
    """First responses given in the range (the clock stopped by the first public reply): business
    minutes taken, as a share of the target, per priority."""
    rows = (_clocks(viewer, flt).filter(kind=ClockKind.FIRST_RESPONSE, status=ClockStatus.STOPPED,
                                        stopped_at__gte=flt.start, stopped_at__lt=flt.end)
            .values_list("priority", "elapsed_minutes", "target_minutes"))
    counts: dict[str, list[int]] = {}
    minutes: dict[str, list[float]] = defaultdict(list)
    targets: dict[str, float] = {}
    for priority, elapsed, target in rows:
        counts.setdefault(priority, [0] * len(FIRST_RESPONSE_LABELS))[bucket_of(elapsed, target)] += 1
        minutes[priority].append(elapsed)
        targets[priority] = target
    return FirstResponses(by_priority=dict(sorted(counts.items())),
                          medians={p: (round(statistics.median(v), 1), targets[p]) for p, v in sorted(minutes.items())})
