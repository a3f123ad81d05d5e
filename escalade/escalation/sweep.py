"""The escalation sweep: claim tickets whose check is due, let the rules decide, fire, and set the
next check. A batch of tickets is claimed in one short transaction holding their ticket and check
rows, so any number of workers share the work (PostgreSQL: SKIP LOCKED) and none acts twice; a
ticket a request is writing is skipped, never waited for (docs/architecture.md, "Locks")."""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from dataclasses import replace

from django.db import connection, transaction
from django.db.models import Q

from escalade.audit.chain import collected
from escalade.db import remembering, update_rows
from escalade.escalation import followups, management
from escalade.escalation.batch import written_together
from escalade.escalation.fire import fire
from escalade.escalation.models import EscalationCheck, Firing
from escalade.escalation.rules import decide, next_check_at
from escalade.escalation.snapshot import ticket_states
from escalade.escalation.state import TicketState
from escalade.policy import Policy
from escalade.policy.publish import policy_of
from escalade.tickets.models import Ticket

logger = logging.getLogger("escalade.escalation")


#: The tickets whose checks the current batch of the sweep holds: it sets their next checks itself.
_in_batch: contextvars.ContextVar[frozenset[int]] = contextvars.ContextVar("escalation_batch", default=frozenset())


def schedule_check(ticket: Ticket, at: dt.datetime) -> None:
    """Ask for the rules to look at `ticket` at `at` (or earlier, if already due sooner). A ticket the
    sweep is handling right now gets its next check from the sweep, after its firings."""
    if ticket.pk in _in_batch.get():
        return
    later = Q(next_check_at__isnull=True) | Q(next_check_at__gt=at)
    if not EscalationCheck.objects.filter(later, ticket=ticket).update(next_check_at=at):
        EscalationCheck.objects.get_or_create(ticket=ticket, defaults={"next_check_at": at})


def due_checks(now: dt.datetime):
    """The claim: checks due at `now`, earliest first, each locked together with its ticket without
    waiting (PostgreSQL: FOR NO KEY UPDATE OF ticket, check SKIP LOCKED: a check whose ticket a
    request or another worker holds is skipped and taken in a later round). The ticket comes first
    in the OF list, so PostgreSQL tries its lock first: a skipped row leaves no lock behind on the
    check, which the request holding the ticket may be about to update. SQLite: the IMMEDIATE
    transaction is the only writer. Uses the partial index escalation_check_due; evaluate it inside
    a transaction."""
    due = EscalationCheck.objects.filter(next_check_at__lte=now).order_by("next_check_at")
    due = due.select_related("ticket__organisation", "ticket__level", "ticket__policy_version")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, no_key=True, of=("ticket", "self"))
    return due


BATCH = 100
#: A ticket whose rules raised an error is looked at again after this, not at every round.
RETRY_AFTER = dt.timedelta(minutes=5)


def check_due(now: dt.datetime, batch: int = BATCH) -> int:
    """Handle up to `batch` tickets whose check is due, in one transaction: the rules' view of all
    of them is built in a few queries, what they fire is written with one statement per table for
    the whole batch (escalation.batch), and the next checks are stored in one statement. Should
    any of it fail (a rule's error, a firing key recorded meanwhile), the batch is done again one
    ticket at a time, each in a savepoint of its own: an error in one is logged and retried later
    without undoing the others. Returns how many firings were new."""
    with transaction.atomic(), remembering():
        checks = list(due_checks(now)[:batch])
        if not checks:
            return 0
        token = _in_batch.set(frozenset(c.ticket_id for c in checks))
        try:
            return _check_batch(checks, now)
        finally:
            _in_batch.reset(token)


