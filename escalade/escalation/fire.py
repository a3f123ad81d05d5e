"""Carrying out what the rules decided for one ticket: one Firing row per key (unique, so each
firing happens once), and its actions — escalate, notify, page, call, status updates and the
resolution message to the customer, review and follow-up tasks, problem records, billable records —
inside the same transaction, so a crash loses or doubles nothing. Messages go to the notifications
outbox; the worker delivers them."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.utils.translation import gettext as _

from escalade import timewords
from escalade.db import remembered
from escalade.escalation import actions as act
from escalade.escalation import followups, management, unreached, webhook_events
from escalade.escalation.batch import record_firing
from escalade.escalation.models import BillableRecord, Firing, ProblemRecord, ReviewTask
from escalade.notifications.languages import in_language, later, per_language
from escalade.notifications.models import OnCallRotation
from escalade.notifications.notify import PAGE_KINDS, default_text, notify, ticket_context, ticket_url
from escalade.notifications.outbox import enqueue
from escalade.notifications.recipients import Recipient, chosen_channels, for_agent, on_call_agent
from escalade.orgs.access import Viewer
from escalade.orgs.languages import language_or_default
from escalade.orgs.models import Agent, Level, Team
from escalade.policy import Policy, names
from escalade.policy.schema_escalation import BUILT_IN_ROLES, ON_CALL_PREFIX
from escalade.tickets import services
from escalade.tickets.models import Message, Ticket

logger = logging.getLogger("escalade.escalation")


def fire(ticket: Ticket, policy: Policy, decided: list[act.Action], now: dt.datetime,
         fired: frozenset[str] = frozenset()) -> int:
    """Record and carry out `decided` (from rules.decide) for a ticket the caller holds locked, whose
    firings so far are `fired`; returns how many firings were new. The firing's unique key stays the
    last word: a key recorded meanwhile fails the caller's savepoint instead of firing twice."""
    new = 0
    for group in _firings_in_time_order(decided):
        key, first = group[0].key, group[0]
        if key in fired or _escalation_already_made(ticket, group):
            continue
        firing = Firing(key=key, ticket=ticket, rule=first.rule, at=first.at, recorded_at=now,
                        actions=[a.to_dict() for a in group], visible_to_customer=first.visible_to_customer)
        record_firing(firing)
        new += 1
        for action in group:
            _carry_out(ticket, policy, action)
        webhook_events.firing(ticket, policy, firing)
    return new


def _firings_in_time_order(decided: list[act.Action]) -> list[list[act.Action]]:
    """The actions grouped by firing (key), each group in `then` order, the firings by the time
    their condition became true (then by key): a breach back-dated to 09:15 escalates before a
    rule that holds since 10:00."""
    groups: dict[str, list[act.Action]] = {}
    for a in decided:
        groups.setdefault(a.key, []).append(a)
    ordered = sorted(groups.values(), key=lambda g: (min(a.at for a in g), g[0].key))
    return [sorted(g, key=lambda a: a.index) for g in ordered]


def _escalation_already_made(ticket: Ticket, group: list[act.Action]) -> bool:
    """Whether every escalation of this firing aims at a level the ticket has already reached
    (another firing decided from the same snapshot moved it first). Such a firing is not
    recorded and sends nothing, like a rule that can no longer act (`rules.cannot_act`); the
    rules look again with the ticket where it now is."""
    aims = [a.to_level for a in group if isinstance(a, act.Escalate)]
    if not aims or not ticket.level_id:
        return False
    # A level that is not set up here is not "reached": the escalation logs that it cannot move.
    return all((level := _level(key)) is not None and level.rank <= ticket.level.rank for key in aims)


def _level(key: str) -> Level | None:
    return remembered(("level", key), lambda: Level.objects.filter(key=key).first())


def _team(key: str) -> Team | None:
    return remembered(("team", key), lambda: Team.objects.filter(key=key).first())


