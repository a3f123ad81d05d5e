"""Every escalation trigger of the example policies, proven by a shipped scenario replayed through the
code `escalade simulate` uses. The expected instants are worked out by hand from the policy and its
calendars in the comments; ticket numbers depend on the database's sequence, so tickets are named by
the order they were opened in the scenario (ESC-00000N in the timeline, T1, T2, … here)."""

import re
from pathlib import Path

import pytest

from escalade.errors import DomainError
from escalade.escalation.models import BillableRecord, Firing, ProblemRecord, ReviewTask
from escalade.simulate import run as simulation
from escalade.simulate.scenario import parse
from escalade.tickets.models import Ticket

ROOT = Path(__file__).resolve().parents[2]


def replay(policy: str, scenario: str, text: str | None = None) -> list[tuple[str, str, str, str]]:
    """(at, ticket, what, detail), tickets renamed T1, T2, … in opening order."""
    text = text or (ROOT / "examples" / "scenarios" / f"{scenario}.yaml").read_text()
    policy_text = (ROOT / "examples" / "policies" / f"{policy}.yaml").read_text()
    lines = simulation.run(policy_text, f"{policy}.yaml", parse(text))
    names: dict[str, str] = {}
    for line in lines:
        if line.what == "ticket.opened":
            names.setdefault(line.ticket, f"T{len(names) + 1}")

    def rename(s: str) -> str:
        return re.sub(r"ESC-\d+", lambda m: names.get(m[0], m[0]), s)

    return [(line.at, names.get(line.ticket, line.ticket), line.what, rename(line.detail)) for line in lines]


def fired(lines, rule: str) -> list[tuple[str, str, str]]:
    """(at, ticket, actions) of each firing of `rule`."""
    return [(at, t, detail.split(": ", 1)[1]) for at, t, what, detail in lines
            if what == "escalation.fired" and detail.startswith(f"rule {rule}:")]


def fired_on(lines, rule: str, ticket: str) -> list[tuple[str, str, str]]:
    return [f for f in fired(lines, rule) if f[1] == ticket]


def of(lines, ticket: str, *whats: str) -> list[tuple[str, str, str]]:
    return [(at, what, detail) for at, t, what, detail in lines if t == ticket and what in whats]


def nth(n: int) -> Ticket:
    """The n-th ticket opened (tickets are created in the order they are opened)."""
    return Ticket.objects.order_by("pk")[n - 1]


# -- VIOE: resolution clocks (examples/scenarios/vioe-resolution-clocks.yaml) -------------------

@pytest.mark.django_db
def test_vioe_p1_resolution_approaching_target_breach_and_maximum_breach_to_tier_4():
    lines = replay("vioe", "vioe-resolution-clocks")
    # T1 = the P1 outage: emergency coverage (24x7) for P1 on every plan; target 4 h, maximum 8 h
    # from Monday 09:00Z. 75% of 4 h = 3 h -> 12:00Z; target 13:00Z; maximum 17:00Z.
    assert fired_on(lines, "resolution_approaching", "T1") == [("2026-11-23 12:00Z", "T1", "notify")]
    assert ("2026-11-23 12:00Z", "notify.escalation", "email to level_manager <manager@vendor.example.com>: "
            "Ticket T1 is close to its resolution target") in of(lines, "T1", "notify.escalation")
    assert fired_on(lines, "resolution_target_breach", "T1") == [
        ("2026-11-23 13:00Z", "T1", "notify, escalate")]
    assert fired_on(lines, "resolution_maximum_breach", "T1") == [("2026-11-23 17:00Z", "T1", "escalate, notify")]
    # levels: the target breach goes up one tier, the maximum breach of a Critical ticket to Tier 4
    assert of(lines, "T1", "ticket.updated") == [
        ("2026-11-23 13:00Z", "ticket.updated", "level L1 Tier 1 - Initial Support → L2 Tier 2 - Technical Support"),
        ("2026-11-23 17:00Z", "ticket.updated",
         "level L2 Tier 2 - Technical Support → L4 Tier 4 - Executive Escalation"),
    ]
    messages = of(lines, "T1", "notify.escalation")
    assert ("2026-11-23 13:00Z", "notify.escalation", "email to level_manager <manager@vendor.example.com>: "
            "Ticket T1 missed its resolution time") in messages
    # executive_sponsor has no contacts: its team (executive) is the simulated agent
    assert ("2026-11-23 17:00Z", "notify.escalation", "email to executive_sponsor <agent@vendor.example.com>: "
            "Ticket T1 missed its resolution time") in messages
    # updates every 25 minutes: no 30-minute update missed, no hour without progress, two breaches only
    assert fired(lines, "p1_status_updates") == fired(lines, "emergency_no_progress") == []
    assert fired(lines, "repeated_breaches") == []


