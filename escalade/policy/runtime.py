"""The loaded policy as the rest of Escalade uses it: look-ups, targets with their calendars,
priority suggestions. Durations are in minutes; calendars come from `escalade.businesstime`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import calendars, schema
from .durations import ParsedDuration, parse_duration
from .errors import NotInPolicy
from .introspect import shape, spec_fields
from .validate import normalise
from .words import ENGLISH, Words, describe_target

if TYPE_CHECKING:
    from escalade.businesstime import Calendar

TARGET_KINDS = ("first_response", "update_every", "resolution_target", "resolution_maximum")
_BUILT_IN_24X7 = schema.CalendarSpec(key=schema.ALWAYS, name="24x7", always=True)


@dataclass(frozen=True)
class Target:
    """One target: how long (minutes) on which calendar."""

    kind: str  # first_response, update_every, resolution_target or resolution_maximum
    duration: ParsedDuration
    calendar_key: str
    minutes: float
    emergency: bool  # the emergency coverage calendar applies
    policy: Policy = field(repr=False, compare=False)

    def calendar(self, customer_tz: str | None = None, customer_holidays: str | None = None) -> Calendar:
        """The calendar the clock runs on, in `customer_tz` when the calendar says `customer`,
        closed on `customer_holidays` when it says `holiday_country: customer`."""
        return self.policy.calendar(self.calendar_key, customer_tz, customer_holidays)

    def describe(self, words: Words = ENGLISH) -> str:
        """E.g. "4 business hours on the Standard calendar (Monday–Friday 09:00–18:00, …)", in English
        unless `words` says otherwise."""
        return describe_target(self.in_words, words)

    @functools.cached_property
    def in_words(self) -> dict[str, Any]:
        """The target as plain data for `words.describe_target` (kept on each clock, so a page can say
        the clock's target in its reader's language without the policy)."""
        d = self.duration
        spec = self.policy.calendar_spec(self.calendar_key)
        return {"amount": d.amount, "unit": d.unit, "business": d.business, "wall_clock": d.wall_clock,
                "emergency": self.emergency, "always": spec.key == schema.ALWAYS,
                "calendar_name": spec.name or spec.key.replace("_", " "), "hours": calendars.hours_data(spec),
                "day_minutes": calendars.business_day_minutes(spec) if d.business and d.unit == "days" else None}


@dataclass(frozen=True)
class Targets:
    """The targets for one plan × priority (× category); each is a Target or None."""

    plan: str
    priority: str
    category: str | None
    first_response: Target | None
    update_every: Target | None
    resolution_target: Target | None
    resolution_maximum: Target | None


class Policy(schema.PolicySpec):
    """A loaded, valid policy. Build one with `load_policy` / `load_policy_text`."""

    # -- look-ups ---------------------------------------------------------------------------
    @property
    def priority_keys(self) -> tuple[str, ...]:
        """Priority keys, highest first."""
        return tuple(self.priorities)

    def priority(self, key_or_alias: str) -> schema.Priority:
        """The priority with this key, name or alias (any case, spacing or punctuation)."""
        return _find(self.priorities, key_or_alias, "priority", lambda p: [p.name, *p.aliases])

    def plan(self, key_or_name: str) -> schema.Plan:
        return _find(self.plans, key_or_name, "plan", lambda p: [p.name])

    def category(self, key_or_name: str) -> schema.Category:
        return _find(self.categories, key_or_name, "category", lambda c: [c.name])

    def calendar_spec(self, key: str) -> schema.CalendarSpec:
        if key == schema.ALWAYS:
            return _BUILT_IN_24X7
        if key not in self.calendars:
            raise NotInPolicy(f"no calendar '{key}' in this policy")
        return self.calendars[key]

    def calendar(self, key: str, customer_tz: str | None = None, customer_holidays: str | None = None) -> Calendar:
        """The named calendar; one whose zone is `customer` is moved into `customer_tz`, one whose
        `holiday_country` is `customer` closes on `customer_holidays` ("GB", "US-TX"; None or ""
        for none: the organisation has no holiday country)."""
        spec = self.calendar_spec(key)
        cal = self._calendars[key] if key in self._calendars else calendars.build(spec)
        if spec.holiday_country == schema.CUSTOMER_HOLIDAYS and customer_holidays:
            country, _, region = customer_holidays.partition("-")
            cal = cal.with_holidays(country, region or None)
        if spec.tz != schema.CUSTOMER_TZ:
            return cal
        if not customer_tz:
            raise ValueError(f"calendar '{key}' runs in the customer's time zone; pass customer_tz")
        return cal.with_tz(customer_tz)

    @functools.cached_property
    def _calendars(self) -> dict[str, Calendar]:
        return {key: calendars.build(spec) for key, spec in self.calendars.items()}

    # -- targets ----------------------------------------------------------------------------
    def emergency_applies(self, plan: str, priority: str) -> bool:
        """Whether emergency coverage covers this plan and priority (keys or names)."""
        e = self.emergency
        plan, priority = self.plan(plan).key, self.priority(priority).key
        return bool(e) and priority in e.priorities and (not e.plans or plan in e.plans)

    def targets_for(self, plan: str, priority: str, category: str | None = None,
                    ticket_kind: str | None = None) -> Targets:
        """Targets for a plan and priority, with the ticket kind's own targets (`by_kind`) and then
        the category's own targets (`by_category`) where they have any."""
        plan_key, prio_key = self.plan(plan).key, self.priority(priority).key
        cat_key = self.category(category).key if category is not None else None
        spec = self.targets[plan_key][prio_key]
        overrides = [spec.by_category.get(cat_key) if cat_key else None,
                     spec.by_kind.get(ticket_kind) if ticket_kind else None]
        out: dict[str, Target | None] = {}
        for kind in TARGET_KINDS:
            text = next((getattr(o, kind) for o in overrides if o is not None and getattr(o, kind)), None)
            text = text or getattr(spec, kind)
            out[kind] = self._target(kind, text, plan_key, prio_key) if text else None
        return Targets(plan_key, prio_key, cat_key, **out)

    def after_hours_response(self, plan: str, priority: str, channel_kind: str, opened_at: dt.datetime,
                             customer_tz: str | None = None, customer_holidays: str | None = None) -> Target | None:
        """The first-response target `escalation.after_hours.PLAN.response` promises a ticket
        opened at `opened_at` (aware), or None: only outside the plan's coverage hours, at one
        of the rule's priorities, and on a channel of the rule's channel's kind when it names
        one (Mirrored Storage Premium: "Dedicated emergency line with guaranteed 30-minute
        response", "All priority levels supported 24×7")."""
        plan_key, prio_key = self.plan(plan).key, self.priority(priority).key
        rule = self.escalation.after_hours.get(plan_key)
        if rule is None or not rule.response:
            return None
        if rule.priorities and prio_key not in rule.priorities:
            return None
        if rule.channel and self.channels[rule.channel].kind != channel_kind:
            return None
        if self.calendar(self.plans[plan_key].coverage, customer_tz, customer_holidays).is_open(opened_at):
            return None
        return self._target("first_response", rule.response, plan_key, prio_key)

    def _target(self, kind: str, text: str, plan: str, priority: str) -> Target:
        """Made once per policy (a Target never changes; its words are worked out on first use)."""
        made = self._targets_made.get((kind, text, plan, priority))
        if made is None:
            made = self._targets_made[kind, text, plan, priority] = self._make_target(kind, text, plan, priority)
        return made

    @functools.cached_property
    def _targets_made(self) -> dict[tuple[str, str, str, str], Target]:
        return {}

    def _make_target(self, kind: str, text: str, plan: str, priority: str) -> Target:
        d = parse_duration(text)
        coverage = self.plans[plan].coverage
        emergency = False
        if d.wall_clock:
            key = schema.ALWAYS
        elif d.business:
            key = coverage
        elif self.emergency_applies(plan, priority):
            key, emergency = self.emergency.coverage, True
        else:
            key = coverage
        minutes = d.minutes(calendars.business_day_minutes(self.calendar_spec(key)))
        return Target(kind, d, key, minutes, emergency, self)

    # -- priorities -------------------------------------------------------------------------
    def suggest_priority(self, **answers: str | None) -> str:
        """Priority key the matrix suggests from answers such as impact="Platform unavailable",
        users_affected="all", business_impact="operations stopped", workaround="none"."""
        m = self.priority_matrix
        if m is None:
            raise NotInPolicy("this policy has no priority_matrix")
        ranks = []
        for question, answer in answers.items():
            if answer is None:
                continue
            dim = _find(m.dimensions, question, "priority matrix question", lambda d: [d.name])
            level = _find(dim.levels, answer, f"answer to '{dim.key}'",
                          lambda lv: [lv.label, *lv.aliases])
            ranks.append(self.priority_keys.index(level.priority))
        if not ranks:
            raise ValueError("suggest_priority needs at least one answer")
        if m.combine == "highest":
            return self.priority_keys[min(ranks)]
        counts = Counter(ranks)
        best = max(counts.values())
        return self.priority_keys[min(r for r, c in counts.items() if c == best)]

    # -- ticket handling --------------------------------------------------------------------
    @property
    def pause_statuses(self) -> frozenset[str]:
        """Ticket statuses in which target clocks are paused."""
        return frozenset(self.clocks.pause_statuses)

    @property
    def auto_close_after_days(self) -> int | None:
        """Days after which a resolved ticket is closed; None: never."""
        return self.lifecycle.auto_close_after_days

    def to_dict(self) -> dict[str, Any]:
        """The policy in normalised JSON-serialisable form (defaults filled in); loading it back
        gives an equal policy."""
        return _plain(self, schema.PolicySpec)


def _find(items: dict[str, Any], wanted: str, noun: str, names: Any) -> Any:
    w = normalise(str(wanted))
    for key, item in items.items():
        if w == normalise(key) or any(w == normalise(n) for n in names(item) if n):
            return item
    raise NotInPolicy(f"no {noun} '{wanted}' in this policy; known: {', '.join(items)}", noun=noun,
                      wanted=str(wanted), known=tuple(items))


def _plain(value: Any, tp: Any) -> Any:
    if value is None:
        return None
    s = shape(tp)
    if s.kind == "optional":
        return _plain(value, s.args[0])
    if s.kind == "dataclass":
        return {f.name: _plain(getattr(value, f.name), f.type) for f in spec_fields(s.args[0])}
    if s.kind == "list":
        return [_plain(v, s.args[0]) for v in value]
    if s.kind == "dict":
        return {k: _plain(v, s.args[1]) for k, v in value.items()}
    return value