def _carry_out(ticket: Ticket, policy: Policy, a: act.Action) -> None:
    dedupe = f"{a.key}:{a.index}"
    if isinstance(a, act.Escalate):
        level = _level(a.to_level)
        if level is None:
            logger.error("%s: rule %s escalates to %s, which is not a level here", ticket.number, a.rule, a.to_level)
            return
        if ticket.level_id and ticket.level.rank >= level.rank:
            # Decided from one snapshot, a second rule may aim lower than the first just moved it:
            # escalation never moves a ticket down.
            logger.info("%s: rule %s leaves the ticket at %s (not down to %s)", ticket.number, a.rule,
                        ticket.level.key, level.key)
            return
        changes = {"level": level}
        team = _team(a.assign_to) if a.assign_to else None
        if team is not None:
            changes["team"] = team
        services.update_ticket(Viewer.system(f"escalation rule {a.rule}"), ticket, at=a.at, **changes)
    elif isinstance(a, act.Notify):
        _send(ticket, policy, a.role, a.template, "escalation", a, dedupe, channels=a.channels)
    elif isinstance(a, act.Page):
        _send(ticket, policy, a.role, None, "page", a, dedupe)
    elif isinstance(a, act.Call):
        _call(ticket, policy, a, dedupe)
    elif isinstance(a, act.StatusUpdateToCustomer):
        _send(ticket, policy, "requester", a.template, "status_update", a, dedupe)
    elif isinstance(a, act.ReviewTask):
        rule = names.rule_name(policy, a.rule)
        reason = a.reason or ticket.business_impact or f"Review {ticket.number} (rule “{rule}”)"
        ReviewTask.objects.create(ticket=ticket, kind="review", role=a.role, rule=a.rule, created_at=a.at,
                                  reason=reason)
    elif isinstance(a, act.OpenProblem):
        _open_problem(ticket, a)
    elif isinstance(a, act.RecordBillable):
        BillableRecord.objects.create(ticket=ticket, rule=a.rule, reason=a.reason, at=a.at)
    elif isinstance(a, act.NotifyPartner):
        _send(ticket, policy, "partner_agents", a.template, "status_update", a, dedupe)
    elif isinstance(a, act.RaiseManagementConcern):
        role, why = management.raise_concern(ticket, a)
        _send(ticket, policy, role, None, "management", a, dedupe, reason=why)
    elif isinstance(a, act.MoveManagementConcern):
        if management.move_concern(ticket, a):
            _send(ticket, policy, a.role, None, "management", a, dedupe, reason=a.reason)
    elif isinstance(a, act.ResolutionMessage):
        _send(ticket, policy, "requester", a.template, "resolution", a, dedupe,
              extra=_resolution_context(ticket, policy))
    elif isinstance(a, act.CreateFollowUps):
        followups.create_follow_ups(ticket, a)
    elif isinstance(a, act.FollowUpOverdue):
        task = followups.mark_overdue(ticket, a)
        if task is not None:
            _send(ticket, policy, a.role, None, "follow_up_overdue", a, dedupe,
                  reason=later(lambda: _("the rule “%(rule)s” created it and names you for overdue follow-ups")
                                   % {"rule": names.rule_name(policy, task.rule)}),
                  extra={"task_title": task.title,
                         "due": later(lambda: timewords.when(task.due_at, ticket.organisation.timezone)
                                          if task.due_at else _("its due time"))})
    else:  # pragma: no cover - a new action kind without an executor is a programming error
        raise TypeError(f"no executor for action {a.kind}")


