"""Monitoring in a simulation: the scenario's organisations own monitored systems, events script
their outages and maintenance, and the production engine does the rest in virtual time —
`monitoring.sweep.claim_due` claims each system when its check is due and
`monitoring.incidents.record_outcome` stores the result and opens, updates or recovers the
incident ticket. Only the network check itself is replaced by the script (a system is down while
an outage covers the check's instant), so a simulation needs no network.

    organisations:
      - name: Acme
        plan: partner
        assets: [{name: MyCorpServer acme-01, ref: acme-down}]   # ref: name the incident ticket
    events:
      - {at: +1h,  outage: {asset: MyCorpServer acme-01, for: 3h, detail: HTTP 503}}
      - {at: +5h,  recovery: {asset: MyCorpServer acme-01}}
      - {at: +0m,  maintenance: {org: Acme, starts: +1d, for: 2h, notice: 8d, reason: Disk swap}}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from escalade.monitoring.availability import format_percent, monthly_availability
from escalade.monitoring.checks import Outcome
from escalade.monitoring.incidents import record_outcome
from escalade.monitoring.models import MonitoredAsset
from escalade.monitoring.services import add_asset, schedule_maintenance
from escalade.monitoring.settings import monitoring_policy
from escalade.monitoring.sweep import claim_due, interval_of
from escalade.monitoring.windows import in_maintenance
from escalade.orgs.models import Organisation
from escalade.simulate import format as fmt
from escalade.simulate.scenario import Event, duration, instant
from escalade.simulate.timeline import Entry
from escalade.tickets.models import Ticket

EVENT_KINDS = ("outage", "recovery", "maintenance")


@dataclass
class Outage:
    starts_at: dt.datetime
    ends_at: dt.datetime | None  # None: until a recovery event
    detail: str


@dataclass
class SimulatedMonitoring:
    """The monitored systems of a simulation, their scripted outages, and what the timeline shows."""

    start: dt.datetime
    tickets: dict[str, Ticket]
    assets: dict[str, MonitoredAsset] = field(default_factory=dict)
    refs: dict[int, str] = field(default_factory=dict)  # asset pk → ticket ref of its incident
    outages: dict[int, list[Outage]] = field(default_factory=dict)
    lines: list[Entry] = field(default_factory=list)

    # -- setting up and scripting --------------------------------------------------------------

    def add_assets(self, orgs: dict[str, Organisation], specs: list[fmt.Organisation]) -> None:
        for org_spec in specs:
            org = orgs[org_spec.name]
            for spec in org_spec.assets:
                minutes = int(duration(spec.interval).total_seconds() // 60) if spec.interval else None
                asset = add_asset(org, name=spec.name, kind=spec.kind, at=self.start, is_public=spec.public,
                                  target=spec.target or f"https://{org.slug}.example.com/status",
                                  interval_minutes=minutes)
                self.assets[asset.name] = asset
                self.outages[asset.pk] = []
                if spec.ref:
                    self.refs[asset.pk] = spec.ref

    def script(self, events: list[Event]) -> None:
        """Read the `outage` and `recovery` events up front: they describe how the systems behave,
        so a check due at the very instant an outage starts already fails."""
        for event in events:
            d = event.data
            if event.kind == "outage":
                ends = event.at + duration(d.for_) if d.for_ else None
                self.outages[self.assets[d.asset].pk].append(Outage(event.at, ends, d.detail))
            elif event.kind == "recovery":
                for outage in self.outages[self.assets[d.asset].pk]:
                    if outage.ends_at is None or outage.ends_at > event.at:
                        outage.ends_at = event.at

    def apply(self, event: Event, orgs: dict[str, Organisation]) -> None:
        """Carry out a `maintenance` event at its instant (outages and recoveries are scripted)."""
        d = event.data
        if event.kind == "maintenance":
            asset = self.assets[d.asset] if d.asset else None
            org = orgs[d.org] if d.org else None
            starts = instant(d.starts, self.start) if d.starts else event.at
            ends = instant(d.ends, self.start) if d.ends else starts + duration(d.for_)
            announced = starts - duration(d.notice) if d.notice else event.at
            window = schedule_maintenance(starts_at=starts, ends_at=ends, reason=d.reason,
                                          organisation=org, asset=asset, announced_at=announced)
            scope = asset.name if asset else (org.name if org else "the whole service")
            owner = org or (asset.organisation if asset else None)
            self._line(event.at, "", "monitoring.maintenance",
                       f"{scope}: {window.reason} {starts:%Y-%m-%d %H:%M}Z–{ends:%Y-%m-%d %H:%M}Z, announced "
                       f"{announced:%Y-%m-%d %H:%M}Z ({(starts - announced).days} days ahead)",
                       owner.timezone if owner else "")

    # -- the sweep -----------------------------------------------------------------------------

    def outcome(self, asset: MonitoredAsset, now: dt.datetime) -> Outcome:
        for outage in self.outages.get(asset.pk, []):
            if outage.starts_at <= now and (outage.ends_at is None or now < outage.ends_at):
                return Outcome(False, None, f"simulated: {outage.detail}")
        return Outcome(True, 42, "simulated: HTTP 200")

    def sweep(self, now: dt.datetime) -> int:
        """The worker's monitoring sweep with scripted outcomes: claim due systems, record each result."""
        section, priority = monitoring_policy()
        claimed = claim_due(now, section, batch=1000)
        for claimed_asset in claimed:
            with transaction.atomic():
                asset = (MonitoredAsset.objects.select_for_update(of=("self",))
                         .select_related("incident", "organisation").get(pk=claimed_asset.pk))
                before = (asset.consecutive_failures, asset.incident_id, asset.last_note_at, asset.down_since)
                outcome = self.outcome(asset, now)
                record_outcome(asset, outcome, now, section=section, priority=priority,
                               interval=interval_of(asset, section))
                self._explain(asset, before, outcome, now, section.failures_before_incident)
        return len(claimed)

    def _explain(self, asset: MonitoredAsset, before, outcome: Outcome, now: dt.datetime, needed: int) -> None:
        failures_before, incident_before, note_before, down_since = before

        def line(ticket: str, what: str, detail: str) -> None:
            self._line(now, ticket, what, detail, asset.organisation.timezone)

        number = asset.incident.number if asset.incident_id else ""
        if outcome.ok:
            if failures_before:
                line(number, "monitoring.up",
                 f"{asset.name} responds again after {int((now - down_since).total_seconds() // 60)} "
                 f"minutes ({failures_before} failed checks)")
            return
        if asset.consecutive_failures == 1:
            line("", "monitoring.down",
                 f"{asset.name}: check failed ({outcome.detail}); an incident needs {needed} in sequence")
        if asset.consecutive_failures != needed:
            if asset.consecutive_failures > needed and asset.last_note_at != note_before:
                line(number, "monitoring.note", f"{asset.name} still down: note on {number}")
            return
        if asset.incident_id != incident_before:
            line(number, "monitoring.incident",
                 f"{asset.name}: {needed} failed checks in sequence → {number} opened at "
                       f"{asset.incident.priority}")
            ref = self.refs.get(asset.pk)
            if ref:
                self.tickets[ref] = asset.incident
        elif incident_before is not None and asset.incident.status not in ("resolved", "closed"):
            line(number, "monitoring.flapping",
                 f"{asset.name}: {needed} failed checks again while {number} is still open: "
                 "added to it, no new ticket")
        else:
            window = in_maintenance(asset, now)
            why = f"inside maintenance {window.reason!r}" if window else "but no incident opened"
            line("", "monitoring.suppressed", f"{asset.name}: {needed} failed checks {why}: no ticket")

    def _line(self, at: dt.datetime, ticket: str, what: str, detail: str, tz: str = "") -> None:
        self.lines.append(Entry(at, ticket, what, detail, tz))

    # -- after the run -------------------------------------------------------------------------

    def availability(self, until: dt.datetime) -> None:
        """One line per organisation with systems and month simulated: availability and credit."""
        section, _ = monitoring_policy()
        months = []
        month = self.start.date().replace(day=1)
        while month <= until.date():
            months.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        orgs = {a.organisation_id: a.organisation for a in self.assets.values()}
        for org in sorted(orgs.values(), key=lambda o: o.name):
            for month in months:
                r = monthly_availability(org, month, section)
                met = "" if r.meets_target is None else (" met" if r.meets_target else " MISSED")
                claim = f", claim by {r.claim_by:%Y-%m-%d}" if r.claim_by else ""
                self._line(until, "", "monitoring.availability",
                 f"{org.name} {month:%Y-%m} (simulated checks only): {format_percent(r.availability)}, "
                 f"target {section.availability_target:g}%{met}; {r.excluded_seconds // 60} min excluded; "
                 f"credit {float(r.credit_percent):g}%{claim}")
