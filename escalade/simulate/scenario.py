"""The scenario file of `escalade simulate`: who the customers are, then what happens when.

    start: 2026-11-23T09:00:00Z        # UTC; optional (default: that Monday)
    until: +3d                         # end of the simulation: an instant or an offset from start
    organisations:
      - {name: Acme, plan: standard, timezone: Europe/London, partner: Northwind}
    events:
      - {at: +0m, open: {ref: vpn, org: Acme, priority: P1, subject: VPN down}}
      - {at: +20m, agent_reply: {ticket: vpn, body: Looking into it}}
      - {at: +1h, status: {ticket: vpn, to: pending_customer}}

Offsets are `+N` followed by m, h or d, from `start`. Errors name the event and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import yaml

from escalade.errors import DomainError

DEFAULT_START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
EVENT_KINDS = ("open", "agent_reply", "customer_reply", "note", "status", "priority", "escalation_request",
               "assign_level", "management_answer", "complete_task",
               "outage", "recovery", "maintenance")  # the last three: simulate/monitoring.py
_OFFSET = re.compile(r"^\+(\d+(?:\.\d+)?)\s*([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


class ScenarioError(DomainError):
    code = "scenario_invalid"


@dataclass
class Event:
    at: dt.datetime
    kind: str
    data: dict
    where: str  # "events[3]", for errors


@dataclass
class Scenario:
    start: dt.datetime
    until: dt.datetime
    organisations: list[dict] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


def instant(value, start: dt.datetime, where: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    text = str(value).strip()
    match = _OFFSET.match(text)
    if match:
        return start + dt.timedelta(**{_UNITS[match[2]]: float(match[1])})
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ScenarioError(f"{where}: {text!r} is neither an ISO instant nor an offset like +30m, +2h, +1d",
                            field=where) from None
    if parsed.tzinfo is None:
        raise ScenarioError(f"{where}: {text!r} needs a time zone (end it with Z for UTC)", field=where)
    return parsed


def parse(text: str) -> Scenario:
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ScenarioError(f"the scenario is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ScenarioError("a scenario is a mapping with start, until, organisations and events")
    start = instant(raw.get("start", DEFAULT_START), DEFAULT_START, "start")
    orgs = raw.get("organisations") or []
    for i, org in enumerate(orgs):
        if not isinstance(org, dict) or not org.get("name") or not org.get("plan"):
            raise ScenarioError(f"organisations[{i}]: needs at least a name and a plan", field=f"organisations[{i}]")
    from escalade.simulate.monitoring import check_assets  # it imports this module

    check_assets(orgs)
    events = []
    for i, item in enumerate(raw.get("events") or []):
        where = f"events[{i}]"
        if not isinstance(item, dict) or "at" not in item:
            raise ScenarioError(f"{where}: each event needs `at` and one of {', '.join(EVENT_KINDS)}", field=where)
        kinds = [k for k in item if k != "at"]
        if len(kinds) != 1 or kinds[0] not in EVENT_KINDS:
            raise ScenarioError(f"{where}: give exactly one of {', '.join(EVENT_KINDS)}", field=where)
        data = item[kinds[0]] if isinstance(item[kinds[0]], dict) else {}
        events.append(Event(instant(item["at"], start, f"{where}.at"), kinds[0], data, where))
    events.sort(key=lambda e: e.at)
    last = events[-1].at if events else start
    until = instant(raw.get("until", "+1d"), start, "until")
    if until < last:
        raise ScenarioError(f"until ({until:%Y-%m-%d %H:%M}Z) is before the last event", field="until")
    return Scenario(start=start, until=until, organisations=list(orgs), events=events)