@pytest.mark.django_db
def test_vioe_p3_resolution_clocks_count_business_days_and_its_maximum_takes_it_to_tier_4():
    lines = replay("vioe", "vioe-resolution-clocks")
    # T2 = the P3: Standard 09:00-18:00 London, a business day = 9 h. Target 3 bd = 27 h from
    # Monday 09:00 -> Wednesday 18:00; 75% = 20.25 h -> Mon 9 + Tue 9 + 2.25 h -> Wednesday 11:15;
    # maximum 5 bd = 45 h -> Friday 18:00.
    assert ("2026-11-23 09:00Z", "sla.clocks_started", "first_response due 2026-11-23 13:00Z; resolution_target "
            "due 2026-11-25 18:00Z; resolution_maximum due 2026-11-27 18:00Z") in of(lines, "T2", "sla.clocks_started")
    assert fired_on(lines, "resolution_approaching", "T2") == [("2026-11-25 11:15Z", "T2", "notify")]
    assert fired_on(lines, "resolution_target_breach", "T2") == [
        ("2026-11-25 18:00Z", "T2", "notify, escalate")]
    # the maximum is missed: 3.2 gives a maximum for every priority, so Tier 4 takes it ("SLA breach
    # resolution", 2.4)
    assert ("2026-11-27 18:00Z", "sla.breached", "P3 on Standard = 5 business days on the Standard calendar "
            "(Monday–Friday 09:00–18:00 customer time, closed on each customer's public holidays; a business day "
            "is 9 hours)") in of(lines, "T2", "sla.breached")
    assert fired_on(lines, "resolution_maximum_breach", "T2") == [("2026-11-27 18:00Z", "T2", "escalate, notify")]
    assert of(lines, "T2", "ticket.updated") == [
        ("2026-11-25 18:00Z", "ticket.updated", "level L1 Tier 1 - Initial Support → L2 Tier 2 - Technical Support"),
        ("2026-11-27 18:00Z", "ticket.updated",
         "level L2 Tier 2 - Technical Support → L4 Tier 4 - Executive Escalation")]
    assert nth(2).level.key == "L4"
    # daily updates: no reminder to the assignee was due
    assert fired_on(lines, "update_reminder", "T2") == []


# -- VIOE: escalation requests, update reminders, trends -----------------------------------------
# examples/scenarios/vioe-escalation-requests-and-trends.yaml, tickets in the order opened: T1 payroll
# (Hooli), T2 login (Umbrella, 09:00), T3 sync-mon (Initech, 09:00), T4 export (Umbrella, 12:00),
# T5 rules (Umbrella, 15:00), T6 sync-tue, T7 sync-wed (Initech).

@pytest.mark.django_db
def test_vioe_escalation_request_with_business_impact_is_a_review_task_for_the_tier_manager():
    lines = replay("vioe", "vioe-escalation-requests-and-trends")
    assert fired(lines, "escalation_request") == [("2026-11-23 10:30Z", "T1", "review_task, notify")]
    # account_executive has no contacts: its team (customer_success) is the simulated agent
    assert ("2026-11-23 10:30Z", "notify.escalation", "email to account_executive <agent@vendor.example.com>: "
            "Escalation requested on T1") in of(lines, "T1", "notify.escalation")
    task = ReviewTask.objects.get(ticket=nth(1), rule="escalation_request")
    assert (task.kind, task.role, task.status) == ("review", "level_manager", "open")
    assert Firing.objects.get(rule="escalation_request").visible_to_customer


@pytest.mark.django_db
def test_vioe_escalation_review_task_carries_the_business_impact_the_customer_explained():
    replay("vioe", "vioe-escalation-requests-and-trends")
    task = ReviewTask.objects.get(ticket=nth(1), rule="escalation_request")
    assert task.reason == "Payroll for 200 staff cannot run on Wednesday."


