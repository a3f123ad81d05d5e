"""Listing tickets: newest updated first, filters, and page-number pagination."""

from __future__ import annotations

import pytest

from escalade.orgs.access import Viewer
from escalade.tickets import services
from tests import factories as f


@pytest.fixture
def acme_tickets(world):
    """Five Acme tickets, each updated a minute after the one before (plus the world's own)."""
    made = []
    for i in range(5):
        world.clock.advance(minutes=1)
        made.append(f.ticket(world.acme, by=world.alice, subject=f"Acme issue {i}", priority=f"P{i % 3 + 1}"))
    return made


def numbers(response):
    return [t["number"] for t in response.json()["items"]]


def test_list_is_newest_updated_first(world, as_, acme_tickets):
    world.clock.advance(minutes=1)
    services.update_ticket(Viewer.of(world.max.user), acme_tickets[0], priority="P4")

    listed = numbers(as_(world.alice).get("/api/tickets"))

    assert listed[0] == acme_tickets[0].number
    assert listed[1:] == [t.number for t in reversed(acme_tickets[1:])] + [world.acme_ticket.number]


def test_pages_carry_count_and_the_next_and_previous_page_numbers(world, as_, acme_tickets):
    alice = as_(world.alice)
    first = alice.get("/api/tickets", {"page_size": 4}).json()
    second = alice.get("/api/tickets", {"page_size": 4, "page": 2}).json()

    assert {k: v for k, v in first.items() if k != "items"} == {
        "count": 6, "page": 1, "page_size": 4, "pages": 2, "next": 2, "previous": None,
    }
    assert (second["next"], second["previous"], len(second["items"])) == (None, 1, 2)
    all_numbers = [t["number"] for t in first["items"] + second["items"]]
    assert len(set(all_numbers)) == 6


def test_a_page_past_the_last_is_empty_not_an_error(world, as_):
    response = as_(world.alice).get("/api/tickets", {"page": 7})
    assert response.status_code == 200
    assert response.json()["items"] == []
    assert response.json()["next"] is None


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 0}, {"page_size": 101}, {"page": "two"}])
def test_page_parameters_out_of_range_are_field_errors(world, as_, params):
    response = as_(world.alice).get("/api/tickets", params)
    assert response.status_code == 422
    assert list(response.json()["fields"]) == list(params)


def test_filter_by_several_statuses(world, as_):
    max_ = as_(world.max)
    max_.post(f"/api/tickets/{world.globex_ticket.number}/transition", {"status": "in_progress"})
    max_.post(f"/api/tickets/{world.initech_ticket.number}/transition",
              {"status": "resolved", "resolution_type": "workaround"})

    assert numbers(max_.get("/api/tickets", {"status": "in_progress,resolved"})) == [
        world.initech_ticket.number, world.globex_ticket.number,
    ]
    assert numbers(max_.get("/api/tickets", {"status": "open"})) == [world.acme_ticket.number]


def test_filter_by_priority_list(world, as_, acme_tickets):
    listed = numbers(as_(world.alice).get("/api/tickets", {"priority": "P1,P2"}))
    assert sorted(listed) == sorted(t.number for t in acme_tickets if t.priority in ("P1", "P2"))


def test_filter_by_organisation(world, as_):
    listed = numbers(as_(world.max).get("/api/tickets", {"organisation": world.globex.pk}))
    assert listed == [world.globex_ticket.number]


def test_filter_by_level_and_assignee(world, as_):
    max_ = as_(world.max)
    max_.patch(f"/api/tickets/{world.initech_ticket.number}", {"level": "L2", "assignee": world.leo.pk})

    assert numbers(max_.get("/api/tickets", {"level": "L2"})) == [world.initech_ticket.number]
    assert numbers(max_.get("/api/tickets", {"assignee": world.leo.pk})) == [world.initech_ticket.number]
    assert numbers(max_.get("/api/tickets", {"level": "L4"})) == []


@pytest.mark.parametrize("since", ["2026-11-23T09:03:00Z", "2026-11-23T10:03:00+01:00", "2026-11-23T09:03:00"])
def test_filter_updated_since_reads_offsets_and_takes_none_as_utc(world, as_, acme_tickets, since):
    listed = numbers(as_(world.alice).get("/api/tickets", {"updated_since": since}))
    assert listed == [t.number for t in reversed(acme_tickets[2:])]


def test_search_by_number_or_subject_text(world, as_, acme_tickets):
    alice = as_(world.alice)
    assert numbers(alice.get("/api/tickets", {"q": acme_tickets[3].number})) == [acme_tickets[3].number]
    assert numbers(alice.get("/api/tickets", {"q": str(acme_tickets[3].pk)})) == [acme_tickets[3].number]
    assert numbers(alice.get("/api/tickets", {"q": "vpn"})) == [world.acme_ticket.number]


def test_filters_combine(world, as_, acme_tickets):
    listed = numbers(as_(world.alice).get("/api/tickets", {"q": "issue", "priority": "P1", "status": "open"}))
    assert listed == [t.number for t in reversed(acme_tickets) if t.priority == "P1"]


def test_a_page_costs_the_same_queries_whatever_its_size(world, as_, acme_tickets):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    alice = as_(world.alice)

    def queries(size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert len(alice.get("/api/tickets", {"page_size": size}).json()["items"]) == size
        return len(captured)

    assert queries(6) == queries(1)
