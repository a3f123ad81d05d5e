"""Carrying out what the rules decided for one ticket: one Firing row per key (unique, so each
firing happens once), and its actions — escalate, notify, page, call, status updates to the customer,
review tasks, problem records, billable records — inside the same transaction, so a crash loses or
doubles nothing. Messages go to the notifications outbox; the worker delivers them."""

from __future__ import annotations

import datetime as dt
import logging
from itertools import groupby

from escalade.audit.chain import record
from escalade.escalation import actions as act
from escalade.escalation.models import BillableRecord, Firing, ProblemRecord, ReviewTask
from escalade.notifications.notify import default_text, notify, ticket_context, ticket_url
from escalade.notifications.outbox import enqueue
from escalade.orgs.access import Viewer
from escalade.orgs.models import Level, Team
from escalade.policy import Policy
from escalade.tickets import services
from escalade.tickets.models import Ticket

logger = logging.getLogger("escalade.escalation")

BUILT_IN_ROLES = ("assignee", "level_manager", "team_manager", "requester", "customer_primary",
                  "customer_technical", "customer_executive", "customer_billing", "partner_agents")


def fire(ticket: Ticket, policy: Policy, decided: list[act.Action], now: dt.datetime) -> int:
    """Record and carry out `decided` (from rules.decide); returns how many firings were new."""
    new = 0
    for key, group in groupby(sorted(decided, key=lambda a: (a.key, a.index)), key=lambda a: a.key):
        group = list(group)
        first = group[0]
        firing, created = Firing.objects.get_or_create(key=key, defaults={
            "ticket": ticket, "rule": first.rule, "at": first.at, "recorded_at": now,
            "actions": [a.to_dict() for a in group], "visible_to_customer": first.visible_to_customer,
        })
        if not created:
            continue
        new += 1
        record(actor=f"system: escalation rule {first.rule}", action="escalation.fired", obj=firing,
               ticket_id=ticket.pk, at=first.at, after={"rule": first.rule, "actions": [a.kind for a in group],
                                                        "visible_to_customer": first.visible_to_customer})
        for action in group:
            _carry_out(ticket, policy, action)
    return new


def _carry_out(ticket: Ticket, policy: Policy, a: act.Action) -> None:
    dedupe = f"{a.key}:{a.index}"
    if isinstance(a, act.Escalate):
        level = Level.objects.filter(key=a.to_level).first()
        if level is None:
            logger.error("%s: rule %s escalates to %s, which is not a level here", ticket.number, a.rule, a.to_level)
            return
        changes = {"level": level}
        team = Team.objects.filter(key=a.assign_to).first() if a.assign_to else None
        if team is not None:
            changes["team"] = team
        services.update_ticket(Viewer.system(f"escalation rule {a.rule}"), ticket, at=a.at, **changes)
    elif isinstance(a, act.Notify):
        _send(ticket, policy, a.role, a.template, "escalation", a, dedupe)
    elif isinstance(a, act.Page):
        _send(ticket, policy, a.role, None, "page", a, dedupe)
    elif isinstance(a, act.Call):
        ReviewTask.objects.create(ticket=ticket, kind="call", role=a.role, rule=a.rule, created_at=a.at,
                                  reason=f"Call {a.role} about {ticket.number} (rule {a.rule})")
        _send(ticket, policy, a.role, None, "page", a, dedupe)
    elif isinstance(a, act.StatusUpdateToCustomer):
        _send(ticket, policy, "requester", a.template, "status_update", a, dedupe)
    elif isinstance(a, act.ReviewTask):
        ReviewTask.objects.create(ticket=ticket, kind="review", role=a.role, rule=a.rule, created_at=a.at,
                                  reason=ticket.business_impact or f"Review {ticket.number} (rule {a.rule})")
    elif isinstance(a, act.OpenProblem):
        _open_problem(ticket, a)
    elif isinstance(a, act.RecordBillable):
        BillableRecord.objects.create(ticket=ticket, rule=a.rule, reason=a.reason, at=a.at)
    elif isinstance(a, act.NotifyPartner):
        _send(ticket, policy, "partner_agents", a.template, "status_update", a, dedupe)
    else:  # pragma: no cover - a new action kind without an executor is a programming error
        raise TypeError(f"no executor for action {a.kind}")


def _texts(ticket: Ticket, policy: Policy, template: str | None, kind: str, a: act.Action) -> tuple[str, str]:
    templates = policy.escalation.templates if policy.escalation else {}
    if template and template in templates:
        values = {"number": ticket.number, "priority": ticket.priority, "organisation": ticket.organisation.name,
                  "level": ticket.level.key if ticket.level_id else "", "rule": a.rule, "url": ticket_url(ticket),
                  "subject": ticket.subject, "status": ticket.get_status_display()}
        t = templates[template]
        return t.subject.format_map(_Default(values)), t.body.format_map(_Default(values))
    level = ticket.level.key if ticket.level_id else ""
    return default_text(kind, ticket_context(ticket, reason=f"rule {a.rule}", level=level))


class _Default(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _send(ticket: Ticket, policy: Policy, role: str, template: str | None, kind: str, a: act.Action,
          dedupe: str) -> None:
    subject, body = _texts(ticket, policy, template, kind, a)
    if role in BUILT_IN_ROLES or role.startswith("on_call:"):
        notify(ticket, role, kind=kind, subject=subject, body=body, dedupe_key=dedupe, at=a.at,
               is_highest_priority=kind == "page" or None)
        return
    people = _policy_role_people(policy, role)
    if not people:
        logger.warning("%s: rule %s names %s, who has no email address here", ticket.number, a.rule, role)
    for name, email in people:
        enqueue(channel="email", recipient=email, recipient_name=name, subject=subject, body=body, kind=kind,
                dedupe_key=f"{dedupe}:email:{email}", ticket=ticket, payload={"role": role, "rule": a.rule})


def _policy_role_people(policy: Policy, role: str) -> list[tuple[str, str]]:
    """Named people of a policy role (its contacts), or the agents and manager of a team of that key."""
    people: list[tuple[str, str]] = []
    spec = policy.roles.get(role)
    if spec is not None:
        for key in spec.contacts:
            contact = policy.contacts.get(key)
            if contact is not None and contact.email:
                people.append((contact.name, contact.email))
        if people or not spec.team:
            return people
        role = spec.team
    team = Team.objects.filter(key=role).first()
    if team is not None:
        agents = list(team.agents.select_related("user")) + ([team.manager] if team.manager_id else [])
        people = [(agent.name, agent.user.email) for agent in agents if agent.user.email]
    return list(dict.fromkeys(people))


def _open_problem(ticket: Ticket, a: act.OpenProblem) -> None:
    since = a.at - dt.timedelta(minutes=a.within_minutes)
    peers = Ticket.objects.filter(created_at__gte=since, created_at__lte=a.at)
    if a.same == "category":
        peers, group_key = peers.filter(category=ticket.category), f"category:{ticket.category}"
    else:
        peers = peers.filter(organisation_id=ticket.organisation_id)
        group_key = f"organisation:{ticket.organisation_id}"
    problem = ProblemRecord.objects.filter(group_key=group_key, opened_at__gte=since).first()
    if problem is None:
        problem = ProblemRecord.objects.create(
            title=f"Related tickets: {group_key.split(':')[0]} {ticket.category or ticket.organisation.name}",
            group_key=group_key, rule=a.rule, opened_at=a.at)
    problem.tickets.add(*peers)
