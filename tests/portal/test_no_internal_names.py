"""No internal names anywhere a person reads: every example scenario is replayed under its policy, then
every page of its customers, agents and managers (tickets, ticket pages, the console, the manager's
page, who to contact, system health, the status page), in English and in German, and every email in the
outbox is read for policy keys, audit action names and status keys."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client

from escalade.clock import FakeClock, use_clock
from escalade.notifications.models import OutboxMessage
from escalade.notifications.outbox import rendered
from escalade.orgs.models import Agent, Contact, Level
from escalade.policy import load_policy_text
from escalade.simulate import run as simulation
from escalade.simulate.scenario import parse
from escalade.tickets.models import Ticket
from tests.portal.internal_names import internal_names, policy_keys, visible_text

ROOT = Path(__file__).resolve().parents[2]
# One scenario per example policy, each with the pages it exercises most: escalations and follow-ups
# (VIOE), escalation requests on the manager's page (Mirrored Storage), the management chain
# (Zynstra), the partner's customers (MyCorp), security routing (iOne Tech). Every scenario:
# ESCALADE_ALL_SCENARIOS=1.
EVERY_SCENARIO = sorted(p.stem for p in (ROOT / "examples" / "scenarios").glob("*.yaml"))
SCENARIOS = EVERY_SCENARIO if os.environ.get("ESCALADE_ALL_SCENARIOS") else [
    "ione-tech-security", "mirrored-storage-escalation-requests", "mycorp-sev1-unworked",
    "vioe-p1-resolved-follow-ups", "vioe-escalation-requests-and-trends", "zynstra-management-chain"]
POLICIES = {"ione": "ione-tech", "mirrored": "mirrored-storage", "mycorp": "mycorp", "vioe": "vioe",
            "zynstra": "zynstra"}


def _policy_of(scenario: str) -> str:
    return POLICIES[scenario.split("-")[0]]


def _pages(client: Client, urls: list[str]) -> dict[str, str]:
    out = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        out[url] = visible_text(response.content.decode())
    return out


def test_the_checker_finds_the_lines_the_issue_quotes():
    keys = {"post_emergency_activities", "status_update_to_customer", "follow_ups", "sla.clocks_started",
            "in_progress", "level_manager", "escalation_request", "emergency_hotline"}
    html = ("<li><strong>system: escalation rule post_emergency_activities</strong> status_update_to_customer, "
            "follow_ups</li><p>sla.clocks_started</p><p>Status: open → in_progress</p>"
            "<small>review for level_manager · escalation_request</small><b>emergency_hotline</b>")
    found = internal_names(visible_text(html), keys)
    assert [f.split(" in ")[0] for f in found] == [repr(k) for k in (
        "post_emergency_activities", "status_update_to_customer", "follow_ups", "sla.clocks_started",
        "in_progress", "level_manager", "escalation_request", "emergency_hotline")]


def test_the_checker_ignores_attribute_values_scripts_and_addresses():
    keys = {"in_progress", "response_breach", "emergency_hotline"}
    html = ('<span class="status status-in_progress" title="response_breach">In progress</span>'
            '<a href="/x?status=in_progress">list</a><script>var a = "emergency_hotline";</script>'
            "<p>mail emergency_hotline@example.com</p>")
    assert internal_names(visible_text(html), keys) == []


@pytest.mark.django_db
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_no_page_or_email_of_the_scenario_shows_an_internal_name(scenario, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    policy_text = (ROOT / "examples" / "policies" / f"{_policy_of(scenario)}.yaml").read_text()
    parsed = parse((ROOT / "examples" / "scenarios" / f"{scenario}.yaml").read_text())
    simulation.run(policy_text, f"{_policy_of(scenario)}.yaml", parsed)
    keys = policy_keys(load_policy_text(policy_text, "policy.yaml"))
    tickets = list(Ticket.objects.select_related("organisation"))
    found: list[str] = []
    with use_clock(FakeClock(parsed.until)):
        for language in ("en-gb", "de"):
            found += _read_every_page(Client(HTTP_ACCEPT_LANGUAGE=language), tickets, keys, language)
    for message in OutboxMessage.objects.all():
        message = rendered(message)  # an acknowledgement's body is written when it is first sent
        for part in (message.subject, message.body):
            found += [f"email {message.kind} to {message.recipient}: {hit}" for hit in internal_names(part, keys)]
    assert found == [], "\n".join(dict.fromkeys(found))


def _read_every_page(client: Client, tickets: list[Ticket], keys: set[str], language: str) -> list[str]:
    found = [f"/status/ (public, {language}): {hit}"
             for text in _pages(client, ["/status/"]).values() for hit in internal_names(text, keys)]
    for contact in Contact.objects.exclude(user=None).select_related("organisation", "user"):
        client.force_login(contact.user)
        urls = ["/", "/contact/", "/health/"] + [
            f"/tickets/{t.number}/" for t in tickets if t.organisation_id == contact.organisation_id]
        for url, text in _pages(client, urls).items():
            found += [f"{url} ({contact.name}, {language}): {hit}" for hit in internal_names(text, keys)]
    for agent in Agent.objects.select_related("user"):
        client.force_login(agent.user)
        urls = ["/", "/console/?queue=mine", "/console/?queue=at-risk", "/contact/", "/health/"]
        urls += [f"/console/?queue=level&level={key}" for key in Level.objects.values_list("key", flat=True)]
        if agent.is_manager:
            urls += ["/console/manager/"] + [f"/tickets/{t.number}/" for t in tickets]
        for url, text in _pages(client, urls).items():
            found += [f"{url} ({agent.name}, {language}): {hit}" for hit in internal_names(text, keys)]
    return found
