"""The escalation sweep works in batches: one transaction for many due tickets, the rules' view of
all of them built in a fixed number of queries, and a ticket whose firing fails rolled back alone
and looked at again later, without undoing the others."""

import datetime as dt
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from escalade.escalation.models import EscalationCheck, Firing
from escalade.escalation.sweep import RETRY_AFTER, check_due
from escalade.policy.publish import apply_policy
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


def test_the_rules_view_of_a_batch_takes_the_same_queries_for_5_or_40_tickets(world):
    _policy(world)
    counts = []
    for n in (5, 40):
        _due_tickets(world, n)
        record_breaches(world.clock.now())
        with CaptureQueriesContext(connection) as queries:
            assert check_due(world.clock.now(), batch=n) == n
        counts.append([q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")])
    # Reads grow only with the work done per ticket (the lock its escalation takes, its coalescing check).
    per_ticket = (len(counts[1]) - len(counts[0])) / 35
    assert per_ticket <= 2, per_ticket


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
