"""The managers' reports against the hand-built world of conftest.py (numbers worked out there), and
who may read them: a vendor manager every customer, a partner's manager its own customers only,
nobody else."""

import pytest

from escalade.errors import DomainError, NotFound, PermissionDenied
from escalade.orgs.access import Viewer
from escalade.reports import charts, satisfaction, scope, sla, work
from escalade.sla.breaches import record_breaches
from tests.reports.world import NOW, utc


def report(person, **params):
    viewer = Viewer.of(person.user)
    flt = scope.parse_filter(viewer, {"from": "2026-10-01", "to": "2026-11-30", **params}, NOW)
    return charts.managers_report(viewer, flt, NOW)


def rows(r, key):
    return r.charts[key].rows


def test_sla_compliance_by_month_counts_each_decided_clock_once(reports_world):
    # Oct: T0 3 met, first response breached. Nov: T1 3+1, T2 1+0, T3 3+1, T4 1+0.
    assert rows(report(reports_world.max), "sla-by-month") == [["2026-10", 3, 1], ["2026-11", 8, 2]]


def test_sla_compliance_by_month_per_target_kind(reports_world):
    # Oct: T0's first response breached, the rest met. Nov: first responses T1 breached, T2 T3 T4 met;
    # next updates T1 met, T3 breached; resolutions T1 and T3 met.
    r = report(reports_world.max)
    assert r.charts["sla-by-month-and-kind"].header[1:] == ["First response", "Next update", "Resolution target",
                                                             "Resolution maximum"]
    assert rows(r, "sla-by-month-and-kind") == [["2026-10", 0, 100, 100, 100], ["2026-11", 75, 50, 100, 100]]


def test_sla_compliance_by_priority_and_plan_is_the_share_met_per_target_kind(reports_world):
    r = report(reports_world.max)
    assert r.charts["sla-by-priority"].header == ["Priority", "First response", "Next update", "Resolution target",
                                                  "Resolution maximum"]
    assert rows(r, "sla-by-priority") == [["P1", 100, 0, 100, 100], ["P2", 50, 100, 100, 100],
                                          ["P3", 50, 100, 100, 100]]
    assert rows(r, "sla-by-plan") == [["premium", 100, 0, 100, 100], ["standard", 50, 100, 100, 100]]
    assert (r.compliance.overall.met, r.compliance.overall.breached, r.compliance.overall.percent) == (11, 3, 78.6)


def test_each_breach_is_explained_in_the_customers_time_zone_with_the_escalation_that_followed(reports_world):
    w = reports_world
    by_ticket = {b.number: b for b in report(w.max).breaches}
    t1 = by_ticket[w.t1.number]
    assert t1.explanation == "first response due Tue 03 Nov 11:00 GMT, answered 12:10 (1 h 10 min late)"
    assert t1.escalation == "rule first_response_missed: escalated L1 → L2, support_manager notified"
    assert (t1.due_at, t1.ended_at, t1.late_seconds) == (utc(2026, 11, 3, 11), utc(2026, 11, 3, 12, 10), 4200)
    # British Summer Time in October; New York's evening for Globex's Saturday-morning (UTC) outage.
    assert by_ticket[w.t0.number].explanation == \
        "first response due Thu 15 Oct 13:00 BST, answered 14:30 (1 h 30 min late)"
    assert by_ticket[w.t3.number].explanation == \
        "next update due Fri 13 Nov 22:40 EST, updated Sat 14 Nov 00:00 EST (1 h 20 min late)"
    assert [b.number for b in report(w.max).breaches] == [w.t3.number, w.t1.number, w.t0.number]  # newest first


def test_a_breach_still_open_says_what_is_missing_and_how_late_so_far(reports_world):
    w = reports_world
    record_breaches(NOW)  # the worker's sweep marks the overdue running clocks
    # T4 (P2, opened Wed 18 Nov 09:00): its resolution target of 8 business hours was due at 17:00.
    t4 = {(b.number, b.kind): b for b in report(w.max).breaches}[(w.t4.number, "resolution_target")]
    assert t4.ended_at is None
    assert t4.explanation == ("resolution target due Wed 18 Nov 17:00 GMT, not resolved yet at Mon 30 Nov 12:00 GMT "
                              "(283 h late so far)")


def test_backlog_counts_open_tickets_by_age_and_priority(reports_world):
    # The world's three P3 tickets (23 Nov) and T2 (9 Nov): 7–30 days; T4 (18 Nov, P2); T5 this morning.
    assert rows(report(reports_world.max), "backlog-by-age") == [
        ["under 1 day", 0, 0, 1], ["1–3 days", 0, 0, 0], ["3–7 days", 0, 0, 0], ["7–30 days", 1, 4, 0],
        ["30 days or more", 0, 0, 0]]


