"""The scenario file of `escalade simulate`: who the customers and the support staff are, then
what happens when (the format is `format.py`; docs/simulate.md has a complete example).

    start: 2026-11-23T09:00:00Z        # UTC; optional (default: that Monday)
    until: +3d                         # end of the simulation: an instant or an offset from start
    organisations:
      - {name: Acme, plan: standard, timezone: Europe/London, partner: Northwind}
    events:
      - {at: +0m, open: {ref: vpn, org: Acme, priority: P1, subject: VPN down}}
      - {at: +20m, agent_reply: {ticket: vpn, body: Looking into it}}

Every problem is an error located at file:line:col that names the event and field
(`scenario.yaml:7:22: events[1].open.org: no organisation 'Acme Ltd' …`): `parse` checks the file
on its own, `check_against` what needs the policy (plans, priorities, levels …).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from escalade.errors import DomainError
from escalade.policy import Policy
from escalade.policy.errors import PolicyError
from escalade.policy.load import Builder, Locations, compose
from escalade.simulate import format as fmt

DEFAULT_START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
EVENT_KINDS = fmt.EVENT_KINDS
MONITORING_KINDS = ("outage", "recovery", "maintenance")
CUSTOMER_KINDS = ("customer_reply", "escalation_request")
#: The people of a scenario that declares none: one agent at every level and team, one manager.
DEFAULT_AGENT, DEFAULT_MANAGER = "Agent", "Level manager"
_OFFSET = re.compile(r"^([+-])(\d+(?:\.\d+)?)\s*([mhd])$")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([mhd])?$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
# Python keywords cannot be field names: the file says `for`, the dataclass `for_`.
_RENAMED = {"for": "for_"}


class ScenarioError(DomainError):
    code = "scenario_invalid"


class ScenarioInvalid(ScenarioError):
    """The scenario cannot run; `errors` lists every problem, each at file:line:col."""

    def __init__(self, errors: list[PolicyError]):
        self.errors = sorted(set(errors), key=lambda e: (e.line, e.column, e.message))
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(f"{self.errors[0]}{more}")


@dataclass
class Event:
    at: dt.datetime
    kind: str
    data: Any  # the action's format dataclass (format.Opening, format.Reply …)
    where: str  # "events[3]", for errors
    index: int = 0  # position in the file's events list


@dataclass
class Scenario:
    start: dt.datetime
    until: dt.datetime
    organisations: list[fmt.Organisation] = field(default_factory=list)
    agents: list[fmt.Agent] = field(default_factory=list)
    on_call: list[fmt.Rotation] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    locs: Locations = field(default_factory=lambda: Locations("<scenario>"))

    def error(self, path: tuple, message: str) -> PolicyError:
        """`message` located at `path` (e.g. ("events", 3, "open", "org")), prefixed by the path."""
        return self.locs.error(path, f"{dotted(path)}: {message}" if path else message)

    def fail(self, event: Event, name: str, message: str) -> ScenarioInvalid:
        """A problem met while running `event`, at its field `name`."""
        return ScenarioInvalid([self.error(("events", event.index, event.kind, *([name] if name else [])), message)])

    def check_against(self, policy: Policy) -> None:
        """Raise ScenarioInvalid listing what the policy does not know (plans, priorities, levels …)."""
        from escalade.simulate.checks import PolicyChecks  # it imports this module

        errors = PolicyChecks(self, policy).run()
        if errors:
            raise ScenarioInvalid(errors)


def dotted(path: tuple) -> str:
    """("events", 3, "open", "for_") → "events[3].open.for"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + {v: k for k, v in _RENAMED.items()}.get(part, part)
    return out


def offset(text: str) -> dt.timedelta | None:
    """`+30m` → 30 minutes, `-8d` → minus 8 days; None when `text` is no offset."""
    match = _OFFSET.match(text.strip())
    if not match:
        return None
    delta = dt.timedelta(**{_UNITS[match[3]]: float(match[2])})
    return -delta if match[1] == "-" else delta


