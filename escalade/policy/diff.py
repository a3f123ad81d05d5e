"""What changes between two policies, in the policy's own terms rather than lines of YAML: plans
and their hours, calendars, every target (plan × priority × kind), escalation rules added,
removed or changed, and — so that nothing is missed — every other setting by its path.

    >>> print(render(diff_policies(old, new)))
    Targets
      ~ premium P1 first response: 30 minutes, 24x7 → 1 hour, 24x7
    Escalation rules
      + level_1_half_window: Level 1 "When to Escalate: If Level 1 cannot resolve within 50% …"

Pure: needs only the two loaded policies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from . import calendars
from .runtime import TARGET_KINDS, Policy
from .runtime import _plain as plain_value
from .schema_escalation import Trigger

#: Parts of `to_dict()` described by their own section; everything else is compared by path.
_OWN_SECTIONS = {"calendars", "plans", "targets"}
_WORDS = {"first_response": "first response", "update_every": "update every",
          "resolution_target": "resolution target", "resolution_maximum": "resolution maximum"}


@dataclass
class Section:
    title: str
    lines: list[str] = field(default_factory=list)

    def added(self, what: str, detail: str = "") -> None:
        self.lines.append(f"+ {what}" + (f": {detail}" if detail else ""))

    def removed(self, what: str, detail: str = "") -> None:
        self.lines.append(f"- {what}" + (f": {detail}" if detail else ""))

    def changed(self, what: str, old: Any, new: Any) -> None:
        self.lines.append(f"~ {what}: {_text(old)} → {_text(new)}")


def _text(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "(none)"
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, bool | int | float):
        return str(value).lower() if isinstance(value, bool) else f"{value:g}"
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000, sort_keys=False).strip()


def _hours(policy: Policy, key: str) -> str:
    return calendars.summarize(policy.calendar_spec(key))


def diff_policies(old: Policy, new: Policy) -> list[Section]:
    """The differences, section by section; sections without changes are left out."""
    sections = [_plans(old, new), _calendars(old, new), _targets(old, new), _rules(old, new),
                _settings(old, new)]
    return [s for s in sections if s.lines]


def _plans(old: Policy, new: Policy) -> Section:
    s = Section("Plans")
    for key in {**old.plans, **new.plans}:
        a, b = old.plans.get(key), new.plans.get(key)
        if a is None:
            s.added(f"plan {key} ({b.name})", f"support hours {_hours(new, b.coverage)}")
        elif b is None:
            s.removed(f"plan {key} ({a.name})", "customers on it get no targets for new tickets")
        else:
            if a.coverage != b.coverage:  # a calendar whose hours change has its own line under Hours
                s.changed(f"plan {key} support hours", f"{a.coverage} ({_hours(old, a.coverage)})",
                          f"{b.coverage} ({_hours(new, b.coverage)})")
            for name in ("name", "limited_coverage", "description"):
                if getattr(a, name) != getattr(b, name):
                    s.changed(f"plan {key} {name.replace('_', ' ')}", getattr(a, name), getattr(b, name))
    return s


def _calendars(old: Policy, new: Policy) -> Section:
    s = Section("Hours")
    for key in {**old.calendars, **new.calendars}:
        a, b = old.calendars.get(key), new.calendars.get(key)
        if a is None:
            s.added(f"calendar {key}", _hours(new, key))
        elif b is None:
            s.removed(f"calendar {key}", _hours(old, key))
        else:
            if _hours(old, key) != _hours(new, key):
                s.changed(f"calendar {key}", _hours(old, key), _hours(new, key))
            if calendars.business_day_minutes(a) != calendars.business_day_minutes(b):
                s.changed(f"calendar {key} business day", f"{calendars.business_day_minutes(a) / 60:g} hours",
                          f"{calendars.business_day_minutes(b) / 60:g} hours")
            if a.holidays != b.holidays:
                s.changed(f"calendar {key} listed holidays", a.holidays, b.holidays)
    return s


def _target_texts(policy: Policy) -> dict[tuple[str, str, str, str], str]:
    """(plan, priority, category or "", kind) → the target as written."""
    out = {}
    for plan, priorities in policy.targets.items():
        for priority, spec in priorities.items():
            for kind in TARGET_KINDS:
                if getattr(spec, kind):
                    out[(plan, priority, "", kind)] = getattr(spec, kind)
            for category, override in spec.by_category.items():
                for kind in TARGET_KINDS:
                    if getattr(override, kind):
                        out[(plan, priority, category, kind)] = getattr(override, kind)
    return out


def _targets(old: Policy, new: Policy) -> Section:
    s = Section("Targets")
    a, b = _target_texts(old), _target_texts(new)
    for key in {**a, **b}:
        plan, priority, category, kind = key
        what = f"{plan} {priority}" + (f" ({category})" if category else "") + f" {_WORDS[kind]}"
        if key not in a:
            s.added(what, b[key])
        elif key not in b:
            s.removed(what, f"was {a[key]}")
        elif a[key] != b[key]:
            s.changed(what, a[key], b[key])
    if old.emergency != new.emergency:
        s.changed("emergency coverage", _emergency(old), _emergency(new))
    return s


def _emergency(policy: Policy) -> str:
    e = policy.emergency
    if e is None:
        return "(none)"
    plans = ", ".join(e.plans) if e.plans else "every plan"
    return f"{', '.join(e.priorities)} on {plans}, {_hours(policy, e.coverage)}"


def _rules(old: Policy, new: Policy) -> Section:
    s = Section("Escalation rules")
    a, b = old.escalation.triggers, new.escalation.triggers
    for key in {**a, **b}:
        if key not in a:
            s.added(key, b[key].description or _text(_plain(b[key])["when"]))
        elif key not in b:
            s.removed(key, a[key].description or "")
        else:
            before, after = _plain(a[key]), _plain(b[key])
            for name in before:
                if before[name] != after[name] and name != "description":
                    s.changed(f"{key} {name}", before[name], after[name])
    return s


def _plain(trigger: Trigger) -> dict:
    return {k: _compact(v) for k, v in plain_value(trigger, Trigger).items() if k != "key"}


def _compact(value: Any) -> Any:
    """A condition or action without its unset fields, as a person would write it."""
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if v not in (None, [], {}, "")}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for k, v in value.items():
            _flatten(v, f"{path}.{k}" if path else str(k), out)
    else:
        out[path] = value


def _settings(old: Policy, new: Policy) -> Section:
    """Every other setting whose value differs, by its path in the file."""
    s = Section("Other settings")
    a: dict[str, Any] = {}
    b: dict[str, Any] = {}
    for policy, flat in ((old, a), (new, b)):
        data = policy.to_dict()
        data["escalation"].pop("triggers", None)
        for name in _OWN_SECTIONS:
            data.pop(name, None)
        _flatten(data, "", flat)
    for path in {**a, **b}:
        if a.get(path) != b.get(path):
            s.changed(path, a.get(path), b.get(path))
    return s


def render(sections: list[Section]) -> str:
    """The sections as text, one change a line; empty when the policies do the same."""
    return "".join(f"{s.title}\n" + "".join(f"  {line}\n" for line in s.lines) for s in sections)