@pytest.mark.django_db
def test_vioe_escalation_request_without_business_impact_is_refused_and_reaches_no_rule():
    text = (ROOT / "examples/scenarios/vioe-escalation-requests-and-trends.yaml").read_text()
    text = text.replace("business_impact: Payroll for 200 staff cannot run on Wednesday.", "business_impact: ''")
    with pytest.raises(DomainError, match="Explain the business impact"):
        replay("vioe", "", text)
    assert not Firing.objects.filter(rule="escalation_request").exists()
    assert not ReviewTask.objects.exists()


@pytest.mark.django_db
def test_vioe_update_reminder_fires_every_two_business_hours_without_an_update():
    lines = replay("vioe", "vioe-escalation-requests-and-trends")
    # T1 (P2, update every 2 h of Standard hours): answered 09:30 -> due 11:30, again 13:30; resolved 14:00
    assert fired(lines, "update_reminder") == [("2026-11-23 11:30Z", "T1", "notify"),
                                               ("2026-11-23 13:30Z", "T1", "notify")]
    # the reminder is for the assignee; scenarios cannot assign a ticket, so no message is queued
    assert [m for m in of(lines, "T1", "notify.escalation") if "Update due" in m[2]] == []


@pytest.mark.django_db
def test_vioe_three_related_tickets_of_one_organisation_open_one_problem_record():
    lines = replay("vioe", "vioe-escalation-requests-and-trends")
    # Umbrella: 09:00 (T2), 12:00 (T4), 15:00 (T5): the third makes 3 open within 24 hours.
    # Initech's three tickets are never open together: no firing for them.
    assert fired(lines, "related_tickets") == [("2026-11-23 15:00Z", "T5", "open_problem")]
    problem = ProblemRecord.objects.get()
    assert problem.rule == "related_tickets"
    assert sorted(problem.tickets.values_list("pk", flat=True)) == [nth(2).pk, nth(4).pk, nth(5).pk]


@pytest.mark.django_db
def test_vioe_third_breach_in_30_days_takes_the_customers_ticket_to_tier_4():
    lines = replay("vioe", "vioe-escalation-requests-and-trends")
    # Initech's P2s miss the 1-hour response at 10:00 Monday (T3), Tuesday (T6), Wednesday (T7)
    assert [(at, t) for at, t, what, _ in lines if what == "sla.breached" and t in ("T3", "T6", "T7")] == [
        ("2026-11-23 10:00Z", "T3"), ("2026-11-24 10:00Z", "T6"), ("2026-11-25 10:00Z", "T7")]
    assert fired(lines, "repeated_breaches") == [("2026-11-25 10:00Z", "T7", "escalate, notify")]
    assert ("2026-11-25 10:00Z", "notify.escalation", "email to vp_customer_success <agent@vendor.example.com>: "
            "Repeated SLA breaches: Initech") in of(lines, "T7", "notify.escalation")
    assert ("2026-11-25 10:00Z", "ticket.updated", "level L1 Tier 1 - Initial Support → L4 Tier 4 - Executive "
            "Escalation") in of(lines, "T7", "ticket.updated")
    # the first two went up one tier only (response_breach)
    for t in ("T3", "T6"):
        assert [d for _, _, d in of(lines, t, "ticket.updated")] == [
            "level L1 Tier 1 - Initial Support → L2 Tier 2 - Technical Support"]


@pytest.mark.django_db
def test_vioe_ticket_taken_to_tier_4_is_not_moved_back_down_by_a_response_breach_at_the_same_instant():
    lines = replay("vioe", "vioe-escalation-requests-and-trends")
    # "escalate … never down" (docs/policy.md): the response breach's notify still happens, the
    # ticket stays at Tier 4.
    assert [d for _, _, d in of(lines, "T7", "ticket.updated")] == [
        "level L1 Tier 1 - Initial Support → L4 Tier 4 - Executive Escalation"]
    assert nth(7).level.key == "L4"


# -- VIOE: 5.4 escalation matrix (examples/scenarios/vioe-issue-type-matrix.yaml) ---------------
# T1 technical (performance), T2 security, T3 business, T4 legal (P2s), T5 the P1 security breach.

def _assign_to(ticket: Ticket, rule: str) -> list[tuple[str, str, str | None]]:
    out = []
    for firing in Firing.objects.filter(ticket=ticket, rule=rule).order_by("at"):
        out += [(a["from_level"], a["to_level"], a["assign_to"]) for a in firing.actions if a["kind"] == "escalate"]
    return out


