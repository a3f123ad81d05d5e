"""Cross-reference and meaning checks on a loaded policy, each error located in the file.

The loader has already checked shape and grammar. Here: names that refer to something
(`P5` in targets, an unknown plan, calendar, level, team, role …) must be defined; every
plan × priority needs targets; calendars must make sense (no overlapping intervals, not
never-open) and are built with `escalade.businesstime`, whose errors are moved to the YAML line
of the offending interval or date; priority names and aliases must not collide.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from . import calendars, schema
from .durations import DurationError, parse_duration, parse_length
from .errors import PolicyError
from .introspect import shape, spec_fields
from .load import Locations, Path
from .scalars import check_key
from .validate_escalation import check_escalation, role_problem


def normalise(name: str) -> str:
    """Case-, space- and punctuation-insensitive form used to match names: "Sev 1" ≡ "SEV1"."""
    return re.sub(r"[^0-9a-z]+", "", name.lower())


def validate(policy: schema.PolicySpec, locs: Locations) -> list[PolicyError]:
    """Every cross-reference and meaning problem in `policy` (empty when it is usable)."""
    errors: list[PolicyError] = []

    def err(path: Path, message: str, *, key: bool = False) -> None:
        errors.append(locs.error(path, message, key=key))

    if policy.version not in (None, 1):
        err(("version",), f"unknown format version {policy.version}; this Escalade reads version 1")
    _check_references(policy, err)
    _check_calendars(policy, err, locs)
    _check_targets(policy, err)
    _check_names(policy, err)
    _check_matrix(policy, err)
    check_escalation(policy, err, locs)
    _check_monitoring(policy, err)
    _check_level_targets(policy, err)
    _check_intake(policy, err)
    _check_custom_fields(policy, err)
    for key, channel in (policy.channels or {}).items():
        if channel and channel.kind == "email" and channel.address and "@" not in channel.address:
            err(("channels", key, "address"), f"email channel '{key}' needs an email address, "
                f"got {channel.address!r}")
    return errors


def _walk(value: Any, tp: Any, path: Path) -> Iterator[tuple[Path, Any, Any, bool]]:
    """Yield (path, scalar value, its NewType, is_mapping_key) for every scalar in the tree."""
    if value is None:
        return
    s = shape(tp)
    if s.kind == "optional":
        yield from _walk(value, s.args[0], path)
    elif s.kind == "dataclass":
        for f in spec_fields(s.args[0]):
            yield from _walk(getattr(value, f.name, None), f.type, path + (f.name,))
    elif s.kind == "list":
        for i, item in enumerate(value):
            yield from _walk(item, s.args[0], path + (i,))
    elif s.kind == "dict":
        for k, item in value.items():
            yield path + (k,), k, shape(s.args[0]).newtype, True
            yield from _walk(item, s.args[1], path + (k,))
    elif s.kind == "scalar":
        yield path, value, s.newtype, False


def _check_references(policy: schema.PolicySpec, err: Any) -> None:
    for path, value, newtype, is_key in _walk(policy, type(policy), ()):
        if newtype not in schema.REFERENCES:
            continue
        attr, noun = schema.REFERENCES[newtype]
        defined = list((getattr(policy, attr) or {}).keys())
        if newtype is schema.CalendarKey:
            defined.append(schema.ALWAYS)
        if value in defined:
            continue
        hint = ""
        if newtype is schema.PriorityKey:
            by_name = _priority_names(policy)
            if normalise(value) in by_name:
                hint = f"; '{value}' is a name of priority '{by_name[normalise(value)]}', use its key."
        if not hint:
            close = difflib.get_close_matches(value, defined, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
        known = ", ".join(defined) if defined else f"none (add a '{attr}' section)"
        err(path, f"unknown {noun} '{value}'{hint or '.'} Defined {attr}: {known}", key=is_key)


def _priority_names(policy: schema.PolicySpec) -> dict[str, str]:
    names: dict[str, str] = {}
    for key, p in (policy.priorities or {}).items():
        if p is None:
            continue
        for name in [p.name, *(p.aliases or [])]:
            if name:
                names.setdefault(normalise(name), key)
    return names


def _check_calendars(policy: schema.PolicySpec, err: Any, locs: Locations) -> None:
    for key, spec in (policy.calendars or {}).items():
        where: Path = ("calendars", key)
        if spec is None:
            continue
        if key == schema.ALWAYS:
            err(where, f"'{schema.ALWAYS}' is a built-in calendar (open around the clock, UTC); "
                "give yours another name", key=True)
            continue
        if spec.always and (spec.week is not None or spec.holidays or spec.holiday_country):
            err(where + ("always",), "a calendar with 'always: true' is open around the clock; "
                "remove its week and holidays", key=True)
            continue
        if not spec.always and spec.week is None:
            err(where, f"calendar '{key}' needs 'week' hours, or 'always: true' for 24x7")
            continue
        problems = calendars.day_problems(spec)
        for sub, message in problems:
            err(where + sub, message)
        if spec.business_day:
            try:
                parse_length(spec.business_day)
            except DurationError as exc:
                err(where + ("business_day",), str(exc))
        if problems or locs.broken_within(where):
            continue  # already reported; more checks would only repeat it
        if not spec.always and calendars.longest_day_minutes(spec) == 0:
            err(where + ("week",), f"calendar '{key}' is never open; give at least one interval")
            continue
        _build_calendar(spec, where, err)


def _build_calendar(spec: schema.CalendarSpec, where: Path, err: Any) -> None:
    from escalade.businesstime import CalendarError

    try:
        calendars.build(spec)
    except CalendarError as exc:
        # businesstime names the field as a path into the dict we gave it: `week.mon[1]`.
        parts = tuple(int(p) if p.isdigit() else p
                      for p in re.findall(r"[A-Za-z_]+|\d+", exc.field or ""))
        if parts[:1] == ("week",) and len(parts) > 3:
            parts = parts[:3]  # `week.mon[1][0]` → the interval text
        err(where + parts, exc.message)


def _check_targets(policy: schema.PolicySpec, err: Any) -> None:
    targets = policy.targets or {}
    priorities = list(policy.priorities or {})
    for plan in policy.plans or {}:
        if plan not in targets:
            err(("targets",), f"no targets for plan '{plan}'; add 'targets: {plan}:' with an entry "
                f"for each priority ({', '.join(priorities)})", key=True)
            continue
        by_priority = targets[plan]
        if by_priority is None:
            continue
        missing = [p for p in priorities if p not in by_priority]
        if missing:
            err(("targets", plan), f"targets for plan '{plan}' have no entry for priorit"
                f"{'y' if len(missing) == 1 else 'ies'} {', '.join(missing)}", key=True)
        for prio, spec in by_priority.items():
            if spec is None:
                continue
            _check_order(spec, ("targets", plan, prio), err)
            for cat, override in (spec.by_category or {}).items():
                if override is not None:
                    _check_order(override, ("targets", plan, prio, "by_category", cat), err)


def _check_intake(policy: schema.PolicySpec, err: Any) -> None:
    """A piece of information named twice in one `intake` list is a slip worth pointing at."""
    intake = policy.intake
    if intake is None:
        return  # a broken section, already reported
    lists = [(("intake", "required"), intake.required), (("intake", "ask_for"), intake.ask_for)]
    lists += [(("intake", "by_category", key), fields) for key, fields in (intake.by_category or {}).items()]
    for where, fields in lists:
        for i, name in enumerate(fields or []):
            if name in fields[:i]:
                err(where + (i,), f"'{name}' is listed twice")


def _check_custom_fields(policy: schema.PolicySpec, err: Any) -> None:
    """A choice needs options, and only a choice has them; `required` and `required_in` exclude
    each other."""
    for key, spec in (policy.custom_fields or {}).items():
        if spec is None:
            continue  # broken, already reported
        where: Path = ("custom_fields", key)
        if spec.type == "choice" and not spec.options:
            err(where + ("type",), f"custom field '{key}' is a choice: list its 'options'")
        if spec.type != "choice" and spec.options:
            err(where + ("options",), f"custom field '{key}' is a {spec.type} field; only a choice has "
                "'options' (use 'type: choice')", key=True)
        for i, option in enumerate(spec.options or []):
            if not str(option).strip():
                err(where + ("options", i), "an option cannot be empty")
            elif option in spec.options[:i]:
                err(where + ("options", i), f"option '{option}' is listed twice")
        if spec.required and spec.required_in:
            err(where + ("required_in",), f"custom field '{key}' is required in every category "
                "('required: true'); remove 'required_in' or 'required'", key=True)


def _check_order(spec: Any, where: Path, err: Any) -> None:
    """resolution_maximum must not be shorter than resolution_target on the same clock."""
    if not (spec.resolution_target and spec.resolution_maximum):
        return
    try:
        target, maximum = parse_duration(spec.resolution_target), parse_duration(
            spec.resolution_maximum)
    except DurationError:
        return
    if (target.business, target.wall_clock, target.unit == "days") != (
            maximum.business, maximum.wall_clock, maximum.unit == "days"):
        return
    if maximum.minutes(1.0) < target.minutes(1.0):
        err(where + ("resolution_maximum",), f"resolution_maximum {maximum.text!r} is shorter "
            f"than resolution_target {target.text!r}")


def _check_names(policy: schema.PolicySpec, err: Any) -> None:
    """Priority keys, names and aliases must each mean one priority."""
    owner = {normalise(key): key for key in policy.priorities or {}}
    for key, p in (policy.priorities or {}).items():
        if p is None:
            continue
        for i, name in enumerate([p.name, *(p.aliases or [])]):
            if not name:
                continue
            other = owner.setdefault(normalise(name), key)
            if other != key:
                path = ("priorities", key) + (("name",) if i == 0 else ("aliases", i - 1))
                err(path, f"'{name}' already names priority '{other}'; a name or alias may "
                    "belong to one priority only")


def _check_matrix(policy: schema.PolicySpec, err: Any) -> None:
    matrix = policy.priority_matrix
    if matrix is None or matrix.dimensions is None:
        return
    for dkey, dim in matrix.dimensions.items():
        where: Path = ("priority_matrix", "dimensions", dkey)
        if check_key(dkey) is None and not dkey.isidentifier():
            err(where, f"question key '{dkey}' must be a word with underscores, e.g. "
                "'users_affected'", key=True)
        if dim is None or dim.levels is None:
            continue
        owner: dict[str, str] = {}
        for lkey, level in dim.levels.items():
            if level is None:
                continue
            for name in [lkey, level.label, *(level.aliases or [])]:
                if not name:
                    continue
                other = owner.setdefault(normalise(name), lkey)
                if other != lkey:
                    err(where + ("levels", lkey), f"'{name}' already selects answer '{other}' of "
                        f"'{dkey}'", key=True)


def _check_level_targets(policy: schema.PolicySpec, err: Any) -> None:
    """Resolution-share targets are percentages that do not fall from one level to the next."""
    previous: tuple[str, float] | None = None
    for key, level in (policy.levels or {}).items():
        target = level.resolved_within_percent if level else None
        if target is None:
            continue
        where: Path = ("levels", key, "resolved_within_percent")
        if not 0 < target <= 100:
            err(where, f"'resolved_within_percent' is a percentage between 0 and 100, got {target:g}")
        elif previous and target < previous[1]:
            err(where, f"'resolved_within_percent' counts this level and the ones before it, so it cannot be "
                f"lower than {previous[0]}'s {previous[1]:g}; got {target:g}")
        previous = (key, target)


def _check_monitoring(policy: schema.PolicySpec, err: Any) -> None:
    """The monitoring section: a known notify role, sensible percentages, credit bands in order."""
    mon = getattr(policy, "monitoring", None)
    if mon is None:
        return
    base: Path = ("monitoring",)
    if mon.notify_role and (problem := role_problem(policy, mon.notify_role)):
        err(base + ("notify_role",), problem)
    if mon.heartbeat_grace is not None and mon.heartbeat_grace < 1:
        err(base + ("heartbeat_grace",), f"'heartbeat_grace' must be at least 1, got {mon.heartbeat_grace:g}")
    if mon.availability_target is not None and not 0 < mon.availability_target <= 100:
        err(base + ("availability_target",), "'availability_target' is a percentage between 0 and 100, got "
            f"{mon.availability_target:g}")
    if mon.keep_raw_results_days is not None and mon.claim_window_days is not None \
            and mon.keep_raw_results_days < mon.claim_window_days + 31:
        err(base + ("keep_raw_results_days",), f"'keep_raw_results_days' must be at least claim_window_days + 31 "
            f"({mon.claim_window_days + 31}), got {mon.keep_raw_results_days}: compacted results can no longer "
            "be excluded, and an outage must stay excludable until its credit claim expires")
    previous = None
    for i, band in enumerate(mon.credits or []):
        if band is None:
            continue
        where = base + ("credits", i)
        if band.below is not None and not 0 < band.below <= 100:
            err(where + ("below",), f"'below' is a percentage between 0 and 100, got {band.below:g}")
        if band.credit_percent is not None and not 0 <= band.credit_percent <= 100:
            err(where + ("credit_percent",), f"'credit_percent' is between 0 and 100, got {band.credit_percent:g}")
        if previous is not None and band.below is not None and band.below >= previous:
            err(where + ("below",), f"list credit bands from the highest availability down: {band.below:g} "
                f"comes after {previous:g}")
        previous = band.below if band.below is not None else previous
