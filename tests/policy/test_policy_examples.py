"""The five example policies load cleanly and say what their seed documents say."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from escalade.policy import Policy, load_policy
from escalade.policy.check import check_file

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"
NAMES = ["mirrored-storage", "ione-tech", "mycorp", "zynstra", "vioe"]


@functools.cache
def policy(name: str) -> Policy:
    return load_policy(EXAMPLES / f"{name}.yaml")


@pytest.mark.parametrize("name", NAMES)
def test_example_policy_loads_without_errors(name: str) -> None:
    assert check_file(EXAMPLES / f"{name}.yaml") == []


def test_every_example_file_is_one_of_the_five_seeds() -> None:
    assert sorted(p.stem for p in EXAMPLES.glob("*.yaml")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_example_contacts_are_fictional(name: str) -> None:
    p = policy(name)
    for contact in p.contacts.values():
        assert contact.email is None or contact.email.endswith("@example.com")
    for channel in p.channels.values():
        if channel.kind == "email":
            assert channel.address.endswith("@example.com")
        elif channel.kind == "portal" and channel.address:
            assert ".example.com" in channel.address


# (policy, plan, priority, target, minutes, clock) — clock: "24x7" wall-clock, "coverage" the
# plan's calendar, "emergency" the emergency coverage calendar.
STATED = [
    # Mirrored Storage, RESPONSE TIME EXPECTATIONS BY TIER
    ("mirrored-storage", "basic", "P1", "first_response", 4 * 60, "coverage"),
    ("mirrored-storage", "basic", "P2", "first_response", 8 * 60, "coverage"),
    ("mirrored-storage", "basic", "P3", "first_response", 24 * 60, "coverage"),
    ("mirrored-storage", "basic", "P4", "first_response", 48 * 60, "coverage"),
    ("mirrored-storage", "standard", "P1", "first_response", 60, "24x7"),
    ("mirrored-storage", "standard", "P2", "first_response", 4 * 60, "coverage"),
    ("mirrored-storage", "standard", "P3", "first_response", 8 * 60, "coverage"),
    ("mirrored-storage", "standard", "P4", "first_response", 24 * 60, "coverage"),
    ("mirrored-storage", "premium", "P1", "first_response", 30, "24x7"),
    ("mirrored-storage", "premium", "P2", "first_response", 2 * 60, "24x7"),
    ("mirrored-storage", "premium", "P3", "first_response", 4 * 60, "coverage"),
    ("mirrored-storage", "premium", "P4", "first_response", 8 * 60, "coverage"),
    # I One Tech, 1. SLAs (during 3. Working Hours)
    ("ione-tech", "standard", "P1", "first_response", 60, "coverage"),
    ("ione-tech", "standard", "P2", "first_response", 4 * 60, "coverage"),
    ("ione-tech", "standard", "P3", "first_response", 24 * 60, "coverage"),
    ("ione-tech", "standard", "P4", "first_response", 48 * 60, "coverage"),
    # MyCorp, Severity Level Definition (24 x 365)
    ("mycorp", "partner", "SEV1", "update_every", 60, "emergency"),
    ("mycorp", "partner", "SEV1", "first_response", 2 * 60, "emergency"),
    ("mycorp", "partner", "SEV2", "first_response", 24 * 60, "coverage"),
    ("mycorp", "partner", "SEV3", "first_response", 48 * 60, "coverage"),
    # Zynstra: the SLA document is not part of the note; these are the example's own choices.
    ("zynstra", "cloud_managed_server", "P1", "first_response", 60, "coverage"),
    ("zynstra", "cloud_managed_server", "P1", "update_every", 2 * 60, "coverage"),
    ("zynstra", "cloud_managed_server", "P1", "resolution_target", 8.5 * 60, "coverage"),
    ("zynstra", "cloud_managed_server", "P4", "resolution_target", 10 * 8.5 * 60, "coverage"),
]
# VIOE 3.1 and 3.2 — the same on every plan; business days follow each plan's calendar.
VIOE_DAY = {"standard": 9 * 60, "extended": 15 * 60, "premium": 24 * 60}
for _plan, _day in VIOE_DAY.items():
    STATED += [
        ("vioe", _plan, "P1", "first_response", 15, "emergency"),
        ("vioe", _plan, "P1", "update_every", 30, "emergency"),
        ("vioe", _plan, "P1", "resolution_target", 4 * 60, "emergency"),
        ("vioe", _plan, "P1", "resolution_maximum", 8 * 60, "emergency"),
        ("vioe", _plan, "P2", "first_response", 60, "coverage"),
        ("vioe", _plan, "P2", "update_every", 2 * 60, "coverage"),
        ("vioe", _plan, "P2", "resolution_target", 8 * 60, "coverage"),
        ("vioe", _plan, "P2", "resolution_maximum", 24 * 60, "coverage"),
        ("vioe", _plan, "P3", "first_response", 4 * 60, "coverage"),
        ("vioe", _plan, "P3", "update_every", 1 * _day, "coverage"),
        ("vioe", _plan, "P3", "resolution_target", 3 * _day, "coverage"),
        ("vioe", _plan, "P3", "resolution_maximum", 5 * _day, "coverage"),
        ("vioe", _plan, "P4", "first_response", 1 * _day, "coverage"),
        ("vioe", _plan, "P4", "update_every", 3 * _day, "coverage"),
        ("vioe", _plan, "P4", "resolution_target", 10 * _day, "coverage"),
        ("vioe", _plan, "P4", "resolution_maximum", 15 * _day, "coverage"),
    ]


def _id(row: tuple) -> str:
    name, plan, prio, kind, minutes, clock = row
    return f"{name}-{plan}-{prio}-{kind}-is-{minutes:g}-minutes-on-{clock}"


@pytest.mark.parametrize("row", STATED, ids=[_id(r) for r in STATED])
def test_example_target_matches_its_document(row: tuple) -> None:
    name, plan, prio, kind, minutes, clock = row
    p = policy(name)
    target = getattr(p.targets_for(plan, prio), kind)
    assert target.minutes == minutes
    expected_calendar = {"24x7": "24x7", "coverage": p.plans[plan].coverage,
                         "emergency": p.emergency.coverage if p.emergency else None}[clock]
    assert target.calendar_key == expected_calendar
    assert target.emergency == (clock == "emergency")


def at(zone: str, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZoneInfo(zone))


# -- Mirrored Storage ---------------------------------------------------------------------------

def test_mirrored_storage_premium_p1_first_response_is_30_minutes_24x7() -> None:
    target = policy("mirrored-storage").targets_for("premium", "P1").first_response
    assert target.describe() == "30 minutes around the clock (24x7)"
    saturday_night = at("America/Chicago", 2026, 11, 28, 23, 50)
    assert target.calendar().add(saturday_night, target.minutes) == at(
        "America/Chicago", 2026, 11, 29, 0, 20)


def test_mirrored_storage_basic_p1_runs_4_business_hours_into_monday() -> None:
    target = policy("mirrored-storage").targets_for("basic", "Critical").first_response
    friday_5pm = at("America/Chicago", 2026, 11, 20, 17, 0)
    assert target.calendar().add(friday_5pm, target.minutes) == at(
        "America/Chicago", 2026, 11, 23, 11, 0)


def test_mirrored_storage_business_hours_close_for_thanksgiving() -> None:
    target = policy("mirrored-storage").targets_for("standard", "P2").first_response
    wednesday_5pm = at("America/Chicago", 2026, 11, 25, 17, 0)
    # 1 hour on Wednesday; Thursday (Thanksgiving) and Friday after are holidays in Texas.
    assert target.calendar().add(wednesday_5pm, target.minutes) == at(
        "America/Chicago", 2026, 11, 30, 11, 0)


def test_mirrored_storage_emergency_is_p1_on_standard_and_premium_and_for_a_fee_on_basic() -> None:
    p = policy("mirrored-storage")
    assert p.emergency.priorities == ["P1"]
    assert p.emergency.plans == ["standard", "premium"]
    assert p.emergency.plans_for_fee == ["basic"]
    assert not p.emergency_applies("basic", "P1")
    assert len(p.emergency.qualifies) == 4 and len(p.emergency.does_not_qualify) == 4


def test_mirrored_storage_has_four_levels_from_help_desk_to_virtual_cio() -> None:
    levels = policy("mirrored-storage").levels
    assert list(levels) == ["L1", "L2", "L3", "L4"]
    assert levels["L4"].name == "Account Manager / Virtual CIO"


# -- I One Tech ---------------------------------------------------------------------------------

def test_ione_tech_critical_responds_within_1_hour_of_working_time() -> None:
    target = policy("ione-tech").targets_for("standard", "critical").first_response
    assert target.minutes == 60
    saturday = at("Asia/Phnom_Penh", 2026, 7, 4, 10, 0)
    assert target.calendar().add(saturday, target.minutes) == at(
        "Asia/Phnom_Penh", 2026, 7, 6, 9, 0)


def test_ione_tech_closes_for_cambodian_public_holidays() -> None:
    cal = policy("ione-tech").targets_for("standard", "P1").first_response.calendar()
    assert not cal.is_open(at("Asia/Phnom_Penh", 2026, 11, 24, 10, 0))  # Water Festival


def test_ione_tech_weekends_have_limited_support_outside_the_clock() -> None:
    p = policy("ione-tech")
    assert p.plan("standard").limited_coverage == "weekend_limited"
    assert p.calendar("weekend_limited").is_open(at("Asia/Phnom_Penh", 2026, 7, 4, 10, 0))


def test_ione_tech_categories_define_their_own_priority_wording() -> None:
    billing = policy("ione-tech").category("billing")
    assert billing.priority_definitions["P1"] == "Billing errors affecting critical services."
    assert set(policy("ione-tech").categories) == {"technical", "billing", "infrastructure",
                                                   "security"}


# -- MyCorp -------------------------------------------------------------------------------------

def test_mycorp_severity_1_is_urgent_and_found_by_its_aliases() -> None:
    p = policy("mycorp")
    assert p.priority_keys == ("SEV1", "SEV2", "SEV3")
    assert p.priority("Severity 1").name == "Urgent"
    assert p.priority("sev 1").key == p.priority("S1").key == "SEV1"
    assert p.priority("Severity 3").name == "Low"


def test_mycorp_severity_1_gets_hourly_status_around_the_clock() -> None:
    target = policy("mycorp").targets_for("partner", "SEV1").update_every
    assert target.minutes == 60
    assert target.calendar().is_open(at("UTC", 2026, 12, 25, 3, 0))


def test_mycorp_partners_run_first_line_support() -> None:
    p = policy("mycorp")
    assert {k: v.levels for k, v in p.partners.items()} == {"solution_partners": ["L1"],
                                                           "isps": ["L1"]}
    assert set(p.roles) == {"operations_manager", "vp_operations"}


# -- Zynstra ------------------------------------------------------------------------------------

def test_zynstra_service_provider_runs_l1_and_l2_and_zynstra_l3_and_l4() -> None:
    p = policy("zynstra")
    assert p.partners["service_provider"].levels == ["L1", "L2"]
    assert p.levels["L3"].team == p.levels["L4"].team == "support"


def test_zynstra_working_days_skip_english_christmas_and_boxing_day() -> None:
    target = policy("zynstra").targets_for("cloud_managed_server", "P4").first_response
    assert target.minutes == 8.5 * 60  # 1 business day of 09:00–17:30
    christmas_eve_5pm = at("Europe/London", 2026, 12, 24, 17, 0)
    # 30 minutes on the 24th; 25th, 26th (Sat), 27th (Sun), 28th (Boxing Day observed) closed.
    assert target.calendar().add(christmas_eve_5pm, target.minutes) == at(
        "Europe/London", 2026, 12, 29, 17, 0)


def test_zynstra_escalation_roles_are_named_with_fictional_contacts() -> None:
    p = policy("zynstra")
    assert list(p.roles) == ["head_of_support", "vp_customer_success",
                             "chief_operations_architect"]
    assert p.contacts["pat_head"].email == "head-of-support@example.com"


# -- VIOE ---------------------------------------------------------------------------------------

def test_vioe_p1_is_emergency_24x7_on_every_plan() -> None:
    p = policy("vioe")
    for plan in ("standard", "extended", "premium"):
        assert p.emergency_applies(plan, "P1")
        target = p.targets_for(plan, "P1").first_response
        assert target.describe() == "15 minutes around the clock (24x7, emergency coverage)"


def test_vioe_standard_hours_are_read_in_the_customer_time_zone() -> None:
    target = policy("vioe").targets_for("standard", "P2").first_response
    assert target.describe() == ("1 hour on the Standard calendar "
                                 "(Monday–Friday 09:00–18:00 customer time, closed on each customer's public holidays)")
    saturday_tokyo = at("Asia/Tokyo", 2026, 11, 28, 12, 0)
    due = target.calendar("Asia/Tokyo").add(saturday_tokyo, target.minutes)
    assert due == at("Asia/Tokyo", 2026, 11, 30, 10, 0)
    assert target.calendar("America/New_York").add(saturday_tokyo, 60) == at(
        "America/New_York", 2026, 11, 30, 10, 0)


def test_vioe_customer_time_calendar_needs_the_customers_zone() -> None:
    target = policy("vioe").targets_for("standard", "P2").first_response
    with pytest.raises(ValueError, match="customer"):
        target.calendar()


def test_vioe_extended_hours_run_6_to_21() -> None:
    cal = policy("vioe").targets_for("extended", "P3").first_response.calendar("Europe/Berlin")
    assert cal.is_open(at("Europe/Berlin", 2026, 11, 23, 6, 30))
    assert not cal.is_open(at("Europe/Berlin", 2026, 11, 23, 21, 30))


def test_vioe_p4_first_response_of_1_business_day_is_9_standard_hours() -> None:
    target = policy("vioe").targets_for("standard", "Low").first_response
    assert target.describe() == ("1 business day on the Standard calendar (Monday–Friday "
                                 "09:00–18:00 customer time, closed on each customer's public holidays; "
                                 "a business day is 9 hours)")


def test_vioe_customers_may_request_a_priority_change_with_justification() -> None:
    change = policy("vioe").priority_change
    assert change.customer_may_request and change.justification_required


def test_vioe_non_emergencies_are_high_priority() -> None:
    situations = policy("vioe").emergency.does_not_qualify
    assert [s.priority for s in situations] == ["P2"] * 4


def test_vioe_categories_are_those_of_section_7_2() -> None:
    assert {"access", "functionality", "performance", "integration", "data", "configuration",
            "security", "question"} <= set(policy("vioe").categories)


def test_vioe_pending_customer_pauses_clocks_and_resolved_tickets_can_be_reopened() -> None:
    p = policy("vioe")
    assert p.pause_statuses == {"pending_customer"}
    assert p.lifecycle.customer_may_reopen
    assert p.auto_close_after_days == 7


# -- channels, levels and roles -----------------------------------------------------------------

def test_mirrored_storage_channels_follow_the_document() -> None:
    channels = policy("mirrored-storage").channels
    assert channels["help_desk_phone"].hours == "business_hours"
    assert channels["portal"].hours == "24x7"
    assert (channels["premium_emergency_line"].plans, channels["premium_emergency_line"].hours) == (
        ["premium"], "24x7")
    assert (channels["emergency_line"].plans, channels["emergency_line"].priorities) == (
        ["standard"], ["P1"])
    assert channels["billing_email"].hours == channels["billing_phone"].hours == "billing_hours"
    assert policy("mirrored-storage").calendars["billing_hours"].week.fri == ["08:00-17:00"]


def test_mirrored_storage_roles_include_account_manager_vcio_and_executives() -> None:
    assert set(policy("mirrored-storage").roles) == {
        "account_manager", "virtual_cio", "director_client_services", "ceo"}


def test_ione_tech_has_three_tiers_and_email_phone_and_chat() -> None:
    p = policy("ione-tech")
    assert list(p.levels) == ["L1", "L2", "L3"]
    assert {c.kind for c in p.channels.values()} == {"email", "phone", "chat"}


def test_mycorp_takes_cases_by_email_and_portal_around_the_clock() -> None:
    channels = policy("mycorp").channels
    assert {(c.kind, c.hours) for c in channels.values()} == {("email", "24x7"), ("portal", "24x7")}
    assert policy("mycorp").plan("partner").coverage == "24x7"


def test_mycorp_support_sets_the_priority_not_the_customer() -> None:
    assert policy("mycorp").priority_change.customer_may_request is False


def test_zynstra_has_a_support_portal_and_counts_uk_working_days() -> None:
    p = policy("zynstra")
    assert p.channels["portal"].kind == "portal"
    cal = p.calendars["uk_working_days"]
    assert (cal.tz, cal.holiday_country, cal.holiday_subdivision) == ("Europe/London", "GB", "ENG")


def test_vioe_channels_follow_section_4() -> None:
    channels = policy("vioe").channels
    assert channels["portal"].hours == "24x7"
    assert channels["chat"].hours == "standard"
    hotline = channels["emergency_hotline"]
    assert (hotline.kind, hotline.hours, hotline.priorities) == ("emergency_line", "24x7", ["P1"])


def test_vioe_has_four_tiers_from_initial_support_to_executive_escalation() -> None:
    levels = policy("vioe").levels
    assert [lv.name for lv in levels.values()] == [
        "Tier 1 - Initial Support", "Tier 2 - Technical Support", "Tier 3 - Engineering Support",
        "Tier 4 - Executive Escalation"]


def test_vioe_roles_cover_escalation_contacts_and_the_emergency_team() -> None:
    assert {"support_manager", "customer_success_manager", "account_executive", "cto", "ciso",
            "vp_customer_success", "general_counsel", "incident_commander", "technical_lead",
            "communication_lead", "executive_sponsor"} == set(policy("vioe").roles)


def test_vioe_emergencies_are_the_five_situations_of_section_6_1() -> None:
    assert [s.situation for s in policy("vioe").emergency.qualifies] == [
        "Platform completely unavailable", "Data breach or security incident",
        "Critical functionality broken (no workaround)", "Data loss or corruption",
        "All users unable to access"]


def test_mirrored_storage_states_no_resolution_times() -> None:
    p = policy("mirrored-storage")
    for plan in p.plans:
        for prio in p.priority_keys:
            targets = p.targets_for(plan, prio)
            assert targets.resolution_target is None and targets.resolution_maximum is None
