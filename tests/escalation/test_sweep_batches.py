"""The escalation sweep works in batches: one transaction for many due tickets, the rules' view of
all of them built in a fixed number of queries, what they fire written with one statement per
table, and when that fails, the batch done again one ticket at a time: a ticket whose firing fails
rolled back alone and looked at again later, without undoing the others."""

import datetime as dt
import re
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from escalade.audit.models import Event
from escalade.escalation.models import EscalationCheck, Firing
from escalade.escalation.rules import decide, next_check_at
from escalade.escalation.snapshot import ticket_state
from escalade.escalation.sweep import RETRY_AFTER, check_due
from escalade.notifications.models import OutboxMessage
from escalade.notifications.outbox import enqueue
from escalade.policy.models import PolicyVersion
from escalade.policy.publish import apply_policy, policy_of
from escalade.sla.breaches import record_breaches
from escalade.sla.models import SlaClock
from tests import factories as f

BENCH_POLICY = (Path(__file__).resolve().parents[2] / "bench" / "versus" / "policy.yaml").read_text()
# The policy names a team `ghosts` that is not set up here: paging who is on call for it fails.
GHOST_TEAM = "teams:\n  ghosts: {name: Ghosts}\n"
GHOST_RULE = """
    page_ghosts:
      when: {clock_breached: first_response}
      priorities: [P1]
      then:
        - page: on_call:ghosts
"""


def _due_tickets(world, n, priority="P3"):
    tickets = [f.ticket(world.acme, by=world.alice, subject=f"Slow {i}", priority=priority) for i in range(n)]
    past = world.clock.now() - dt.timedelta(hours=1)
    ids = [t.pk for t in tickets]
    SlaClock.objects.filter(ticket_id__in=ids, kind="first_response").update(due_at=past)
    EscalationCheck.objects.filter(ticket_id__in=ids).update(next_check_at=past)
    return tickets


def _policy(world, text=BENCH_POLICY):
    from escalade.orgs.models import Level

    apply_policy(text, filename="bench.yaml", actor="test")
    Level.objects.get_or_create(key="L2", defaults={"name": "Engineering", "rank": 5})
    world.acme.plan = "standard"
    world.acme.save()


def test_a_batch_reads_and_writes_with_the_same_statements_for_5_or_40_tickets(world):
    _policy(world)
    counts = []
    for n in (5, 40):
        _due_tickets(world, n)
        record_breaches(world.clock.now())
        with CaptureQueriesContext(connection) as queries:
            assert check_due(world.clock.now(), batch=n) == n
        counts.append([re.sub(r'^\d+ times: |"s\d+_x\d+"', "", q["sql"])[:40] for q in queries.captured_queries])
    # Firings, level changes, messages and audit events: one statement each for the whole batch
    # (SQLite splits an INSERT of many rows into chunks within its limit of variables: 80 events).
    assert set(counts[0]) == set(counts[1])
    assert len(counts[1]) - len(counts[0]) <= 1, counts
    assert Firing.objects.filter(rule="response_breach").count() == 45
    assert OutboxMessage.objects.filter(kind="escalation", recipient="duty@example.com").count() == 45
    assert Event.objects.filter(action="escalation.fired").count() == 45


def test_a_message_queued_meanwhile_makes_the_batch_fire_one_ticket_at_a_time_without_doubling_it(world):
    _policy(world)
    tickets = _due_tickets(world, 3)
    now = world.clock.now()
    record_breaches(now)
    # The message the first ticket's firing will queue is already there (its key is taken): the
    # batch's INSERT fails, and the tickets fire one by one, where the repeated key is a no-op.
    version = PolicyVersion.objects.get(is_active=True)
    policy = policy_of(version)
    [notify] = [a for a in decide(ticket_state(tickets[0], policy, now), policy, now) if a.kind == "notify"]
    earlier = enqueue(channel="email", recipient="duty@example.com", subject="Queued before", body="Body",
                      kind="escalation", dedupe_key=f"{notify.key}:{notify.index}:email:duty@example.com",
                      ticket=tickets[0])
    assert check_due(now) == 3
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.level.key == "L2"
        assert Firing.objects.filter(ticket=ticket, rule="response_breach").count() == 1
        assert OutboxMessage.objects.filter(ticket=ticket, kind="escalation").count() == 1
    assert OutboxMessage.objects.get(pk=earlier.pk).subject == "Queued before"
    assert Event.objects.filter(action="escalation.fired").count() == 3
    fired = Event.objects.filter(action="escalation.fired").values_list("object_id", flat=True)
    assert set(fired) == {str(pk) for pk in Firing.objects.values_list("pk", flat=True)}


def test_a_ticket_whose_firing_fails_is_retried_later_without_undoing_the_others(world):
    _policy(world, BENCH_POLICY.replace("  templates:", GHOST_RULE.rstrip("\n") + "\n  templates:")
            .replace("escalation:\n", GHOST_TEAM + "escalation:\n"))
    good = _due_tickets(world, 3, priority="P3")
    [bad] = _due_tickets(world, 1, priority="P1")
    now = world.clock.now()
    record_breaches(now)
    assert check_due(now) == 3
    assert Firing.objects.filter(ticket__in=good, rule="response_breach").count() == 3
    assert not Firing.objects.filter(ticket=bad).exists()  # its firing rolled back with its savepoint
    assert EscalationCheck.objects.get(ticket=bad).next_check_at == now + RETRY_AFTER
    for ticket in good:
        ticket.refresh_from_db()
        assert ticket.level.key == "L2"


LEVEL_RULE = """
    half_resolution_at_l2:
      when: {clock_elapsed: {clock: resolution_target, share: 0.5}}
      levels: [L2]
      then:
        - notify: {role: duty_manager, template: response_breach}
"""


def test_after_escalating_a_batch_each_next_check_is_what_a_fresh_look_at_the_ticket_gives(world):
    # The batch does not read the escalated tickets again: their view is moved to the new level
    # with the new firings. A rule for the new level must still set the next check.
    _policy(world, BENCH_POLICY.replace("  templates:", LEVEL_RULE.lstrip("\n") + "  templates:"))
    tickets = _due_tickets(world, 6)
    now = world.clock.now()
    assert check_due(now, batch=10) == 6
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.level.key == "L2"
        policy = policy_of(ticket.policy_version)
        fresh = next_check_at(ticket_state(ticket, policy, now), policy, now)
        assert fresh is not None
        assert EscalationCheck.objects.get(ticket=ticket).next_check_at == fresh
