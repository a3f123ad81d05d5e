"""Resolutions by level against the policy's targets (VIOE 2.1: 60% at Tier 1; 2.2: 90% at Tier 1+2),
scoped to what the viewer may see."""

import datetime as dt
from pathlib import Path

import pytest

from escalade.errors import PermissionDenied
from escalade.orgs.access import Viewer
from escalade.policy import load_policy_text
from escalade.reports.levels import resolution_by_level
from escalade.tickets.models import Status, Ticket
from tests import factories as f

VIOE = load_policy_text((Path(__file__).resolve().parents[2] / "examples" / "policies" / "vioe.yaml").read_text())
NOV = (dt.datetime(2026, 11, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 1, tzinfo=dt.UTC))


def resolve(world, org, level: str | None, at: dt.datetime, n: int = 1) -> None:
    requester = {world.acme: world.alice, world.globex: world.gina, world.initech: world.ivan}[org]
    for _ in range(n):
        ticket = f.ticket(org, by=requester)
        Ticket.objects.filter(pk=ticket.pk).update(
            status=Status.RESOLVED, resolved_at=at, level=world.levels[level] if level else None)


def rows(report):
    return {r.key: (r.resolved, r.share, r.cumulative, r.target, r.met) for r in report.levels}


def test_shares_are_counted_at_the_level_of_resolution_and_compared_cumulatively(world):
    mid = dt.datetime(2026, 11, 15, tzinfo=dt.UTC)
    resolve(world, world.globex, "L1", mid, n=6)
    resolve(world, world.globex, "L2", mid, n=3)
    resolve(world, world.globex, "L3", mid, n=1)
    report = resolution_by_level(Viewer.of(world.max.user), VIOE, *NOV)
    assert report.total == 10
    assert rows(report) == {
        "L1": (6, 60.0, 60.0, 60, True),      # exactly the 60% of 2.1 meets it
        "L2": (3, 30.0, 90.0, 90, True),      # 6 + 3 of 10: exactly 90% at Tier 1+2
        "L3": (1, 10.0, 100.0, None, None),
        "L4": (0, 0.0, 100.0, None, None),
    }


def test_one_ticket_too_few_at_tier_1_misses_the_target(world):
    mid = dt.datetime(2026, 11, 15, tzinfo=dt.UTC)
    resolve(world, world.globex, "L1", mid, n=5)
    resolve(world, world.globex, "L2", mid, n=5)
    assert rows(resolution_by_level(Viewer.of(world.max.user), VIOE, *NOV))["L1"][2:] == (50.0, 60, False)


def test_only_the_period_counts_start_included_end_excluded(world):
    start, end = NOV
    resolve(world, world.globex, "L1", start)
    resolve(world, world.globex, "L2", end)
    resolve(world, world.globex, "L2", start - dt.timedelta(seconds=1))
    report = resolution_by_level(Viewer.of(world.max.user), VIOE, *NOV)
    assert (report.total, rows(report)["L1"][0], rows(report)["L2"][0]) == (1, 1, 0)


def test_tickets_resolved_without_a_level_are_counted_apart(world):
    resolve(world, world.globex, None, dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    report = resolution_by_level(Viewer.of(world.max.user), VIOE, *NOV)
    assert (report.total, report.unlevelled) == (1, 1)


def test_a_partner_agent_sees_only_the_customers_it_serves(world):
    mid = dt.datetime(2026, 11, 15, tzinfo=dt.UTC)
    resolve(world, world.acme, "L1", mid, n=2)       # Northwind serves Acme
    resolve(world, world.initech, "L2", mid, n=3)    # Contoso's customer
    resolve(world, world.globex, "L3", mid, n=4)     # a direct customer
    report = resolution_by_level(Viewer.of(world.pat.user), VIOE, *NOV)
    assert (report.total, rows(report)["L1"][0]) == (2, 2)


def test_customers_get_no_report(world):
    with pytest.raises(PermissionDenied):
        resolution_by_level(Viewer.of(world.alice.user), VIOE, *NOV)


def test_without_a_policy_there_are_shares_but_no_targets(world):
    resolve(world, world.globex, "L1", dt.datetime(2026, 11, 15, tzinfo=dt.UTC))
    assert rows(resolution_by_level(Viewer.of(world.max.user), None, *NOV))["L1"] == (1, 100.0, 100.0, None, None)


# -- the console page ---------------------------------------------------------------------------

def test_the_console_page_shows_the_month_against_the_active_policys_targets(world, client):
    from django.urls import reverse

    from escalade.policy.publish import apply_policy

    apply_policy((Path(__file__).resolve().parents[2] / "examples" / "policies" / "vioe.yaml").read_text(),
                 actor="test")
    resolve(world, world.globex, "L1", dt.datetime(2026, 11, 15, tzinfo=dt.UTC), n=1)
    resolve(world, world.globex, "L2", dt.datetime(2026, 11, 15, tzinfo=dt.UTC), n=1)
    client.force_login(world.max.user)
    page = client.get(reverse("portal:report_levels"), {"month": "2026-11"}).content.decode()
    assert "2 tickets resolved in 2026-11" in page
    assert "50.0%" in page and "60%" in page and "missed" in page


def test_the_console_page_refuses_customers_and_explains_a_bad_month(world, client):
    from django.urls import reverse

    client.force_login(world.alice.user)
    assert client.get(reverse("portal:report_levels")).status_code == 403
    client.force_login(world.max.user)
    bad = client.get(reverse("portal:report_levels"), {"month": "November"})
    assert bad.status_code == 400 and "write YYYY-MM" in bad.content.decode()