@pytest.mark.django_db
def test_vioe_matrix_names_each_issue_types_owner_at_tier_2_and_tier_3():
    lines = replay("vioe", "vioe-issue-type-matrix")
    # P2: first response 1 h -> 10:00 (to L2), resolution target 8 h of Standard hours -> 17:00 (to L3)
    owners = {"T1": "engineering", "T2": "security", "T3": "customer_success_manager", "T4": "legal"}
    for t, owner in owners.items():
        n = nth(int(t[1]))
        assert _assign_to(n, "response_breach") == [("L1", "L2", "support")]
        assert _assign_to(n, "resolution_target_breach") == [("L2", "L3", owner)]
    teams = {t: [d for _, _, d in of(lines, t, "ticket.updated")] for t in owners}
    to_l3 = "level L2 Tier 2 - Technical Support → L3 Tier 3 - Engineering Support"
    assert teams["T1"][1] == f"{to_l3}, team Support → Engineering"
    assert teams["T2"][1] == f"{to_l3}, team Support → Security Team"
    assert teams["T4"][1] == f"{to_l3}, team Support → Legal"
    # the Customer Success Manager is a role, not a team: named on the escalation, the team stays
    assert teams["T3"][1] == to_l3
    assert all(at == "2026-11-23 17:00Z" for at, t, _ in fired(lines, "resolution_target_breach"))


@pytest.mark.django_db
def test_vioe_security_concern_notifies_the_security_team_and_its_p1_reaches_the_ciso_at_tier_4():
    lines = replay("vioe", "vioe-issue-type-matrix")
    # only the two security tickets, at opening; the security team is the simulated agent
    assert fired(lines, "security_concern") == [("2026-11-23 09:00Z", "T2", "notify"),
                                                ("2026-11-23 09:00Z", "T5", "notify")]
    assert ("2026-11-23 09:00Z", "notify.escalation", "email to security <agent@vendor.example.com>: "
            "Security concern: T2") in of(lines, "T2", "notify.escalation")
    # P1: response 15 min missed (09:15, L1→L2); no progress in 1 hour from opening (10:00 L2→L3,
    # 11:00 L3→L4)
    n = nth(5)
    assert _assign_to(n, "response_breach") == [("L1", "L2", "support")]
    assert _assign_to(n, "emergency_no_progress") == [("L2", "L3", "security"), ("L3", "L4", "ciso")]
    assert [(at, d) for at, _, d in of(lines, "T5", "ticket.updated")] == [
        # the security category routed it to the Security Team when it opened
        ("2026-11-23 09:15Z", "level L1 Tier 1 - Initial Support → L2 Tier 2 - Technical Support, "
                              "team Security Team → Support"),
        ("2026-11-23 10:00Z", "level L2 Tier 2 - Technical Support → L3 Tier 3 - Engineering Support, "
                              "team Support → Security Team"),
        ("2026-11-23 11:00Z", "level L3 Tier 3 - Engineering Support → L4 Tier 4 - Executive Escalation"),
    ]


# -- Mirrored Storage: after hours and business-critical (mirrored-storage-after-hours.yaml) ------
# T1 Basic P1 emergency line 20:00 CST, T2 Basic P1 portal, T3 Standard P1 line, T4 Standard P3
# portal, T5 Premium P1 line, T6 Premium P2 line (all Monday 20:00 CST = Tuesday 02:00Z), T7 Basic
# P1 line Tuesday 10:00 CST (16:00Z, business hours).

@pytest.mark.django_db
def test_mirrored_storage_after_hours_per_plan():
    lines = replay("mirrored-storage", "mirrored-storage-after-hours")
    # Basic: only the after-hours emergency call is billable, with the plan's note as the reason
    assert fired(lines, "after_hours.basic") == [("2026-11-24 02:00Z", "T1", "record_billable")]
    record = BillableRecord.objects.get()
    assert (record.ticket_id, record.rule) == (nth(1).pk, "after_hours.basic")
    assert "Emergency support available for additional fee" in record.reason
    assert Firing.objects.get(rule="after_hours.basic").visible_to_customer
    # not billable: T2 (portal after hours), T7 (business hours), Standard and Premium
    assert [(at, t, d) for at, t, what, d in lines if what == "escalation.fired" and "after_hours" in d] == [
        ("2026-11-24 02:00Z", "T1", "rule after_hours.basic: record_billable")]
    started = {t: d for _, t, what, d in lines if what == "sla.clocks_started"}
    assert started["T1"] == started["T2"] == "first_response due 2026-11-24 18:00Z"  # 4 bh from Tue 08:00 CST
    assert started["T7"] == "first_response due 2026-11-24 20:00Z"                    # 10:00 + 4 h CST
    assert started["T3"] == "first_response due 2026-11-24 03:00Z"                    # Standard P1: 1 hour, 24x7
    assert started["T4"] == "first_response due 2026-11-24 22:00Z"                    # next business day, 16:00 CST
    assert started["T5"] == "first_response due 2026-11-24 02:30Z"                    # Premium P1: 30 minutes, 24x7
    # Premium P2 on the dedicated line after hours: "guaranteed 30-minute response" (not 2 hours)
    assert started["T6"] == "first_response due 2026-11-24 02:30Z"
    # Level 1 passes on at half the window: T6 after 15 minutes (02:15Z), T4 after 4 business hours
    assert fired(lines, "level_1_half_window") == [("2026-11-24 02:15Z", "T6", "escalate, notify"),
                                                   ("2026-11-24 18:00Z", "T4", "escalate, notify")]


