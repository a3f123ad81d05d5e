"""The checks of a scenario file: what it says about itself (instants, durations, names that refer
to each other: `FileChecks`, run by `scenario.parse`) and what needs the policy (plans, priorities,
levels, teams, channels: `PolicyChecks`, run by `Scenario.check_against`). Each problem becomes an
error located at its file:line:col, and every problem is reported, not just the first."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import zoneinfo

from escalade.policy import NotInPolicy, Policy
from escalade.policy.errors import PolicyError
from escalade.policy.load import Locations
from escalade.simulate import format as fmt
from escalade.simulate.scenario import (
    CUSTOMER_KINDS,
    DEFAULT_AGENT,
    DEFAULT_MANAGER,
    DEFAULT_START,
    EVENT_KINDS,
    MONITORING_KINDS,
    Event,
    Scenario,
    ScenarioError,
    ScenarioInvalid,
    duration,
    instant,
    quiet_hours,
)
from escalade.tickets.models import Channel


def _suggest(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _known(what: str, known: list[str]) -> str:
    return f"{what}: {', '.join(known)}" if known else f"there are no {what}"


class FileChecks:
    """What the file says about itself: instants, durations, names that refer to each other."""

    def __init__(self, spec: fmt.ScenarioSpec, locs: Locations):
        self.spec, self.locs = spec, locs
        self.errors: list[PolicyError] = []
        self.scenario = Scenario(DEFAULT_START, DEFAULT_START, spec.organisations, spec.agents, spec.on_call,
                                 locs=locs)

    def error(self, path: tuple, message: str) -> None:
        self.errors.append(self.scenario.error(path, message))

    def instant(self, value: str, path: tuple) -> dt.datetime | None:
        try:
            return instant(value, self.scenario.start)
        except ScenarioError as exc:
            self.error(path, exc.message)
            return None

    def duration(self, value: str, path: tuple) -> None:
        if value:
            try:
                duration(value)
            except ValueError as exc:
                self.error(path, str(exc))

    def run(self) -> Scenario:
        s, spec = self.scenario, self.spec
        s.start = self.instant(spec.start, ("start",)) or DEFAULT_START
        self.organisations()
        self.agents()
        self.rotations()
        self.events()
        last = max((e.at for e in s.events), default=s.start)
        s.until = self.instant(spec.until, ("until",)) or last
        if s.until < last:
            self.error(("until",), f"{s.until:%Y-%m-%d %H:%M}Z is before the last event ({last:%Y-%m-%d %H:%M}Z)")
        if self.errors:
            raise ScenarioInvalid(self.errors)
        s.events.sort(key=lambda e: e.at)
        return s

    def zone(self, value: str, path: tuple) -> None:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.error(path, f"{value!r} is not an IANA time zone (e.g. Europe/London)")

    def quiet(self, value: str, path: tuple) -> None:
        try:
            quiet_hours(value)
        except ValueError as exc:
            self.error(path, str(exc))

    def organisations(self) -> None:
        names: set[str] = set()
        assets: set[str] = set()
        for i, org in enumerate(self.spec.organisations):
            where = ("organisations", i)
            if org.name in names:
                self.error((*where, "name"), f"a second organisation named {org.name!r}")
            names.add(org.name)
            self.zone(org.timezone, (*where, "timezone"))
            people: set[str] = set()
            for j, contact in enumerate(org.contacts):
                if contact.name in people:
                    self.error((*where, "contacts", j, "name"), f"a second contact named {contact.name!r}")
                people.add(contact.name)
                self.quiet(contact.quiet_hours, (*where, "contacts", j, "quiet_hours"))
            for j, asset in enumerate(org.assets):
                if asset.name in assets:
                    self.error((*where, "assets", j, "name"), f"a second system named {asset.name!r}")
                assets.add(asset.name)
                self.duration(asset.interval, (*where, "assets", j, "interval"))

    def agents(self) -> None:
        names: set[str] = set()
        partners = {o.partner for o in self.spec.organisations if o.partner}
        for i, agent in enumerate(self.spec.agents):
            where = ("agents", i)
            if agent.name in names:
                self.error((*where, "name"), f"a second agent named {agent.name!r}")
            names.add(agent.name)
            self.zone(agent.timezone, (*where, "timezone"))
            self.quiet(agent.quiet_hours, (*where, "quiet_hours"))
            if agent.partner and agent.partner not in partners:
                self.error((*where, "partner"), f"no organisation has the partner {agent.partner!r}"
                                                f"{_suggest(agent.partner, sorted(partners))}")

    def rotations(self) -> None:
        agents = [a.name for a in self.spec.agents]
        for i, rotation in enumerate(self.spec.on_call):
            where = ("on_call", i)
            for j, member in enumerate(rotation.members):
                if member not in agents:
                    self.error((*where, "members", j), f"no agent {member!r}; {_known('agents', agents)}")
            self.instant(rotation.start, (*where, "start"))
            match = re.fullmatch(r"(\d+)\s*h", rotation.shift.strip())
            if not match or int(match[1]) < 1:
                self.error((*where, "shift"), f"{rotation.shift!r} is not a shift in whole hours, like 12h")

    def events(self) -> None:
        orgs = {o.name: o for o in self.spec.organisations}
        assets = [a.name for o in self.spec.organisations for a in o.assets]
        refs = {a.ref for o in self.spec.organisations for a in o.assets if a.ref}
        opened: dict[str, dt.datetime] = {}
        opened_by_org = {a.ref: o.name for o in self.spec.organisations for a in o.assets if a.ref}
        timed = []
        for i, item in enumerate(self.spec.events):
            kinds = [k for k in EVENT_KINDS if getattr(item, k) is not None]
            if len(kinds) != 1:
                given = f" (got {', '.join(kinds)})" if kinds else ""
                self.error(("events", i), f"give exactly one of {', '.join(EVENT_KINDS)}{given}")
                continue
            at = self.instant(item.at, ("events", i, "at"))
            if at is None:
                continue
            if at < self.scenario.start:
                self.error(("events", i, "at"), f"{at:%Y-%m-%d %H:%M}Z is before start")
            timed.append(Event(at, kinds[0], getattr(item, kinds[0]), f"events[{i}]", i))
        # In time order, as they will run: a ticket must be opened before an event names it.
        for event in sorted(timed, key=lambda e: e.at):
            path, d = ("events", event.index, event.kind), event.data
            if event.kind == "open":
                org = orgs.get(d.org)
                if org is None:
                    self.error((*path, "org"), f"no organisation {d.org!r} in the scenario"
                                               f"{_suggest(d.org, list(orgs))}")
                d.ref = d.ref or f"t{len(opened) + 1}"
                if d.ref in opened or d.ref in refs:
                    self.error((*path, "ref"), f"a second ticket named {d.ref!r}")
                opened[d.ref] = event.at
            elif event.kind in MONITORING_KINDS:
                if d.asset and d.asset not in assets:
                    self.error((*path, "asset"), f"no monitored system {d.asset!r} in the scenario's "
                                                 f"organisations (give them under organisations[].assets)")
                if event.kind == "maintenance":
                    if d.org and d.org not in orgs:
                        self.error((*path, "org"), f"no organisation {d.org!r} in the scenario")
                    for name in ("starts", "ends"):
                        if getattr(d, name):
                            self.instant(getattr(d, name), (*path, name))
                    for name in ("for_", "notice"):
                        self.duration(getattr(d, name), (*path, name))
                elif event.kind == "outage":
                    self.duration(d.for_, (*path, "for_"))
            else:
                if d.ticket not in opened and d.ticket not in refs:
                    known = sorted(opened) + sorted(refs)
                    self.error((*path, "ticket"), f"no ticket {d.ticket!r} is opened before this event"
                                                  f"{_suggest(d.ticket, known)}")
            if event.kind not in MONITORING_KINDS:
                self.people(event, path, orgs, opened_by_org)
            if event.kind == "open":
                opened_by_org[d.ref] = d.org
        self.scenario.events = timed

    def people(self, event: Event, path: tuple, orgs: dict, org_of: dict[str, str]) -> None:
        """`by`, `requester` and `assignee` name people who exist, on the right side."""
        d = event.data
        org = orgs.get(d.org if event.kind == "open" else org_of.get(d.ticket, ""))
        contacts = ([c.name for c in org.contacts] or [f"{org.name} contact"]) if org else []
        agents = [a.name for a in self.spec.agents] or [DEFAULT_AGENT, DEFAULT_MANAGER]
        by = getattr(d, "by", "")
        if event.kind == "open" and d.requester and org and d.requester not in contacts:
            self.error((*path, "requester"), f"{org.name} has no contact {d.requester!r}; "
                                             f"{_known('contacts', contacts)}")
        if getattr(d, "assignee", "") and d.assignee not in agents:
            self.error((*path, "assignee"), f"no agent {d.assignee!r}; {_known('agents', agents)}")
        if not by or (event.kind == "status" and by == "customer"):
            return
        if event.kind in CUSTOMER_KINDS:
            if org and by not in contacts:
                self.error((*path, "by"), f"{org.name} has no contact {by!r}; {_known('contacts', contacts)}")
        elif event.kind == "status":
            if by not in agents and org and by not in contacts:
                self.error((*path, "by"), f"nobody named {by!r}: {_known('agents', agents)}; "
                                          f"{_known('contacts of ' + org.name, contacts)}")
        elif by not in agents:
            self.error((*path, "by"), f"no agent {by!r}; {_known('agents', agents)}")


class PolicyChecks:
    """What the scenario names that the policy must define."""

    def __init__(self, scenario: Scenario, policy: Policy):
        self.s, self.policy = scenario, policy
        self.errors: list[PolicyError] = []

    def error(self, path: tuple, message: str) -> None:
        self.errors.append(self.s.error(path, message))

    def key(self, value: str, path: tuple, kind: str, items: dict) -> None:
        if value and value not in items:
            self.error(path, f"the policy has no {kind} {value!r}{_suggest(value, list(items))}; "
                             f"{_known(kind + 's', list(items))}")

    def lookup(self, value: str, path: tuple, find) -> None:
        if value:
            try:
                find(value)
            except NotInPolicy as exc:
                self.error(path, str(exc).replace("in this policy", "in the policy"))

    def priority_keys(self, prefs: dict, path: tuple) -> None:
        for key in prefs:
            if key != "*":
                self.key(key, path, "priority", self.policy.priorities)

    def run(self) -> list[PolicyError]:
        p = self.policy
        for i, org in enumerate(self.s.organisations):
            self.key(org.plan, ("organisations", i, "plan"), "plan", p.plans)
            for j, contact in enumerate(org.contacts):
                self.priority_keys(contact.channels, ("organisations", i, "contacts", j, "channels"))
        for i, agent in enumerate(self.s.agents):
            where = ("agents", i)
            self.key(agent.contact, (*where, "contact"), "contact", p.contacts)
            for name, items, kind in (("levels", p.levels, "level"), ("manages_levels", p.levels, "level"),
                                      ("teams", p.teams, "team"), ("manages_teams", p.teams, "team")):
                for j, value in enumerate(getattr(agent, name)):
                    self.key(value, (*where, name, j), kind, items)
            self.priority_keys(agent.paging, (*where, "paging"))
        for i, rotation in enumerate(self.s.on_call):
            self.key(rotation.team, ("on_call", i, "team"), "team", p.teams)
        for event in self.s.events:
            self.event(event)
        return self.errors

    def event(self, event: Event) -> None:
        p, d, path = self.policy, event.data, ("events", event.index, event.kind)
        if event.kind == "open":
            self.lookup(d.priority, (*path, "priority"), p.priority)
            self.lookup(d.category, (*path, "category"), p.category)
            self.key(d.level, (*path, "level"), "level", p.levels)
            self.channel(d.channel, (*path, "channel"))
            self.matrix(d.matrix, (*path, "matrix"))
        elif event.kind == "priority":
            self.lookup(d.to, (*path, "to"), p.priority)
        elif event.kind == "assign_level":
            self.key(d.to, (*path, "to"), "level", p.levels)
        elif event.kind == "update":
            self.lookup(d.priority, (*path, "priority"), p.priority)
            self.lookup(d.category, (*path, "category"), p.category)
            self.key(d.level, (*path, "level"), "level", p.levels)
            self.key(d.team, (*path, "team"), "team", p.teams)
        elif event.kind == "escalation_request":
            self.key(d.level, (*path, "level"), "level", p.levels)
        elif event.kind == "status" and d.to == "resolved" and d.resolution_type is None:
            self.error((*path, "to"), "resolving needs a resolution_type: "
                                      + ", ".join(fmt.Resolution.__args__))

    def channel(self, value: str, path: tuple) -> None:
        if value in Channel.values:
            return
        hint = _suggest(value, list(Channel.values))
        if value in self.policy.channels:
            kind = self.policy.channels[value].kind
            hint = f"; {value!r} is a channel of the policy: here give its kind, {kind!r}"
        self.error(path, f"{value!r} is not a channel kind{hint}; use one of {', '.join(Channel.values)}")

    def matrix(self, answers: dict, path: tuple) -> None:
        if not answers:
            return
        if self.policy.priority_matrix is None:
            self.error(path, "the policy has no priority_matrix")
            return
        for question, answer in answers.items():
            try:
                self.policy.suggest_priority(**{question: answer})
            except NotInPolicy as exc:
                self.error((*path, question), str(exc).replace("in this policy", "in the policy"))

