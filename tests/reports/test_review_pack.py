"""The monthly review pack of one customer: the month's tickets by priority, SLA compliance,
breaches explained, availability and credits when it has monitored systems, CSAT/NPS, open items."""

import datetime as dt

import pytest

from escalade.errors import NotFound, PermissionDenied
from escalade.monitoring.models import CheckResult
from escalade.monitoring.services import add_asset
from escalade.orgs.access import Viewer
from escalade.reports.review_pack import review_pack
from tests.reports.world import NOW

NOV = dt.date(2026, 11, 1)


def pack(person, org="acme", month=NOV):
    return review_pack(Viewer.of(person.user), org, month, NOW)


def test_the_months_tickets_by_priority_opened_and_resolved(reports_world):
    # Opened in November: T1 (P2), T2 (P3), the world's Acme ticket (P3, 23 Nov), T5 (P4); T1 resolved.
    rows = [(p.priority, p.opened, p.resolved) for p in pack(reports_world.max).priorities]
    assert rows == [("P2", 1, 1), ("P3", 2, 0), ("P4", 1, 0)]


def test_sla_compliance_and_the_breach_explained(reports_world):
    p = pack(reports_world.max)
    assert p.compliance_rows() == [("First response", 1, 1, "50%"), ("Next update", 1, 0, "100%"),
                                   ("Resolution target", 1, 0, "100%"), ("Resolution maximum", 1, 0, "100%")]
    assert [b.explanation for b in p.breaches] == [
        "first response due Tue 03 Nov 11:00 GMT, answered 12:10 (1 h 10 min late)"]


def test_the_packs_charts_hold_the_same_numbers_as_its_tables(reports_world):
    p = pack(reports_world.max)
    assert p.priority_chart.rows == [["P2", 1, 1], ["P3", 2, 0], ["P4", 1, 0]]
    assert p.compliance_chart.rows == [[label, met, breached] for label, met, breached, _ in p.compliance_rows()]


def test_satisfaction_and_open_items(reports_world):
    w = reports_world
    p = pack(w.max)
    assert (p.csat.resolved, p.csat.rated, p.csat.average, p.nps.sent, p.nps.score) == (1, 1, 5, 1, 100)
    assert [i.number for i in p.open_items] == [w.t2.number, w.acme_ticket.number, w.t5.number]
    # P4, opened 08:00 before the day begins: 1 business day = 9 h from 09:00.
    assert p.open_items[-1].next_due == "First response due 2026-11-30 18:00 UTC"


def test_a_customer_without_monitored_systems_has_no_availability_section(reports_world):
    assert pack(reports_world.max).statement is None


def test_a_monitored_customer_gets_its_availability_and_credit(reports_world):
    w = reports_world
    gateway = add_asset(w.acme, name="Acme gateway", kind="http", target="https://gw.acme.example/health")
    at = dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC)
    CheckResult.objects.bulk_create([CheckResult(asset=gateway, at=at, ok=True, interval_seconds=99_800),
                                     CheckResult(asset=gateway, at=at + dt.timedelta(minutes=5), ok=False,
                                                 interval_seconds=200)])
    p = pack(w.max)
    assert p.availability_text == "99.800% against a target of 99.9%"
    assert p.statement.report.credit_percent == 5


def test_a_partner_manager_gets_packs_of_its_customers_only(reports_world):
    assert pack(reports_world.nina).organisation == reports_world.acme
    with pytest.raises(NotFound):
        pack(reports_world.nina, org="globex")


def test_customers_get_no_pack_even_of_their_own_organisation(reports_world):
    with pytest.raises(PermissionDenied):
        pack(reports_world.alice)