def instant(value: Any, start: dt.datetime, where: str = "") -> dt.datetime:
    """An ISO instant with a zone, or an offset from `start`; raises ScenarioError naming `where`."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    text = str(value).strip()
    delta = offset(text)
    if delta is not None:
        return start + delta
    prefix = f"{where}: " if where else ""
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ScenarioError(f"{prefix}{text!r} is neither an ISO instant nor an offset like +30m, +2h, +1d",
                            field=where) from None
    if parsed.tzinfo is None:
        raise ScenarioError(f"{prefix}{text!r} needs a time zone (end it with Z for UTC)", field=where)
    return parsed


def duration(value: Any) -> dt.timedelta:
    """`30m`, `2h`, `1.5d`, or a number of minutes; raises ValueError with a message."""
    match = _DURATION.match(str(value).strip())
    if not match or float(match[1]) <= 0:
        raise ValueError(f"{value!r} is not a duration like 15m, 2h, 1d")
    return dt.timedelta(**{_UNITS[match[2] or "m"]: float(match[1])})


def quiet_hours(text: str) -> tuple[dt.time, dt.time] | None:
    """`22:00-07:00` → (22:00, 07:00); raises ValueError with a message."""
    if not text:
        return None
    parts = [p.strip() for p in text.split("-")]
    if len(parts) != 2 or not all(_CLOCK.match(p) for p in parts):
        raise ValueError(f"{text!r} is not quiet hours like 22:00-07:00")
    return dt.time.fromisoformat(parts[0]), dt.time.fromisoformat(parts[1])


def _rename_keys(node: Node) -> None:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value in _RENAMED:
                key.value = _RENAMED[key.value]
            _rename_keys(value)
    elif isinstance(node, SequenceNode):
        for child in node.value:
            _rename_keys(child)


def _message(error: PolicyError, locs: Locations) -> PolicyError:
    """A loader error in the scenario's words, prefixed by the path of what it is about."""
    text = error.message
    for yaml_name, field_name in _RENAMED.items():
        text = re.sub(rf"\b{field_name}\b", yaml_name, text)
    where = (error.line, error.column)
    path = next((p for p, pos in locs.keys.items() if pos == where), None)
    if path is None:
        path = max((p for p, pos in locs.values.items() if pos == where), key=len, default=())
    missing = re.match(r"(?:.* is )?missing required key '(\w+)' \((.*)\)$", text)
    if missing:
        name = missing[1]
        text = f"needs at least {'an' if name[0] in 'aeiou' else 'a'} {name} ({missing[2]})"
    elif text.startswith("unknown key"):
        text = "unknown field" + text.removeprefix("unknown key")
        if len(path) == 3 and path[0] == "events":
            # An unknown action: say what an event may hold.
            unknown = text.split(" Allowed here")[0].rstrip(".")
            path, text = path[:2], f"give exactly one of {', '.join(EVENT_KINDS)}; {unknown}"
    return PolicyError(error.file, error.line, error.column, f"{dotted(path)}: {text}" if path else text)


def parse(text: str, filename: str = "<scenario>") -> Scenario:
    """Load and check a scenario file; raises ScenarioInvalid listing every located problem."""
    node, errors = compose(text, filename)
    if node is None:
        raise ScenarioInvalid([PolicyError(e.file, e.line, e.column, e.message.replace("policy", "scenario"))
                               for e in errors])
    _rename_keys(node)
    builder = Builder(filename)
    try:
        spec = builder.build(node, fmt.ScenarioSpec, ())
    except Exception as exc:  # the loader's guard against YAML alias bombs
        raise ScenarioInvalid([PolicyError(filename, 1, 1, f"the scenario cannot be read: {exc}")]) from None
    if builder.errors:
        raise ScenarioInvalid([_message(e, builder.locs) for e in builder.errors])
    from escalade.simulate.checks import FileChecks  # it imports this module

    return FileChecks(spec, builder.locs).run()
