"""The people of a simulation: the policy's levels and teams, the scenario's organisations with
their contacts and partners, the support agents with their paging preferences, and on-call
rotations. A scenario that declares no agents gets one agent at every level and team and one
manager of every level; an organisation without contacts gets one primary technical contact
`it@<name>.example.com` who wants email."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from escalade.notifications.models import OnCallMember, OnCallRotation
from escalade.orgs.access import Viewer
from escalade.orgs.models import Agent, Contact, Level, Organisation, Partner, Team
from escalade.policy import Policy
from escalade.simulate import format as fmt
from escalade.simulate.scenario import (
    DEFAULT_AGENT,
    DEFAULT_MANAGER,
    Scenario,
    ScenarioInvalid,
    instant,
    quiet_hours,
)
from escalade.tickets.models import Ticket

CONTACT_FLAGS = {"primary": "is_primary", "technical": "is_technical", "executive": "is_executive",
                 "billing": "is_billing"}


@dataclass
class World:
    orgs: dict[str, Organisation] = field(default_factory=dict)
    contacts: dict[str, dict[str, Contact]] = field(default_factory=dict)  # org name → name → contact
    agents: dict[str, Agent] = field(default_factory=dict)  # vendor and partner agents by name
    tickets: dict[str, Ticket] = field(default_factory=dict)  # ref → ticket
    first_agent: str = ""

    def agent(self, name: str = "") -> Viewer:
        """The named agent, or the first one."""
        return Viewer.of(self.agents[name or self.first_agent].user)

    def manager(self, ticket: Ticket, name: str = "") -> Viewer:
        """The named agent, or the manager of the ticket's level, or any manager, or the first agent."""
        if name:
            return self.agent(name)
        if ticket.level_id and ticket.level.manager_id:
            return Viewer.of(ticket.level.manager.user)
        manager = next((a for a in self.agents.values() if a.is_manager), None)
        return Viewer.of(manager.user) if manager else self.agent()

    def contact(self, org: Organisation, name: str = "") -> Contact:
        """The named contact of `org`, or its first."""
        people = self.contacts[org.name]
        return people[name] if name else next(iter(people.values()))


def _slug(name: str) -> str:
    return str(name).lower().replace(" ", "-")


def build(policy: Policy, scenario: Scenario, start: dt.datetime) -> World:
    world = World()
    teams = {key: Team.objects.create(key=key, name=t.name) for key, t in policy.teams.items()}
    levels = {key: Level.objects.create(key=key, name=lv.name, rank=rank)
              for rank, (key, lv) in enumerate(policy.levels.items(), start=1)}
    partners = _partners(scenario)
    for spec in scenario.organisations:
        _organisation(world, spec, partners.get(spec.partner))
    specs = scenario.agents or [
        fmt.Agent(name=DEFAULT_MANAGER, email="manager@vendor.example.com", manages_levels=list(levels)),
        fmt.Agent(name=DEFAULT_AGENT, email="agent@vendor.example.com"),
    ]
    for i, spec in enumerate(specs):
        try:
            # The default manager manages every level but works at none (as a support manager would).
            _agent(world, spec, policy, levels, teams, partners, staff=bool(scenario.agents) or i > 0)
        except ValidationError as exc:
            raise ScenarioInvalid([scenario.error(("agents", i), "; ".join(exc.messages))]) from None
    default = DEFAULT_AGENT if not scenario.agents else scenario.agents[0].name
    world.first_agent = default
    for spec in scenario.on_call:
        rotation = OnCallRotation.objects.create(team=teams[spec.team], start=instant(spec.start, start),
                                                 shift_hours=int(spec.shift.strip().rstrip("h").strip()))
        for position, name in enumerate(spec.members):
            OnCallMember.objects.create(rotation=rotation, agent=world.agents[name], position=position)
    return world


def _partners(scenario: Scenario) -> dict[str, Partner]:
    """Each partner named by an organisation, with its help desk agent (who receives
    `partner_agents` messages) unless the scenario declares the partner's agents."""
    users = get_user_model().objects
    declared = {a.partner for a in scenario.agents if a.partner}
    partners: dict[str, Partner] = {}
    for name in dict.fromkeys(o.partner for o in scenario.organisations if o.partner):
        partner = partners[name] = Partner.objects.create(slug=_slug(name), name=name)
        if name not in declared:
            Agent.objects.create(user=users.create_user(f"partner-{partner.slug}",
                                                        email=f"helpdesk@{partner.slug}.example.com"),
                                 name=f"{partner.name} help desk", partner=partner)
    return partners


def _organisation(world: World, spec: fmt.Organisation, partner: Partner | None) -> None:
    users = get_user_model().objects
    slug = _slug(spec.name)
    org = world.orgs[spec.name] = Organisation.objects.create(name=spec.name, slug=slug, plan=spec.plan,
                                                              timezone=spec.timezone, partner=partner)
    people = spec.contacts or [fmt.Contact(name=f"{spec.name} contact", email=f"it@{slug}.example.com",
                                           roles=["primary", "technical"])]
    world.contacts[spec.name] = {}
    for i, person in enumerate(people):
        email = person.email or f"{_slug(person.name).split('-')[0]}@{slug}.example.com"
        quiet = quiet_hours(person.quiet_hours)
        world.contacts[spec.name][person.name] = Contact.objects.create(
            organisation=org, name=person.name, email=email, phone=person.phone,
            can_open_tickets=person.can_open_tickets, channel_preferences=dict(person.channels),
            quiet_hours_start=quiet[0] if quiet else None, quiet_hours_end=quiet[1] if quiet else None,
            user=users.create_user(f"contact-{slug}-{i}", email=email),
            **{flag: role in person.roles for role, flag in CONTACT_FLAGS.items()})


def _agent(world: World, spec: fmt.Agent, policy: Policy, levels: dict[str, Level], teams: dict[str, Team],
           partners: dict[str, Partner], *, staff: bool = True) -> None:
    users = get_user_model().objects
    person = policy.contacts.get(spec.contact) if spec.contact else None
    email = spec.email or (person.email if person and person.email else f"{_slug(spec.name)}@vendor.example.com")
    quiet = quiet_hours(spec.quiet_hours)
    agent = world.agents[spec.name] = Agent.objects.create(
        user=users.create_user(f"agent-{len(world.agents)}", email=email),
        name=spec.name, partner=partners.get(spec.partner),
        phone=spec.phone or (person.phone if person and person.phone else ""), pager=spec.pager,
        paging_preferences=dict(spec.paging), timezone=spec.timezone,
        is_manager=bool(spec.manages_levels or spec.manages_teams),
        quiet_hours_start=quiet[0] if quiet else None, quiet_hours_end=quiet[1] if quiet else None)
    agent.full_clean(exclude=["user", "partner"])  # paging channels need a phone or pager: say so now
    if not staff:
        pass
    elif not spec.partner:
        agent.levels.set([levels[k] for k in spec.levels] if spec.levels else levels.values())
        agent.teams.set([teams[k] for k in spec.teams] if spec.teams else teams.values())
    elif spec.levels:
        agent.levels.set([levels[k] for k in spec.levels])
    for key in spec.manages_levels:
        Level.objects.filter(pk=levels[key].pk).update(manager=agent)
    for key in spec.manages_teams:
        Team.objects.filter(pk=teams[key].pk).update(manager=agent)
