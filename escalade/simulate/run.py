"""Replaying a scenario in virtual time through the production code: the same services, SLA clocks,
escalation sweep and outbox, driven by a FakeClock. The caller provides a throwaway database."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.db.models import Min

from escalade.audit.models import Event
from escalade.clock import FakeClock, use_clock
from escalade.escalation import management
from escalade.escalation.models import EscalationCheck
from escalade.escalation.review import complete_review_task
from escalade.escalation.sweep import check_due
from escalade.monitoring.models import MonitoredAsset
from escalade.notifications.models import OutboxMessage
from escalade.orgs.access import Viewer
from escalade.orgs.models import Agent, Contact, Level, Organisation, Partner, Team
from escalade.policy import Policy
from escalade.policy.publish import apply_policy
from escalade.simulate import monitoring
from escalade.simulate.scenario import Scenario, ScenarioError
from escalade.sla.breaches import record_breaches
from escalade.sla.models import ClockStatus, SlaClock
from escalade.sla.selectors import ORDER as CLOCK_ORDER
from escalade.tickets import services
from escalade.tickets.models import Ticket
from escalade.worker.loop import Worker
from escalade.worker.sweeps import close_resolved_tickets

# Delivery is not simulated: messages stay in the outbox and are reported as queued.
SIMULATED_SWEEPS = [record_breaches, check_due, close_resolved_tickets]
SHOWN_ACTIONS = ("ticket.opened", "ticket.status_changed", "ticket.updated", "ticket.replied",
                 "ticket.escalation_requested", "sla.clocks_started", "sla.clocks_retargeted", "sla.breached",
                 "escalation.fired", "escalation.management_raised", "escalation.management_attempt",
                 "escalation.management_step", "escalation.management_answered",
                 "escalation.follow_ups_created", "escalation.follow_up_overdue", "review_task.done")


@dataclass
class Line:
    at: str
    ticket: str
    what: str
    detail: str


def run(policy_text: str, policy_name: str, scenario: Scenario) -> list[Line]:
    clock = FakeClock(scenario.start)
    with use_clock(clock):
        version, _ = apply_policy(policy_text, filename=policy_name, actor="simulate")
        from escalade.policy.publish import policy_of

        world = _build_world(policy_of(version), scenario)
        tickets: dict[str, Ticket] = {}
        world["monitoring"] = monitored = monitoring.SimulatedMonitoring(scenario.start, tickets)
        monitored.add_assets(world["orgs"], scenario.organisations)
        monitored.script(scenario.events)
        # Monitoring checks first, as in production (worker/sweeps.py): they may open incident tickets.
        worker = Worker(sweeps=[monitored.sweep, *SIMULATED_SWEEPS])
        for event in scenario.events:
            _run_until(clock, worker, event.at)
            _apply(event, world, tickets)
            worker.run_round()
        _run_until(clock, worker, scenario.until)
        monitored.availability(scenario.until)
    return timeline([Line(f"{at:%Y-%m-%d %H:%M}Z", ticket, what, detail)
                     for at, ticket, what, detail in monitored.lines])


def _next_due(limit: dt.datetime) -> dt.datetime | None:
    candidates = [
        EscalationCheck.objects.filter(next_check_at__lte=limit).aggregate(t=Min("next_check_at"))["t"],
        SlaClock.objects.filter(status=ClockStatus.RUNNING, breached_at__isnull=True, due_at__lte=limit)
        .aggregate(t=Min("due_at"))["t"],
        MonitoredAsset.objects.filter(is_active=True, next_check_at__lte=limit).aggregate(t=Min("next_check_at"))["t"],
    ]
    return min((c for c in candidates if c is not None), default=None)


def _run_until(clock: FakeClock, worker: Worker, until: dt.datetime) -> None:
    """Step the clock from due instant to due instant up to `until`, running a worker round at each."""
    for _ in range(100_000):
        due = _next_due(until)
        if due is None:
            break
        clock.set(max(due, clock.now()))
        if not worker.run_round() and _next_due(clock.now()) is not None:
            clock.advance(seconds=1)  # something due could not be handled at this instant; move on
    clock.set(max(until, clock.now()))


def _build_world(policy: Policy, scenario: Scenario) -> dict:
    users = get_user_model().objects
    teams = {key: Team.objects.create(key=key, name=t.name) for key, t in policy.teams.items()}
    levels = [Level.objects.create(key=key, name=lv.name, rank=rank)
              for rank, (key, lv) in enumerate(policy.levels.items(), start=1)]
    manager = Agent.objects.create(user=users.create_user("manager", email="manager@vendor.example.com"),
                                   name="Level manager", is_manager=True)
    for level in levels:
        level.manager = manager
        level.save()
    agent = Agent.objects.create(user=users.create_user("agent", email="agent@vendor.example.com"), name="Agent")
    agent.levels.set(levels)
    agent.teams.set(teams.values())
    orgs = {}
    for spec in scenario.organisations:
        partner = None
        if spec.get("partner"):
            partner, created = Partner.objects.get_or_create(slug=str(spec["partner"]).lower().replace(" ", "-"),
                                                             defaults={"name": spec["partner"]})
            if created:  # the partner's help desk, so messages to `partner_agents` reach someone
                Agent.objects.create(user=users.create_user(f"partner-{partner.slug}",
                                                            email=f"helpdesk@{partner.slug}.example.com"),
                                     name=f"{partner.name} help desk", partner=partner)
        slug = str(spec["name"]).lower().replace(" ", "-")
        org = Organisation.objects.create(name=spec["name"], slug=slug, plan=spec["plan"],
                                          timezone=spec.get("timezone", "UTC"), partner=partner)
        Contact.objects.create(organisation=org, name=f"{spec['name']} contact", email=f"it@{slug}.example.com",
                               phone="+15555550100", is_primary=True, is_technical=True,
                               user=users.create_user(f"contact-{slug}"))
        orgs[spec["name"]] = org
    return {"orgs": orgs, "agent": Viewer.of(agent.user), "manager": Viewer.of(manager.user),
            "admin": Viewer.system("simulate")}


def _apply(event, world: dict, tickets: dict[str, Ticket]) -> None:
    d, where = event.data, event.where
    if event.kind in monitoring.EVENT_KINDS:
        world["monitoring"].apply(event, world["orgs"])
        return
    if event.kind == "open":
        org = world["orgs"].get(d.get("org"))
        if org is None:
            raise ScenarioError(f"{where}.open.org: no organisation {d.get('org')!r} in the scenario")
        contact = org.contacts.first()
        tickets[d.get("ref", f"t{len(tickets) + 1}")] = services.open_ticket(
            Viewer.of(contact.user), organisation=org, subject=d.get("subject", "Simulated ticket"),
            description=d.get("description", "Simulated"), priority=d.get("priority"),
            category=d.get("category", ""), channel=d.get("channel", "portal"), at=event.at)
        return
    ticket = tickets.get(d.get("ticket"))
    if ticket is None:
        raise ScenarioError(f"{where}.ticket: no ticket {d.get('ticket')!r} opened before this event")
    ticket.refresh_from_db()
    customer = Viewer.of(ticket.organisation.contacts.first().user)
    if event.kind == "agent_reply":
        services.add_message(world["agent"], ticket, body=d.get("body", "Update"), at=event.at)
    elif event.kind == "note":
        services.add_message(world["agent"], ticket, body=d.get("body", "Note"), internal=True, at=event.at)
    elif event.kind == "customer_reply":
        services.add_message(customer, ticket, body=d.get("body", "Reply"), at=event.at)
    elif event.kind == "status":
        by = customer if d.get("by") == "customer" else world["agent"]
        services.change_status(by, ticket, d["to"], resolution_type=d.get("resolution_type", ""), at=event.at)
    elif event.kind == "priority":
        services.update_ticket(world["agent"], ticket, priority=d["to"], at=event.at)
    elif event.kind == "assign_level":
        services.update_ticket(world["agent"], ticket, level=Level.objects.get(key=d["to"]), at=event.at)
    elif event.kind == "escalation_request":
        services.request_escalation(customer, ticket, business_impact=d.get("business_impact", ""), at=event.at)
    elif event.kind == "management_answer":
        management.answer_concern(world["manager"], ticket, answer=d.get("answer", ""), at=event.at)
    elif event.kind == "complete_task":  # a manager marks a review or follow-up task done
        task = ticket.review_tasks.filter(title=d.get("task", "")).first()
        if task is None:
            raise ScenarioError(f"{where}.complete_task.task: {ticket.number} has no task {d.get('task')!r}")
        complete_review_task(world["manager"], task.pk, at=event.at)


def timeline(extra: list[Line] | None = None) -> list[Line]:
    """What happened, in time order: ticket events, clocks, breaches, firings and queued messages,
    and `extra` lines (monitoring) first among those of the same minute."""
    numbers = dict(Ticket.objects.values_list("pk", "pk"))
    lines = list(extra or [])
    for e in Event.objects.filter(action__in=SHOWN_ACTIONS).order_by("at", "id"):
        number = f"ESC-{numbers.get(e.ticket_id, 0):06d}" if e.ticket_id else ""
        lines.append(Line(f"{e.at:%Y-%m-%d %H:%M}Z", number, e.action, _detail(e)))
    for m in OutboxMessage.objects.select_related("ticket").order_by("created_at", "pk"):
        lines.append(Line(f"{m.created_at:%Y-%m-%d %H:%M}Z", m.ticket.number if m.ticket else "", f"notify.{m.kind}",
                          f"{m.channel} to {m.payload.get('role', '?')} <{m.recipient}>: {m.subject}"))
    lines.sort(key=lambda line: line.at)
    return lines


def _detail(e: Event) -> str:
    if e.action == "sla.clocks_started":
        # PostgreSQL's jsonb keeps no key order: list the clocks in their fixed order.
        clocks = sorted(e.after.items(), key=lambda kv: CLOCK_ORDER.index(kv[0]) if kv[0] in CLOCK_ORDER else 99)
        return "; ".join(f"{kind} due {due[:16].replace('T', ' ')}Z" for kind, due in clocks)
    if e.action == "escalation.fired":
        return f"rule {e.after.get('rule')}: {', '.join(e.after.get('actions', []))}"
    if e.action == "sla.breached":
        return e.after.get("target", "")
    if e.action == "ticket.updated":
        return ", ".join(f"{k} {e.before.get(k)} → {v}" for k, v in sorted(e.after.items()))
    if e.action == "ticket.status_changed":
        return f"{e.before.get('status')} → {e.after.get('status')}"
    if e.action == "escalation.follow_ups_created":
        return "; ".join(f"{t['title']} due {t['due_at'][:16].replace('T', ' ')}Z" for t in e.after.get("tasks", []))
    if e.action == "escalation.follow_up_overdue":
        return f"{e.after.get('task')} due {str(e.after.get('due_at'))[:16].replace('T', ' ')}Z → {e.after.get('role')}"
    return ", ".join(f"{k}={v}" for k, v in sorted(e.after.items()))[:200]


def as_dicts(lines: list[Line]) -> list[dict]:
    return [asdict(line) for line in lines]
