"""Merging raced for real on PostgreSQL: agents merge overlapping tickets at the same instant
through the API (pytest-django's live server: a thread and a database connection per request).
All tickets are locked in ascending primary key, so there is no deadlock and no 500; one merge
wins, the others are refused on what it left, and the result is consistent: every ticket is either
open or closed as a duplicate of exactly one open ticket, with every message somewhere open."""

from __future__ import annotations

import collections

import pytest
from django.conf import settings

from escalade.api.tokens import issue_token
from escalade.audit.models import Event
from escalade.tickets.models import Message, Status, Ticket
from tests import factories as f
from tests.tickets.test_concurrency_postgres import all_at_once, path, send

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL (DATABASE_URL=postgres://…): several connections to one test database",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def tokens(world):
    return issue_token(world.max.user, "merge race"), issue_token(world.pat.user, "merge race")


@pytest.fixture
def reports(world):
    """Four reports of one Acme outage, each with a message of its own."""
    out = []
    for i in range(4):
        ticket = f.ticket(world.acme, by=world.alice, subject=f"Acme outage report {i}")
        Message.objects.create(ticket=ticket, author_name="Alice Acme", from_customer=True, body=f"note {i}",
                               created_at=ticket.created_at)
        out.append(ticket)
    return out


def assert_consistent(tickets: list[Ticket]) -> None:
    fresh = {t.pk: t for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets])}
    for t in fresh.values():
        if t.merged_into_id:
            assert t.status == Status.CLOSED and t.resolution_type == "duplicate"
            assert Event.objects.filter(ticket_id=t.pk, action="ticket.merged").count() == 1
            end, hops = fresh[t.merged_into_id], 0
            while end.merged_into_id and hops < len(fresh):  # merged into one merged later in turn
                end, hops = fresh[end.merged_into_id], hops + 1
            assert end.status != Status.CLOSED, "the chain of merges ends at a closed ticket"
        else:
            assert t.status != Status.CLOSED
    # Every message is on an open ticket, exactly once.
    notes = Message.objects.filter(body__startswith="note ")
    assert sorted(notes.values_list("body", flat=True)) == [f"note {i}" for i in range(len(tickets))]
    assert not notes.filter(ticket__status=Status.CLOSED).exists()


def no_500(results) -> collections.Counter:
    assert not [r for r in results if isinstance(r, Exception)], results
    assert all(status != 500 for status, _, _ in results), [b for s, b, _ in results if s == 500]
    return collections.Counter(status for status, _, _ in results)


def test_two_agents_merging_two_tickets_into_each_other_at_once_one_wins(live_server, world, reports, tokens):
    a, b = reports[0], reports[1]
    max_token, pat_token = tokens
    results = all_at_once([
        lambda: send(live_server.url, max_token, "POST", path(a, "/merge"), {"into": b.number}),
        lambda: send(live_server.url, pat_token, "POST", path(b, "/merge"), {"into": a.number}),
    ])

    assert no_500(results) == {200: 1, 409: 1}
    refused = next(body for status, body, _ in results if status == 409)
    assert refused["code"] == "merge_refused"
    assert_consistent(reports)


def test_many_overlapping_merges_at_once_leave_one_consistent_result(live_server, world, reports, tokens):
    max_token, pat_token = tokens
    calls = []
    for i, source in enumerate(reports):
        for j, target in enumerate(reports):
            if i != j:
                token = max_token if (i + j) % 2 else pat_token
                calls.append(lambda s=source, t=target, k=token: send(live_server.url, k, "POST", path(s, "/merge"),
                                                                      {"into": t.number}))

    results = all_at_once(calls)

    counts = no_500(results)
    assert set(counts) <= {200, 409} and counts[200] >= 1
    assert_consistent(reports)
    survivors = Ticket.objects.filter(pk__in=[t.pk for t in reports]).exclude(status=Status.CLOSED)
    assert survivors.count() == 4 - counts[200]