@pytest.mark.django_db
def test_mirrored_storage_every_p1_is_business_critical_straight_to_level_3():
    lines = replay("mirrored-storage", "mirrored-storage-after-hours")
    night = [("2026-11-24 02:00Z", t, "escalate, page") for t in ("T1", "T2", "T3", "T5")]
    assert fired(lines, "business_critical") == [*night, ("2026-11-24 16:00Z", "T7", "escalate, page")]
    for t in ("T1", "T2", "T3", "T5", "T7"):
        assert [d for _, _, d in of(lines, t, "ticket.updated")] == [
            "level L1 Help Desk Technician → L3 Lead Engineer / Solutions Architect"]
    pages = [a for f in Firing.objects.filter(rule="business_critical") for a in f.actions if a["kind"] == "page"]
    assert {a["role"] for a in pages} == {"on_call:engineering"}
    # the simulator has no on-call rotation, so the page reaches nobody (no notify.page line)
    assert [line for line in lines if line[2] == "notify.page"] == []


# -- Mirrored Storage: escalation requests (mirrored-storage-escalation-requests.yaml) ----------
# T1 Hooli (Premium) P3, T2 Initech (Standard) P3, both Tuesday 09:00 CST (15:00Z).

@pytest.mark.django_db
def test_mirrored_storage_escalation_requests_premium_goes_to_senior_engineers():
    lines = replay("mirrored-storage", "mirrored-storage-escalation-requests")
    assert fired(lines, "premium_direct_escalation") == [("2026-11-24 16:00Z", "T1", "escalate")]
    assert of(lines, "T1", "ticket.updated") == [
        ("2026-11-24 16:00Z", "ticket.updated", "level L1 Help Desk Technician → L2 Senior Engineer")]
    # every request, on every plan: a review task for the level's manager and the Account Manager told
    assert fired(lines, "escalation_request") == [("2026-11-24 16:00Z", "T1", "review_task, notify"),
                                                  ("2026-11-24 16:00Z", "T2", "review_task, notify"),
                                                  ("2026-11-24 17:00Z", "T1", "review_task, notify")]
    assert [(at, t, d) for at, t, what, d in lines if what == "notify.escalation"] == [
        ("2026-11-24 16:00Z", "T1", "email to account_manager <casey@example.com>: Hooli asked to escalate T1"),
        ("2026-11-24 16:00Z", "T2", "email to account_manager <casey@example.com>: Initech asked to escalate T2"),
        ("2026-11-24 17:00Z", "T1", "email to account_manager <casey@example.com>: Hooli asked to escalate T1"),
    ]
    assert ReviewTask.objects.filter(rule="escalation_request", role="level_manager").count() == 3
    # Standard has no direct path: T2 stays at Level 1
    assert of(lines, "T2", "ticket.updated") == []
    assert nth(2).level.key == "L1"


# -- Zynstra: reports to the Service Provider (zynstra-service-provider-reports.yaml) -----------
# T1 raid (P2, to L3 at 10:00), T2 dns (P3, stays with the Service Provider).

