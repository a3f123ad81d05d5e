"""Every problem in a scenario is an error located at file:line:col that names the event and field;
nothing is silently ignored, and `escalade simulate` exits non-zero."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from escalade.policy import load_policy
from escalade.simulate.scenario import ScenarioInvalid, parse

ROOT = Path(__file__).resolve().parents[2]
MIRRORED = ROOT / "examples/policies/mirrored-storage.yaml"


def errors(text: str, policy: str | None = None) -> list[str]:
    with pytest.raises(ScenarioInvalid) as caught:
        scenario = parse(text, "s.yaml")
        if policy:
            scenario.check_against(load_policy(ROOT / "examples/policies" / f"{policy}.yaml"))
    return [str(e) for e in caught.value.errors]


def test_an_unknown_key_in_an_event_is_an_error_at_its_line_and_column():
    text = ("organisations: [{name: Acme, plan: basic}]\n"
            "events:\n"
            "  - at: +0m\n"
            "    open: {org: Acme, subject: Down, severity: P1}\n")
    assert errors(text) == ["s.yaml:4:38: events[0].open.severity: unknown field 'severity'. Allowed here: ref, "
                            "org, subject, description, priority, category, kind, channel, level, requester, by, "
                            "matrix, steps_to_reproduce, expected_behaviour, actual_behaviour, error_messages, "
                            "affected_users, business_impact"]


def test_a_misspelt_top_level_key_suggests_the_intended_one():
    assert errors("organisation: []\n") == [
        "s.yaml:1:1: organisation: unknown field 'organisation'; did you mean 'organisations'? Allowed here: start, "
        "until, organisations, agents, on_call, events"]


def test_a_value_outside_a_fixed_list_is_an_error_naming_the_allowed_values():
    text = ("organisations: [{name: Acme, plan: basic}]\n"
            "events:\n"
            "  - {at: +0m, open: {ref: t, org: Acme}}\n"
            "  - {at: +1h, status: {ticket: t, to: solved}}\n")
    [message] = errors(text)
    assert message.startswith("s.yaml:4:39: events[1].status.to: expected one of open, in_progress, "
                              "pending_customer, resolved, closed, got text 'solved'")


def test_an_unknown_plan_is_an_error_not_a_warning():
    text = "organisations: [{name: Acme, plan: gold}]\n"
    assert errors(text, "mirrored-storage") == [
        "s.yaml:1:36: organisations[0].plan: the policy has no plan 'gold'; plans: basic, standard, premium"]


def test_a_channel_key_where_a_channel_kind_is_expected_names_the_event_and_the_kind_to_give():
    text = ("organisations: [{name: Acme, plan: premium}]\n"
            "events:\n"
            "  - {at: +0m, open: {org: Acme, priority: P1, channel: premium_emergency_line}}\n")
    [message] = errors(text, "mirrored-storage")
    assert message.startswith("s.yaml:3:56: events[0].open.channel: 'premium_emergency_line' is not a channel "
                              "kind; 'premium_emergency_line' is a channel of the policy: here give its kind, "
                              "'emergency_line'")


def test_names_the_policy_does_not_define_are_each_reported():
    text = ("organisations: [{name: Acme, plan: basic}]\n"
            "agents: [{name: Kim, levels: [L9], teams: [help_desk]}]\n"
            "on_call: [{team: night_shift, members: [Kim]}]\n"
            "events:\n"
            "  - {at: +0m, open: {ref: t, org: Acme, priority: P7, category: hardware, level: L2}}\n"
            "  - {at: +1h, assign_level: {ticket: t, to: L5}}\n")
    found = errors(text, "mirrored-storage")
    assert [m.split(": ", 2)[1] for m in found] == [
        "agents[0].levels[0]", "on_call[0].team", "events[0].open.priority", "events[0].open.category",
        "events[1].assign_level.to"]


def test_people_named_by_events_must_exist_on_the_right_side():
    text = ("organisations: [{name: Acme, plan: basic, contacts: [{name: Ann}]}]\n"
            "agents: [{name: Kim}]\n"
            "events:\n"
            "  - {at: +0m, open: {ref: t, org: Acme, requester: Bob}}\n"
            "  - {at: +1h, agent_reply: {ticket: t, by: Ann}}\n"
            "  - {at: +2h, customer_reply: {ticket: t, by: Kim}}\n"
            "  - {at: +3h, note: {ticket: x}}\n")
    found = errors(text)
    assert [m.split(": ", 2)[1:] for m in found] == [
        ["events[0].open.requester", "Acme has no contact 'Bob'; contacts: Ann"],
        ["events[1].agent_reply.by", "no agent 'Ann'; agents: Kim"],
        ["events[2].customer_reply.by", "Acme has no contact 'Kim'; contacts: Ann"],
        ["events[3].note.ticket", "no ticket 'x' is opened before this event"]]


def test_resolving_without_a_resolution_type_is_refused_before_running():
    text = ("organisations: [{name: Acme, plan: basic}]\n"
            "events:\n  - {at: +0m, open: {ref: t, org: Acme}}\n  - {at: +1h, status: {ticket: t, to: resolved}}\n")
    [message] = errors(text, "mirrored-storage")
    assert message.startswith("s.yaml:4:39: events[1].status.to: resolving needs a resolution_type: fixed")


@pytest.mark.django_db
def test_an_error_met_while_running_is_located_at_its_event():
    from escalade.simulate import run as simulation

    text = ("organisations: [{name: Acme, plan: basic, contacts: [{name: Ann, can_open_tickets: false}]}]\n"
            "events:\n  - {at: +0m, open: {ref: t, org: Acme}}\n")
    with pytest.raises(ScenarioInvalid) as caught:
        simulation.run(MIRRORED.read_text(), "mirrored-storage.yaml", parse(text, "s.yaml"))
    assert str(caught.value.errors[0]).startswith("s.yaml:3:21: events[0].open: Ann is not authorised to open tickets")


@pytest.mark.same_on_every_database
def test_simulate_command_prints_each_error_located_and_exits_1(tmp_path):
    scenario = tmp_path / "broken.yaml"
    scenario.write_text("organisations: [{name: Acme, plan: gold}]\nevents:\n  - {at: +0m, opne: {org: Acme}}\n")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ESCALADE_DATA_DIR"] = str(tmp_path / "data")
    out = subprocess.run([sys.executable, "-m", "escalade", "simulate", str(MIRRORED), str(scenario)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 1
    assert out.stdout == ""
    assert out.stderr.splitlines() == [
        f"{scenario}:3:15: events[0]: give exactly one of open, agent_reply, customer_reply, note, status, "
        "priority, assign_level, update, escalation_request, management_answer, complete_task, outage, recovery, "
        "maintenance; unknown field 'opne'; did you mean 'open'?"]
