"""Replaying a scenario in virtual time through the production code: the same services, SLA clocks,
every sweep of the worker and the outbox, driven by a FakeClock. The caller provides a throwaway
database (`escalade simulate` makes one)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from escalade.clock import FakeClock, use_clock
from escalade.errors import DomainError
from escalade.escalation import management
from escalade.escalation.review import complete_review_task
from escalade.orgs.access import Viewer
from escalade.orgs.models import Level, Team
from escalade.policy import load_policy_text
from escalade.policy.publish import apply_policy, policy_of
from escalade.simulate import engine, monitoring, timeline, world
from escalade.simulate.format import INTAKE_FIELDS
from escalade.simulate.scenario import Event, Scenario
from escalade.simulate.timeline import Line, as_dicts, fold  # noqa: F401 - the simulator's output API
from escalade.tickets import services
from escalade.tickets.models import Ticket
from escalade.worker.loop import Worker

# Wall-clock remarks of the worker loop ("a round took 1.2 s") say nothing about the scenario.
_NOT_SIMULATED = ("a round took",)


def run(policy_text: str, policy_name: str, scenario: Scenario) -> list[Line]:
    """The timeline of `scenario` under the policy. Raises PolicyInvalid for a broken policy and
    ScenarioInvalid (located at file:line:col) for what the scenario gets wrong, before or while
    running."""
    scenario.check_against(load_policy_text(policy_text, policy_name))
    clock = FakeClock(scenario.start)
    warnings = timeline.WarningLog(clock.now)
    with use_clock(clock), _capturing(warnings):
        version, _ = apply_policy(policy_text, filename=policy_name, actor="simulate")
        people = world.build(policy_of(version), scenario, scenario.start)
        monitored = monitoring.SimulatedMonitoring(scenario.start, people.tickets)
        monitored.add_assets(people.orgs, scenario.organisations)
        monitored.script(scenario.events)
        worker = Worker(sweeps=engine.sweeps({"check_due_assets": monitored.sweep,
                                                     "deliver_due": engine.leave_queued}))
        for event in scenario.events:
            engine.run_until(clock, worker, event.at)
            try:
                _apply(event, people, monitored)
            except DomainError as exc:
                raise scenario.fail(event, _field(event, exc), exc.message) from None
            worker.run_round()
        engine.run_until(clock, worker, scenario.until)
        monitored.availability(scenario.until)
    return timeline.build(monitored.lines + warnings.entries,
                          {ticket.number: ref for ref, ticket in people.tickets.items()})


@contextlib.contextmanager
def _capturing(log: timeline.WarningLog) -> Iterator[None]:
    """Route the engine's warnings into the timeline (not stderr) while the simulation runs."""
    logger = logging.getLogger("escalade")
    log.addFilter(lambda record: not record.getMessage().startswith(_NOT_SIMULATED))
    propagate = logger.propagate
    logger.addHandler(log)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(log)
        logger.propagate = propagate


def _field(event: Event, exc: DomainError) -> str:
    """The event's field an error is about, when it names one of them."""
    name = getattr(exc, "field", "") or ""
    return name if hasattr(event.data, name) else ""


def _ticket(event: Event, people: world.World) -> Ticket:
    ticket = people.tickets.get(event.data.ticket)
    if ticket is None:  # only an incident ticket can be missing: its system had not failed enough yet
        raise DomainError(f"no ticket {event.data.ticket!r} yet: its monitored system has not opened an "
                          "incident by then", field="ticket")
    ticket.refresh_from_db()
    return ticket


def _customer(people: world.World, ticket: Ticket, name: str) -> Viewer:
    """The named contact of the ticket's organisation, or its requester, or its first contact."""
    if not name and ticket.requester_id:
        return Viewer.of(ticket.requester.user)
    return Viewer.of(people.contact(ticket.organisation, name).user)


def _apply(event: Event, people: world.World, monitored: monitoring.SimulatedMonitoring) -> None:
    d, at = event.data, event.at
    if event.kind in monitoring.EVENT_KINDS:
        monitored.apply(event, people.orgs)
    elif event.kind == "open":
        org = people.orgs[d.org]
        requester = people.contact(org, d.requester)
        viewer = people.agent(d.by) if d.by else Viewer.of(requester.user)
        people.tickets[d.ref] = services.open_ticket(
            viewer, organisation=org, subject=d.subject, description=d.description,
            requester=requester if d.by else None, priority=d.priority or None, category=d.category,
            kind=d.kind, channel=d.channel, level=Level.objects.get(key=d.level) if d.level else None,
            matrix_answers=d.matrix or None, at=at, **{f: getattr(d, f) for f in INTAKE_FIELDS if getattr(d, f)})
    else:
        _on_ticket(event, people, _ticket(event, people))


def _on_ticket(event: Event, people: world.World, ticket: Ticket) -> None:
    d, at, kind = event.data, event.at, event.kind
    if kind == "agent_reply":
        services.add_message(people.agent(d.by), ticket, body=d.body or "Update", at=at)
    elif kind == "note":
        services.add_message(people.agent(d.by), ticket, body=d.body or "Note", internal=True, at=at)
    elif kind == "customer_reply":
        services.add_message(_customer(people, ticket, d.by), ticket, body=d.body or "Reply", at=at)
    elif kind == "status":
        if d.by == "customer" or d.by in people.contacts[ticket.organisation.name]:
            by = _customer(people, ticket, "" if d.by == "customer" else d.by)
        else:
            by = people.agent(d.by)
        services.change_status(by, ticket, d.to, resolution_type=d.resolution_type or "", at=at)
    elif kind == "priority":
        services.update_ticket(people.agent(d.by), ticket, priority=d.to, at=at)
    elif kind == "assign_level":
        services.update_ticket(people.agent(d.by), ticket, level=Level.objects.get(key=d.to), at=at)
    elif kind == "update":
        changes = {name: getattr(d, name) for name in ("priority", "category", "kind", "subject") if getattr(d, name)}
        if d.level:
            changes["level"] = Level.objects.get(key=d.level)
        if d.team:
            changes["team"] = Team.objects.get(key=d.team)
        if d.assignee:
            changes["assignee"] = people.agents[d.assignee]
        services.update_ticket(people.agent(d.by), ticket, at=at, **changes)
    elif kind == "escalation_request":
        services.request_escalation(_customer(people, ticket, d.by), ticket, business_impact=d.business_impact,
                                    level=d.level, at=at)
    elif kind == "management_answer":
        management.answer_concern(people.manager(ticket, d.by), ticket, answer=d.answer, at=at)
    elif kind == "complete_task":  # a manager marks a review or follow-up task done
        task = ticket.review_tasks.filter(title=d.task).first()
        if task is None:
            titles = list(ticket.review_tasks.exclude(title="").values_list("title", flat=True))
            raise DomainError(f"{ticket.number} has no task {d.task!r}; its tasks: {', '.join(titles) or 'none'}",
                              field="task")
        complete_review_task(people.manager(ticket, d.by), task.pk, at=at)