@pytest.mark.django_db
def test_zynstra_reports_progress_and_completion_to_the_service_provider_only_while_it_has_the_ticket():
    lines = replay("zynstra", "zynstra-service-provider-reports")
    # T1: update every 4 working hours from the first response (09:30): 13:30, 17:30 (closing time);
    # the reply on Tuesday 10:00 restarts it (next 14:00), resolved at 12:00 first.
    assert fired(lines, "progress_to_service_provider") == [("2026-11-23 13:30Z", "T1", "notify_partner, notify"),
                                                            ("2026-11-23 17:30Z", "T1", "notify_partner, notify")]
    assert fired(lines, "resolution_complete") == [("2026-11-24 12:00Z", "T1", "notify_partner")]
    templates = {a["template"] for f in Firing.objects.filter(rule__in=["progress_to_service_provider",
                                                                       "resolution_complete"])
                 for a in f.actions if a["kind"] == "notify_partner"}
    assert templates == {"progress_report", "resolution_complete"}
    # T2: its update fell due (Tuesday 09:30, one working day after 09:30) and it was resolved, at L1
    assert ("2026-11-24 09:30Z", "sla.breached") in [(at, w) for at, w, _ in of(lines, "T2", "sla.breached")]
    assert [f for f in fired(lines, "progress_to_service_provider") + fired(lines, "resolution_complete")
            if f[1] == "T2"] == []


@pytest.mark.django_db
def test_zynstra_progress_reports_reach_the_service_providers_agents():
    lines = replay("zynstra", "zynstra-service-provider-reports")
    to_partner = [(at, d.split(">: ", 1)[-1]) for at, t, what, d in lines
                  if t == "T1" and what == "notify.status_update" and " to partner_agents <" in d]
    assert to_partner == [("2026-11-23 13:30Z", "Progress on T1: RAID degraded after disk failure"),
                          ("2026-11-23 17:30Z", "Progress on T1: RAID degraded after disk failure"),
                          ("2026-11-24 12:00Z", "Resolved: T1 RAID degraded after disk failure")]


# -- MyCorp (mycorp-severity-raised.yaml): T1 core (SEV1 network), T2 db (SEV2 server → SEV1) ----

@pytest.mark.django_db
def test_mycorp_severity_1_network_case_worked_in_time_pages_ops_but_not_the_vp_and_calls_nobody():
    lines = replay("mycorp", "mycorp-severity-raised")
    assert fired_on(lines, "severity_1_opened", "T1") == [("2026-11-23 14:00Z", "T1", "page, notify")]
    assert ("2026-11-23 14:00Z", "notify.page", "email to operations_manager <ops-manager@example.com>: "
            "[SEV1] T1 Core switch down (Initech)") in of(lines, "T1", "notify.page")
    assert fired_on(lines, "severity_1_customer_system", "T1") == []  # network, not server
    assert fired_on(lines, "severity_1_not_worked_in_2_hours", "T1") == []  # worked at 14:30
    # hourly status from the first response (14:30): 15:30, 16:30; resolved at 17:00
    assert fired_on(lines, "severity_1_hourly_status", "T1") == [
        ("2026-11-23 15:30Z", "T1", "status_update_to_customer, notify"),
        ("2026-11-23 16:30Z", "T1", "status_update_to_customer, notify")]


@pytest.mark.django_db
def test_mycorp_case_raised_to_severity_1_pages_ops_and_calls_the_customers_technical_staff():
    lines = replay("mycorp", "mycorp-severity-raised")
    pages = of(lines, "T2", "notify.page")
    assert ("2026-11-23 15:00Z", "notify.page", "email to operations_manager <ops-manager@example.com>: "
            "[SEV1] T2 Database server slow (Globex)") in pages
    # A call reaches the technical contact's phone (was: an email page)
    assert ("2026-11-23 15:00Z", "notify.call", "phone to customer_technical <+15555550100>: "
            "Call about T2: Database server slow (SEV1, Globex)") in of(lines, "T2", "notify.call")
    assert [(t, a) for _, t, a in fired(lines, "severity_1_opened")] == [("T1", "page, notify"), ("T2", "page, notify")]
    assert [(t, a) for _, t, a in fired(lines, "severity_1_customer_system")] == [("T2", "call")]


@pytest.mark.django_db
def test_mycorp_firings_for_a_case_raised_to_severity_1_are_dated_when_it_became_severity_1():
    lines = replay("mycorp", "mycorp-severity-raised")
    assert fired_on(lines, "severity_1_opened", "T2") == [("2026-11-23 15:00Z", "T2", "page, notify")]
    assert fired(lines, "severity_1_customer_system") == [("2026-11-23 15:00Z", "T2", "call")]
    # Not worked within 2 hours of becoming Severity 1 (15:00), not of opening (14:00): the VP at 17:00.
    assert fired_on(lines, "severity_1_not_worked_in_2_hours", "T2") == [("2026-11-23 17:00Z", "T2", "page, call")]
