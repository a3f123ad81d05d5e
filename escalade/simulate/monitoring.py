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
import re
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
from escalade.simulate.scenario import Event, ScenarioError, instant
from escalade.tickets.models import Ticket

EVENT_KINDS = ("outage", "recovery", "maintenance")
ASSET_FIELDS = {"name", "kind", "target", "interval", "public", "ref"}
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def duration(value, where: str) -> dt.timedelta:
    """`30m`, `2h`, `1.5d`, or a number of minutes."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return dt.timedelta(minutes=value)
    match = _DURATION.match(str(value).strip())
    if not match or float(match[1]) <= 0:
        raise ScenarioError(f"{where}: {value!r} is not a duration like 15m, 2h, 1d", field=where)
    return dt.timedelta(**{_UNITS[match[2]]: float(match[1])})


def check_assets(orgs: list[dict]) -> None:
    """Validate the organisations' `assets` lists (names unique across the scenario)."""
    seen: set[str] = set()
    for i, org in enumerate(orgs):
        assets = org.get("assets") or []
        if not isinstance(assets, list):
            raise ScenarioError(f"organisations[{i}].assets: a list of {{name: …}}", field=f"organisations[{i}].assets")
        for j, spec in enumerate(assets):
            where = f"organisations[{i}].assets[{j}]"
            if not isinstance(spec, dict) or not spec.get("name"):
                raise ScenarioError(f"{where}: needs at least a name", field=where)
            unknown = set(spec) - ASSET_FIELDS
            if unknown:
                raise ScenarioError(f"{where}: unknown field {sorted(unknown)[0]!r}; "
                                    f"use {', '.join(sorted(ASSET_FIELDS))}", field=where)
            if spec["name"] in seen:
                raise ScenarioError(f"{where}: a second system named {spec['name']!r}", field=where)
            seen.add(spec["name"])
            if "interval" in spec:
                duration(spec["interval"], f"{where}.interval")


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
    lines: list[tuple[dt.datetime, str, str, str]] = field(default_factory=list)  # (at, ticket, what, detail)

    # -- setting up and scripting --------------------------------------------------------------

    def add_assets(self, orgs: dict[str, Organisation], specs: list[dict]) -> None:
        for org_spec in specs:
            for spec in org_spec.get("assets") or []:
                org = orgs[org_spec["name"]]
                interval = spec.get("interval")
                asset = add_asset(
                    org, name=spec["name"], kind=spec.get("kind", "http"),
                    target=spec.get("target", f"https://{org.slug}.example.com/status"), at=self.start,
                    is_public=bool(spec.get("public", False)),
                    interval_minutes=int(duration(interval, "interval").total_seconds() // 60) if interval else None)
                self.assets[asset.name] = asset
                self.outages[asset.pk] = []
                if spec.get("ref"):
                    self.refs[asset.pk] = str(spec["ref"])

    def _asset(self, event: Event) -> MonitoredAsset:
        name = event.data.get("asset")
        if name not in self.assets:
            raise ScenarioError(f"{event.where}.{event.kind}.asset: no monitored system {name!r} in the scenario's "
                                "organisations (give them under organisations[].assets)", field=event.where)
        return self.assets[name]

    def _when(self, value, event: Event, name: str) -> dt.datetime:
        """An instant, or an offset from the scenario start (`+2d`, or `-8d` for before it)."""
        text = str(value).strip()
        where = f"{event.where}.{event.kind}.{name}"
        if text.startswith("-"):
            return self.start - (instant("+" + text[1:], self.start, where) - self.start)
        return instant(value, self.start, where)

    def script(self, events: list[Event]) -> None:
        """Read the `outage` and `recovery` events up front: they describe how the systems behave,
        so a check due at the very instant an outage starts already fails."""
        for event in events:
            d, where = event.data, f"{event.where}.{event.kind}"
            if event.kind == "outage":
                asset = self._asset(event)
                ends = event.at + duration(d["for"], f"{where}.for") if d.get("for") is not None else None
                detail = str(d.get("detail", "HTTP 503 Service Unavailable"))
                self.outages[asset.pk].append(Outage(event.at, ends, detail))
            elif event.kind == "recovery":
                for outage in self.outages[self._asset(event).pk]:
                    if outage.ends_at is None or outage.ends_at > event.at:
                        outage.ends_at = event.at

    def apply(self, event: Event, orgs: dict[str, Organisation]) -> None:
        """Carry out a `maintenance` event at its instant (outages and recoveries are scripted)."""
        d, where = event.data, f"{event.where}.{event.kind}"
        if event.kind == "maintenance":
            asset = self._asset(event) if d.get("asset") else None
            org = None
            if d.get("org"):
                org = orgs.get(d["org"])
                if org is None:
                    raise ScenarioError(f"{where}.org: no organisation {d['org']!r} in the scenario", field=where)
            starts = self._when(d.get("starts", event.at), event, "starts")
            if d.get("ends") is not None:
                ends = self._when(d["ends"], event, "ends")
            else:
                ends = starts + duration(d.get("for", "1h"), f"{where}.for")
            announced = starts - duration(d["notice"], f"{where}.notice") if d.get("notice") is not None else event.at
            window = schedule_maintenance(starts_at=starts, ends_at=ends, reason=str(d.get("reason", "Maintenance")),
                                          organisation=org, asset=asset, announced_at=announced)
            scope = asset.name if asset else (org.name if org else "the whole service")
            self._line(event.at, "", "monitoring.maintenance",
                       f"{scope}: {window.reason} {starts:%Y-%m-%d %H:%M}Z–{ends:%Y-%m-%d %H:%M}Z, announced "
                       f"{announced:%Y-%m-%d %H:%M}Z ({(starts - announced).days} days ahead)")

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
        number = asset.incident.number if asset.incident_id else ""
        if outcome.ok:
            if failures_before:
                self._line(now, number, "monitoring.up",
                           f"{asset.name} responds again after {int((now - down_since).total_seconds() // 60)} "
                           f"minutes ({failures_before} failed checks)")
            return
        if asset.consecutive_failures == 1:
            self._line(now, "", "monitoring.down",
                       f"{asset.name}: check failed ({outcome.detail}); an incident needs {needed} in sequence")
        if asset.consecutive_failures != needed:
            if asset.consecutive_failures > needed and asset.last_note_at != note_before:
                self._line(now, number, "monitoring.note", f"{asset.name} still down: note on {number}")
            return
        if asset.incident_id != incident_before:
            self._line(now, number, "monitoring.incident",
                       f"{asset.name}: {needed} failed checks in sequence → {number} opened at "
                       f"{asset.incident.priority}")
            ref = self.refs.get(asset.pk)
            if ref:
                self.tickets[ref] = asset.incident
        elif incident_before is not None and asset.incident.status not in ("resolved", "closed"):
            self._line(now, number, "monitoring.flapping",
                       f"{asset.name}: {needed} failed checks again while {number} is still open: "
                       "added to it, no new ticket")
        else:
            window = in_maintenance(asset, now)
            why = f"inside maintenance {window.reason!r}" if window else "but no incident opened"
            self._line(now, "", "monitoring.suppressed", f"{asset.name}: {needed} failed checks {why}: no ticket")

    def _line(self, at: dt.datetime, ticket: str, what: str, detail: str) -> None:
        self.lines.append((at, ticket, what, detail))

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