def _call(ticket: Ticket, policy: Policy, a: act.Call, dedupe: str) -> None:
    """A `call`: the person's phone (the voice channel; email, noted, when they have no number or
    it is their quiet hours below the highest priority), and a titled call task for an agent."""
    name = _role_name(policy, a.role)
    reached = _send(ticket, policy, a.role, None, "call", a, dedupe, channels=("phone",))
    numbers = ", ".join(f"{r.name} {r.address}" for r in reached if r.channel == "phone")
    ReviewTask.objects.create(
        ticket=ticket, kind="call", role=a.role, rule=a.rule, created_at=a.at,
        title=f"Call {name} about {ticket.number}"[:200],
        reason=f"Rule “{names.rule_name(policy, a.rule)}”: call {name} "
               f"({numbers or 'no phone number on record'}) about {ticket.number}: "
               f"{ticket.subject}")


def _role_name(policy: Policy, role: str) -> str:
    return names.role_name(policy, role).removeprefix("the ")


def _resolution_context(ticket: Ticket, policy: Policy) -> dict:
    """What the standard resolution message says: the latest public reply of an agent (what was
    done) and after how many days an unconfirmed resolution closes."""
    reply = (Message.objects.filter(ticket=ticket, from_customer=False, is_internal=False)
             .order_by("-created_at", "-pk").values_list("body", flat=True).first())
    text = (reply or "").strip()
    return {"resolution": text[:2000] + ("…" if len(text) > 2000 else ""),
            "auto_close_days": policy.auto_close_after_days}


def _texts(ticket: Ticket, policy: Policy, template: str | None, kind: str, a: act.Action,
           reason: str = "", role: str = "", extra: dict | None = None) -> tuple[str, str]:
    templates = policy.escalation.templates if policy.escalation else {}
    if template and template in templates:
        values = _Fields({"number": lambda: ticket.number, "priority": lambda: ticket.priority,
                          "organisation": lambda: ticket.organisation.name,
                          "level": lambda: names.level_name(policy, ticket.level.key) if ticket.level_id else "",
                          "rule": lambda: names.rule_name(policy, a.rule),
                          "url": lambda: ticket_url(ticket),
                          "subject": lambda: ticket.subject, "status": lambda: ticket.get_status_display()})
        t = templates[template]
        return t.subject.format_map(values), t.body.format_map(values)
    level = names.level_name(policy, ticket.level.key) if ticket.level_id else ""
    reason = reason or _("the rule “%(rule)s”") % {"rule": names.rule_name(policy, a.rule)}
    return default_text(kind, ticket_context(ticket, reason=reason, level=level,
                                             role_name=names.role_name(policy, role), **(extra or {})))


class _Fields(dict):
    """A policy template's fields, each written only when the template names it (the status's
    label, say, is a translation lookup); an unknown field stays as written, `{field}`."""

    def __init__(self, writers: dict[str, Callable[[], object]]):
        super().__init__()
        self.writers = writers

    def __missing__(self, key: str) -> object:
        write = self.writers.get(key)
        if write is None:
            return "{" + key + "}"
        self[key] = value = write()
        return value


def _send(ticket: Ticket, policy: Policy, role: str, template: str | None, kind: str, a: act.Action,
          dedupe: str, reason: str = "", channels: tuple[str, ...] = (), extra: dict | None = None) -> list[Recipient]:
    """Queue the message for `role`; `channels` (a rule's `notify.channels`) replaces the people's
    own channel preferences, quiet hours still holding back sms and phone. What is meant for the
    requester of a ticket that has none goes to `escalation.no_requester` (unreached.py); a message
    that reaches nobody is recorded as "nobody to tell" for a support manager. Returns who was
    reached, on which channel."""
    def texts() -> tuple[str, str]:
        return _texts(ticket, policy, template, kind, a, reason=reason, role=role, extra=extra)

    for who in unreached.stand_ins(policy, ticket, role):
        people = _queue(ticket, policy, who, kind, a, dedupe, texts, channels)
        if people:
            return people
    unreached.nobody_to_tell(ticket, a, role, kind, in_language("", texts)[0])
    return []