def _check_batch(checks: list[EscalationCheck], now: dt.datetime) -> int:
    work = [(c, c.ticket, policy_of(c.ticket.policy_version)) for c in checks if c.ticket.policy_version_id]
    for check in checks:
        check.next_check_at, check.last_checked_at = None, now
    ids = [ticket.pk for _, ticket, _ in work]
    states = ticket_states([(ticket, policy) for _, ticket, policy in work], now)
    tasks, concerns = followups.open_follow_ups(ids), management.open_concerns(ids)
    firings: list[Firing] = []
    try:
        with transaction.atomic(), written_together([ticket for _, ticket, _ in work]) as firings:
            changed = {ticket.pk: new for _, ticket, policy in work if (new := _fire_due(
                ticket, policy, states[ticket.pk], tasks.get(ticket.pk, []), concerns.get(ticket.pk), now))}
    except Exception:
        logger.info("a batch of %d tickets failed as a whole; firing one ticket at a time", len(work),
                    exc_info=True)
        work = _reloaded(work, set(ids))  # as stored: what the failed attempt changed in memory is gone
        changed = _fire_one_by_one(work, states, tasks, concerns, now)
        firings = []  # not kept one by one: every changed ticket is read again below
    fired = sum(changed.values())
    if changed:  # what fired may have moved the tickets (another level, a concern): look at them afresh
        work = _reloaded(work, set(changed))
        moved = _moved_only(firings, changed)
        for _, ticket, _ in work:
            if ticket.pk in moved:
                states[ticket.pk] = replace(states[ticket.pk], level=ticket.level.key if ticket.level_id else "",
                                            fired=states[ticket.pk].fired | moved[ticket.pk])
        again = set(changed) - set(moved)
        if again:
            states.update(ticket_states([(t, p) for _, t, p in work if t.pk in again], now))
            tasks.update(followups.open_follow_ups(again))
            concerns = {**{k: v for k, v in concerns.items() if k not in again}, **management.open_concerns(again)}
    for check, ticket, policy in work:
        if check.next_check_at is None:
            state = states[ticket.pk]
            wake = [t for t in (next_check_at(state, policy, now),
                                management.next_check(ticket, policy, concerns.get(ticket.pk)),
                                followups.next_check(tasks.get(ticket.pk, []), now, state.fired)) if t]
            check.next_check_at = min(wake, default=None)
    update_rows(EscalationCheck, ["next_check_at", "last_checked_at"],
                [(c.pk, c.next_check_at, c.last_checked_at) for c in checks])
    return fired


def _fire_one_by_one(work, states, tasks, concerns, now: dt.datetime) -> dict[int, int]:
    """The batch's firings written ticket by ticket, each in its own savepoint; a ticket whose
    firing fails is looked at again after RETRY_AFTER. Returns the new firings per ticket."""
    changed = {}
    for check, ticket, policy in work:
        try:
            with transaction.atomic(), collected():  # the ticket's audit events in one insert
                new = _fire_due(ticket, policy, states[ticket.pk], tasks.get(ticket.pk, []),
                                concerns.get(ticket.pk), now)
        except Exception:
            logger.exception("%s: the escalation rules failed; looking again in %s", ticket.number, RETRY_AFTER)
            check.next_check_at = now + RETRY_AFTER
            continue
        if new:
            changed[ticket.pk] = new
    return changed


def _fire_due(ticket: Ticket, policy: Policy, state: TicketState, tasks, concern, now: dt.datetime) -> int:
    """Fire what is due for one claimed ticket: its rules, its management chain, its overdue
    follow-up tasks. Returns how many firings were new."""
    new = fire(ticket, policy, decide(state, policy, now), now, state.fired)
    if new and policy.escalation.management_chain is not None:
        concern = management.open_concerns([ticket.pk]).get(ticket.pk)  # a rule may have raised or pressed it
    new += fire(ticket, policy, management.due(ticket, policy, now, concern), now, state.fired)
    new += fire(ticket, policy, followups.due(tasks, now, state.fired), now, state.fired)
    return new


#: Action kinds whose only effects on what the rules see are the firing's key and the ticket's level
#: (an escalation's level and team change, by a system actor: no progress, no clock retargeted;
#: messages go to the outbox). A ticket whose new firings did only these needs no fresh snapshot.
MOVES_ONLY = frozenset({"escalate", "notify", "page"})


def _moved_only(firings: list[Firing], changed: dict[int, int]) -> dict[int, frozenset[str]]:
    """{ticket id: its new firings' keys} for the tickets in `changed` all of whose new firings
    (`firings`, as recorded by the batch) carried only MOVES_ONLY actions."""
    keys: dict[int, set[str]] = {}
    other: set[int] = set()
    for firing in firings:
        keys.setdefault(firing.ticket_id, set()).add(firing.key)
        if any(a.get("kind") not in MOVES_ONLY for a in firing.actions):
            other.add(firing.ticket_id)
    return {pk: frozenset(keys[pk]) for pk in changed
            if pk in keys and pk not in other and len(keys[pk]) == changed[pk]}


def _reloaded(work, changed: set[int]):
    """`work` with the tickets in `changed` read again (one query)."""
    fresh = Ticket.objects.select_related("organisation", "level").in_bulk(changed)
    return [(check, fresh.get(ticket.pk, ticket), policy) for check, ticket, policy in work]