def test_first_responses_fall_in_buckets_of_their_share_of_the_target(reports_world):
    r = report(reports_world.max)
    # T3 10/15 min, T1 130/60, T4 30/60, T2 60/240, T0 330/240.
    assert rows(r, "first-response") == [
        ["≤25%", 0, 0, 1], ["25–50%", 0, 1, 0], ["50–75%", 1, 0, 0], ["75–100%", 0, 0, 0], ["100–150%", 0, 0, 1],
        ["150–200%", 0, 0, 0], [">200%", 0, 1, 0]]
    viewer = Viewer.of(reports_world.max.user)
    medians = sla.first_responses(viewer, report(reports_world.max).filter).medians
    assert medians == {"P1": (10, 15), "P2": (80, 60), "P3": (195, 240)}
    assert r.charts["first-response"].notes == (
        "P1: median 10 min of business time (target 15 min)", "P2: median 1 h 20 min of business time (target 1 h)",
        "P3: median 3 h 15 min of business time (target 4 h)")


def test_csat_and_nps_trends_per_month_with_response_rates(reports_world):
    r = report(reports_world.max)
    # Oct: T0 resolved, not rated. Nov: T1 (5) and T3 (2) resolved and rated. NPS: 10, 3, unanswered.
    assert rows(r, "csat-trend") == [["2026-10", "", 0], ["2026-11", 50, 100]]
    assert rows(r, "nps-trend") == [["2026-10", "", ""], ["2026-11", 0, 66.7]]
    nov = satisfaction.csat_by_month(Viewer.of(reports_world.max.user), r.filter)[1]
    assert (nov.resolved, nov.rated, nov.answers, nov.average) == (2, 2, 2, 3.5)


def test_resolution_by_tier_counts_and_median_hours(reports_world):
    r = report(reports_world.max)
    # L1: T0 (25 h) and T1 (5 h) → median 15 h; L2: T3 (2 h).
    assert rows(r, "resolution-by-tier") == [["L1", 2], ["L2", 1], ["L3", 0], ["L4", 0]]
    assert rows(r, "resolution-time-by-tier") == [["L1", 15], ["L2", 2], ["L3", ""], ["L4", ""]]


def test_the_date_range_keeps_only_what_was_decided_inside_it(reports_world):
    r = report(reports_world.max, **{"from": "2026-11-01"})
    assert rows(r, "sla-by-month") == [["2026-11", 8, 2]]
    assert reports_world.t0.number not in {b.number for b in r.breaches}


def test_organisation_and_plan_filters_narrow_every_chart(reports_world):
    w = reports_world
    assert rows(report(w.max, organisation="globex"), "sla-by-month") == [["2026-10", 0, 0], ["2026-11", 3, 1]]
    assert rows(report(w.max, plan="premium"), "sla-by-month") == rows(report(w.max, organisation="globex"),
                                                                        "sla-by-month")
    assert rows(report(w.max, organisation="globex"), "nps-trend")[1] == ["2026-11", -100, 100]


def test_a_partner_manager_sees_only_the_customers_the_partner_serves(reports_world):
    w = reports_world
    r = report(w.nina)  # Northwind serves Acme: T0, T1, T2
    assert rows(r, "sla-by-month") == [["2026-10", 3, 1], ["2026-11", 4, 1]]
    assert {b.organisation for b in r.breaches} == {"Acme"}
    assert rows(r, "nps-trend")[1] == ["2026-11", 100, 100]  # Alice's 10 only
    with pytest.raises(NotFound):
        report(w.nina, organisation="globex")


@pytest.mark.parametrize("who", ["alice", "vera", "pat"])
def test_customers_and_agents_who_are_not_managers_get_no_reports(reports_world, who):
    with pytest.raises(PermissionDenied):
        report(getattr(reports_world, who))


def test_a_malformed_or_reversed_range_is_refused_naming_the_field(reports_world):
    viewer = Viewer.of(reports_world.max.user)
    with pytest.raises(DomainError) as bad:
        scope.parse_filter(viewer, {"from": "2026-13-01"}, NOW)
    assert bad.value.field == "from"
    with pytest.raises(DomainError) as reversed_:
        scope.parse_filter(viewer, {"from": "2026-11-02", "to": "2026-11-01"}, NOW)
    assert reversed_.value.field == "to"


def test_the_default_range_is_this_month_and_the_five_before(reports_world):
    flt = scope.parse_filter(Viewer.of(reports_world.max.user), {}, NOW)
    assert (flt.start, flt.end) == (utc(2026, 6, 1), utc(2026, 12, 1))
    assert len(flt.months) == 6


def test_age_buckets_have_their_lower_bound_included():
    import datetime as dt

    assert [work.age_bucket(dt.timedelta(days=d)) for d in (0, 1, 3, 7, 30, 400)] == [0, 1, 2, 3, 4, 4]
