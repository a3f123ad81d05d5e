"""Meaning checks of a policy's escalation section (called by validate.validate): one kind per
condition and action, known roles and teams, wall-clock trigger durations, follow-ups, message
placeholders, counting windows and the escalation matrix — each error located in the file."""

from __future__ import annotations

import difflib
import re
from typing import Any

from . import schema
from .durations import DurationError, parse_duration
from .introspect import spec_fields
from .load import Locations, Path


def _kinds_given(obj: Any) -> list[str]:
    """The kinds set on a one-of object (a condition or an action)."""
    return [f.name for f in spec_fields(type(obj)) if getattr(obj, f.name, None) is not None]


def _check_one_of(obj: Any, where: Path, what: str, err: Any, locs: Locations) -> str | None:
    """The single kind given in a condition or action, else None after reporting why."""
    if obj is None:
        return None
    kinds = _kinds_given(obj)
    names = [f.name for f in spec_fields(type(obj))]
    if len(kinds) == 1:
        return kinds[0]
    if len(kinds) > 1:
        err(where + (kinds[1],), f"{what} takes exactly one kind, got {' and '.join(kinds)}; "
            "write each as its own item", key=True)
        return None
    empty = [n for n in names if where + (n,) in locs.keys]
    if empty:
        err(where + (empty[0],), f"'{empty[0]}' needs its settings as a mapping; write "
            f"'{empty[0]}: {{}}' when it has none", key=True)
    elif not locs.broken_within(where):
        err(where, f"{what} needs one of: {', '.join(names)}")
    return None