def _queue(ticket: Ticket, policy: Policy, role: str, kind: str, a: act.Action, dedupe: str,
           texts: Callable[[], tuple[str, str]], channels: tuple[str, ...]) -> list[Recipient]:
    """Queue the message for the people of `role`, written by `texts` in each one's language."""
    if role in BUILT_IN_ROLES or role.startswith(ON_CALL_PREFIX):
        rows = notify(ticket, role, kind=kind, texts=texts, dedupe_key=dedupe, at=a.at,
                      is_highest_priority=_highest(policy, ticket), payload={"rule": a.rule}, channels=channels)
        return [Recipient(r.recipient_name, r.channel, r.recipient) for r in rows]
    page = kind in PAGE_KINDS
    people = _policy_role_people(policy, role, ticket, a.at, page=page, highest=_highest(policy, ticket),
                                 channels=channels)
    written = per_language([r.language for r in people], texts)
    for r in people:
        payload = {"role": role, "rule": a.rule, **({"fallback": r.note} if r.note else {})}
        subject, body = written[language_or_default(r.language)]
        enqueue(channel=r.channel, recipient=r.address, recipient_name=r.name, subject=subject, body=body, kind=kind,
                dedupe_key=f"{dedupe}:{r.channel}:{r.address}", ticket=ticket, payload=payload, event_at=a.at)
    return people


def _highest(policy: Policy, ticket: Ticket) -> bool:
    """Whether the ticket has the policy's highest priority (priorities are listed highest first):
    what reaches people on every channel they chose, through their quiet hours."""
    return bool(policy.priorities) and ticket.priority == next(iter(policy.priorities))


def _policy_role_people(policy: Policy, role: str, ticket: Ticket, at: dt.datetime, *, page: bool,
                        highest: bool, channels: tuple[str, ...] = ()) -> list[Recipient]:
    """Named people of a policy role (its contacts), or the agents and manager of a team of that key.
    Pages reach a contact who is an agent here (same email address) on their paging channels, and a
    team with an on-call rotation through the agent on call."""
    people: list[Recipient] = []
    spec = policy.roles.get(role)
    if spec is not None:
        for key in spec.contacts:
            contact = policy.contacts.get(key)
            if contact is not None and contact.email:
                people += _contact_person(contact.name, contact.email, ticket, at, page=page, highest=highest,
                                          phone=contact.phone or "", channels=channels)
        if people or not spec.team:
            return _unique(people)
        role = spec.team
    team = _team(role)
    if team is not None:
        agents = list(team.agents.select_related("user")) + ([team.manager] if team.manager_id else [])
        if page and OnCallRotation.objects.filter(team=team).exists():
            on_call = on_call_agent(team.key, at)
            agents = [on_call] if on_call is not None else agents
        for agent in agents:
            people += for_agent(agent, ticket.priority, at, page=page, highest=highest, channels=channels)
    return _unique(people)


def _contact_person(name: str, email: str, ticket: Ticket, at: dt.datetime, *, page: bool,
                    highest: bool, phone: str = "", channels: tuple[str, ...] = ()) -> list[Recipient]:
    if channels and not page:
        # A policy contact has no quiet hours of its own here; an agent with the same address does.
        agent = Agent.objects.filter(user__email__iexact=email, user__is_active=True).select_related("user").first()
        if agent is not None:
            return for_agent(agent, ticket.priority, at, highest=highest, channels=channels)
        return chosen_channels(name, {"email": email, "sms": phone, "phone": phone}, channels, quiet=False)
    if page:
        agent = Agent.objects.filter(user__email__iexact=email, user__is_active=True).select_related("user").first()
        if agent is not None:
            return for_agent(agent, ticket.priority, at, page=True, highest=highest)
        return [Recipient(name, "email", email, f"{name} is not an agent here, so has no paging details; "
                                                "paged by email")]
    return [Recipient(name, "email", email)]


def _unique(people: list[Recipient]) -> list[Recipient]:
    """One recipient per channel and address, first kept."""
    seen: dict[tuple[str, str], Recipient] = {}
    for r in people:
        seen.setdefault((r.channel, r.address), r)
    return list(seen.values())


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