def role_problem(policy: schema.PolicySpec, role: str) -> str | None:
    """Why `role` names nobody, or None: roles, teams, on_call:TEAM and the built-in roles."""
    from .schema_escalation import BUILT_IN_ROLES, ON_CALL_PREFIX

    teams = list(policy.teams or {})
    if role.startswith(ON_CALL_PREFIX):
        team = role[len(ON_CALL_PREFIX):]
        if team in teams:
            return None
        close = difflib.get_close_matches(team, teams, n=1, cutoff=0.6)
        hint = f"; did you mean '{ON_CALL_PREFIX}{close[0]}'?" if close else "."
        return (f"unknown team '{team}' in '{role}'{hint} Defined teams: "
                f"{', '.join(teams) if teams else 'none'}")
    known = [*(policy.roles or {}), *teams, *BUILT_IN_ROLES]
    if role in known:
        return None
    close = difflib.get_close_matches(role, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else "."
    return (f"unknown role '{role}'{hint} Use a key of 'roles' or 'teams', '{ON_CALL_PREFIX}TEAM', "
            f"or a built-in role: {', '.join(BUILT_IN_ROLES)}")


def _wall_clock_problem(text: str | None) -> str | None:
    """Trigger durations are compared with timestamps: business time is refused."""
    if not text:
        return None
    try:
        d = parse_duration(text)
    except DurationError:
        return None  # reported by the loader
    if d.business:
        n = f"{d.amount:g}"
        return (f"{text!r}: durations in escalation conditions are wall-clock time; write e.g. "
                f"'{n} {d.unit}' or '{n} {d.unit}, 24x7' (use clock_elapsed for business time)")
    return None


def check_escalation(policy: schema.PolicySpec, err: Any, locs: Locations) -> None:
    esc = getattr(policy, "escalation", None)
    if esc is None:
        return
    base: Path = ("escalation",)
    templates = esc.templates or {}
    for key, tpl in templates.items():
        if tpl is not None:
            _check_placeholders(tpl, base + ("templates", key), err)
    for name, trig in (esc.triggers or {}).items():
        if trig is None:
            continue
        where = base + ("triggers", name)
        kind = _check_one_of(trig.when, where + ("when",), "a condition ('when')", err, locs)
        if kind is not None:
            _check_condition(kind, getattr(trig.when, kind), where + ("when", kind), err, locs)
        for i, step in enumerate(trig.then or []):
            at = where + ("then", i)
            kind = _check_one_of(step, at, "an action", err, locs)
            if kind is not None:
                _check_action(policy, kind, getattr(step, kind), at + (kind,), err, locs)
    _check_counting_windows(esc, base, err)
    _check_escalation_matrix(policy, esc, base, err)
    for i, role in enumerate(esc.no_requester or []):
        if role is not None and (problem := role_problem(policy, role)):
            err(base + ("no_requester", i), problem)
    chain = esc.management_chain
    for i, step in enumerate((chain.steps or []) if chain else []):
        if step is None:
            continue
        at = base + ("management_chain", "steps", i)
        if step.role is not None and (problem := role_problem(policy, step.role)):
            err(at + ("role",), problem)
        if step.timeout_working_days is not None and step.timeout_working_days <= 0:
            err(at + ("timeout_working_days",), "'timeout_working_days' must be more than 0, got "
                f"{step.timeout_working_days:g}")


def _check_condition(kind: str, cond: Any, where: Path, err: Any, locs: Locations) -> None:
    from .schema_escalation import CLOCKS

    clock = getattr(cond, "clock", None)
    if clock is not None and clock not in CLOCKS and not locs.broken_within(where):
        close = difflib.get_close_matches(clock, CLOCKS, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else "."
        err(where + ("clock",), f"unknown clock '{clock}'{hint} Clocks: {', '.join(CLOCKS)}")
    share = getattr(cond, "share", None)
    if kind == "clock_elapsed" and share is not None and not 0 < share <= 1:
        hint = f" ({share:g}% is {share / 100:g})" if 1 < share <= 100 else ""
        err(where + ("share",), f"'share' must be more than 0 and at most 1, e.g. 0.5 for half the "
            f"window; got {share:g}{hint}")
    for name in ("duration", "within"):
        problem = _wall_clock_problem(getattr(cond, name, None))
        if problem:
            err(where + (name,), problem)


def _check_action(policy: schema.PolicySpec, kind: str, action: Any, where: Path, err: Any,
                  locs: Locations) -> None:
    esc = policy.escalation
    role = getattr(action, "role", None)
    if role is not None and (problem := role_problem(policy, role)):
        err(where + ("role",), problem)
    template = getattr(action, "template", None)
    wanted = {"status_update_to_customer": "customer", "notify_partner": "partner",
              "resolution_message": "customer"}.get(kind)
    if template is not None:
        defined = list(esc.templates or {})
        tpl = (esc.templates or {}).get(template)
        if tpl is None:
            close = difflib.get_close_matches(template, defined, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else "."
            known = ", ".join(defined) if defined else "none (add 'escalation: templates:')"
            err(where + ("template",), f"unknown template '{template}'{hint} Defined templates: {known}")
        elif wanted and tpl.audience != wanted:
            err(where + ("template",), f"'{kind}' sends template '{template}', which is written "
                f"for {tpl.audience}; use a template with 'audience: {wanted}'")
    if kind == "escalate" and action.to is not None:
        levels = list(policy.levels or {})
        if not levels:
            err(where + ("to",), "'escalate' needs support levels; add a 'levels' section (L1 first)")
        elif action.to != "next" and action.to not in levels:
            close = difflib.get_close_matches(action.to, levels, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else "."
            err(where + ("to",), f"unknown support level '{action.to}'{hint} Write 'next' or one of: "
                f"{', '.join(levels)}")
    if kind == "follow_ups":
        _check_follow_ups(policy, action, where, err)
    if kind == "notify_partner" and not policy.partners:
        err(where, "'notify_partner' needs a partner; add a 'partners' section", key=True)
    if kind == "management_escalation":
        chain = esc.management_chain
        roles = [s.role for s in (chain.steps or []) if s is not None and s.role] if chain else []
        if not roles:
            err(where, "'management_escalation' needs a management chain; add "
                "'escalation: management_chain: steps:'", key=True)
        elif action.start is not None and action.start not in roles:
            close = difflib.get_close_matches(action.start, roles, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else "."
            err(where + ("start",), f"'{action.start}' is not a step of the management chain{hint} "
                f"Steps: {', '.join(roles)}")


def _check_follow_ups(policy: schema.PolicySpec, action: Any, where: Path, err: Any) -> None:
    """Who is told about an overdue task is a role; due times are wall-clock; task names differ."""
    if action.overdue_to is not None and (problem := role_problem(policy, action.overdue_to)):
        err(where + ("overdue_to",), problem)
    seen: dict[str, int] = {}
    for i, item in enumerate(action.tasks or []):
        if item is None:
            continue
        at = where + ("tasks", i)
        if item.within:
            try:
                d = parse_duration(item.within)
            except DurationError:
                d = None  # reported by the loader
            if d is not None and d.business:
                n = f"{d.amount:g}"
                err(at + ("within",), f"{item.within!r}: follow-up tasks are due after wall-clock time from "
                    f"the resolution; write e.g. '{n} {d.unit}' or '{n} {d.unit}, 24x7'")
        if item.task:
            first = seen.setdefault(item.task.strip().lower(), i)
            if first != i:
                err(at + ("task",), f"task '{item.task}' is already listed (tasks[{first}]); each "
                    "follow-up task is created once per ticket, so give each a different name")


def _check_placeholders(tpl: Any, where: Path, err: Any) -> None:
    from .schema_escalation import PLACEHOLDERS

    for name in ("subject", "body"):
        for found in re.findall(r"\{([^{}]*)\}", getattr(tpl, name, None) or ""):
            if found not in PLACEHOLDERS:
                close = difflib.get_close_matches(found, list(PLACEHOLDERS), n=1, cutoff=0.6)
                hint = f"; did you mean '{{{close[0]}}}'?" if close else "."
                err(where + (name,), f"unknown placeholder '{{{found}}}'{hint} Placeholders: "
                    + " ".join(f"{{{p}}}" for p in PLACEHOLDERS))
                break


def _check_counting_windows(esc: Any, base: Path, err: Any) -> None:
    """Escalade counts related tickets and a customer's breaches over one window each."""
    seen: dict[str, tuple[Any, ...]] = {}
    for name, trig in (esc.triggers or {}).items():
        when = trig.when if trig is not None else None
        for kind, fields in (("related_tickets", ("same", "within")), ("customer_breaches", ("within", "clocks"))):
            cond = getattr(when, kind, None) if when is not None else None
            if cond is None:
                continue
            window = tuple(getattr(cond, f) for f in fields)
            if None in window:
                continue  # broken; already reported
            first = seen.setdefault(kind, (name, *window))
            if first[1:] != window:
                said = ", ".join(f"{f}: {v}" for f, v in zip(fields, first[1:], strict=True) if v != [])
                err(base + ("triggers", name, "when", kind), f"every '{kind}' condition must count "
                    f"over the same window as rule '{first[0]}' ({said})", key=True)


def _check_escalation_matrix(policy: schema.PolicySpec, esc: Any, base: Path, err: Any) -> None:
    owner: dict[str, str] = {}
    for key, route in (esc.matrix or {}).items():
        if route is None:
            continue
        where = base + ("matrix", key)
        for i, cat in enumerate(route.categories or []):
            other = owner.setdefault(cat, key)
            if other != key:
                err(where + ("categories", i), f"category '{cat}' is already on the path of issue "
                    f"type '{other}'; a category may follow one path only")
        for level, role in (route.path or {}).items():
            if role is not None and (problem := role_problem(policy, role)):
                err(where + ("path", level), problem)
