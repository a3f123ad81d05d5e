"""Pages reach agents on their own paging channels (pager, SMS, voice call) per priority, through the
signed webhook gateway; without them — or in quiet hours below the policy's highest priority — by
email, saying why. MyCorp: "As soon as a case is marked Severity 1, the Operations Manager is paged"."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from escalade.notifications.models import OutboxMessage, Status
from escalade.notifications.recipients import resolve
from escalade.orgs.models import Agent
from escalade.policy.publish import apply_policy
from escalade.worker.loop import Worker
from tests import factories as f

MYCORP = Path(__file__).resolve().parents[2] / "examples" / "policies" / "mycorp.yaml"
NIGHT = dt.time(22, 0), dt.time(7, 0)


def paging_agent(name: str, email: str, **fields) -> Agent:
    agent = f.agent(name)
    agent.user.email = email
    agent.user.save(update_fields=["email"])
    for key, value in fields.items():
        setattr(agent, key, value)
    agent.save()
    return agent


@pytest.fixture
def mycorp(world):
    apply_policy(MYCORP.read_text(), filename="mycorp.yaml", actor="test")
    world.umbrella = f.organisation("Umbrella", partner=world.contoso, plan="partner", timezone="America/Chicago")
    world.ursula = f.contact(world.umbrella, "Ursula Umbrella", is_primary=True, is_technical=True)
    # The policy's Operations Manager (contact sam_ops, ops-manager@example.com) is an agent here,
    # asleep in California when the Severity 1 comes in (Monday 09:00 UTC = 01:00 Los Angeles).
    world.olga = paging_agent(
        "Olga", "ops-manager@example.com", pager="olga-7731", phone="+1 650 555 0110",
        paging_preferences={"SEV1": ["pager", "sms"], "*": ["email"]}, timezone="America/Los_Angeles",
        quiet_hours_start=NIGHT[0], quiet_hours_end=NIGHT[1])
    return world


def run_worker() -> None:
    Worker(stop=threading.Event()).run_until_idle()


def test_mycorp_severity_1_pages_the_operations_manager_on_pager_and_sms_through_quiet_hours(mycorp, receiver,
                                                                                             endpoint):
    w = mycorp
    ticket = f.ticket(w.umbrella, by=w.ursula, subject="Customer servers off-line", priority="SEV1")
    run_worker()
    got = sorted((json.loads(r.body)["channel"], json.loads(r.body)["to"]["address"]) for r in receiver.accepted())
    assert got == [("pager", "olga-7731"), ("sms", "+1 650 555 0110")]
    bodies = [json.loads(r.body) for r in receiver.accepted()]
    assert {b["kind"] for b in bodies} == {"page"}
    assert {b["ticket"]["number"] for b in bodies} == {ticket.number}
    assert {b["payload"]["rule"] for b in bodies} == {"severity_1_opened"}
    assert not any(m.to == ["Olga <ops-manager@example.com>"] for m in mail.outbox)  # paged, not emailed
    assert OutboxMessage.objects.filter(ticket=ticket, kind="page", status=Status.SENT).count() == 2


def test_mycorp_vp_who_is_no_agent_here_is_paged_by_email_with_the_reason_recorded(mycorp, receiver, endpoint):
    w = mycorp
    ticket = f.ticket(w.umbrella, by=w.ursula, subject="Customer servers off-line", priority="SEV1")
    run_worker()
    w.clock.advance(hours=2)  # nobody worked it: "the VP of Operations is automatically paged"
    run_worker()
    page = OutboxMessage.objects.get(ticket=ticket, kind="page", payload__role="vp_operations")
    assert (page.channel, page.recipient, page.status) == ("email", "vp-ops@example.com", Status.SENT)
    assert page.payload["fallback"] == "Alex Example is not an agent here, so has no paging details; paged by email"
    assert any("vp-ops@example.com" in m.to[0] for m in mail.outbox)


def test_a_page_to_an_agent_without_paging_preferences_goes_by_email_saying_why(world):
    ticket = world.acme_ticket
    ticket.assignee = world.vera
    [r] = resolve("assignee", ticket, world.clock.now(), page=True)
    assert (r.channel, r.address) == ("email", "vera@staff.example.com")
    assert r.note == f"Vera has no paging preferences for {ticket.priority}; paged by email"


def test_an_ordinary_notification_to_a_paging_agent_is_still_an_email(world):
    world.vera.pager, world.vera.paging_preferences = "vera-1", {"*": ["pager"]}
    ticket = world.acme_ticket
    ticket.assignee = world.vera
    assert [(r.channel, r.note) for r in resolve("assignee", ticket, world.clock.now())] == [("email", "")]


@pytest.mark.parametrize(("highest", "expected"), [(False, ["email"]), (True, ["pager", "phone"])])
def test_quiet_hours_hold_a_page_to_email_unless_the_ticket_has_the_highest_priority(world, highest, expected):
    leo = world.leo
    leo.pager, leo.phone, leo.timezone = "leo-42", "+44 7700 900123", "Europe/London"
    leo.paging_preferences = {"*": ["pager", "phone"]}
    leo.quiet_hours_start, leo.quiet_hours_end = NIGHT
    ticket = world.acme_ticket
    ticket.assignee = leo
    three_am = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)
    found = resolve("assignee", ticket, three_am, is_highest_priority=highest, page=True)
    assert [r.channel for r in found] == expected
    if not highest:
        assert found[0].note.startswith("quiet hours of Leo (22:00–07:00 Europe/London)")
    noon = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    assert [r.channel for r in resolve("assignee", ticket, noon, is_highest_priority=False, page=True)] == [
        "pager", "phone"]


def test_a_chosen_channel_without_an_address_falls_back_to_email(world):
    sam = world.sam
    sam.paging_preferences = {"*": ["pager"]}  # saved without the admin's check: no pager address
    ticket = world.acme_ticket
    ticket.assignee = sam
    [r] = resolve("assignee", ticket, world.clock.now(), page=True)
    assert (r.channel, r.address) == ("email", "sam@staff.example.com")
    assert r.note == "Sam has no pager address for pager; paged by email"


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"paging_preferences": {"P1": ["pigeon"]}}, "paging_preferences", "P1: unknown channel 'pigeon'"),
    ({"paging_preferences": ["pager"]}, "paging_preferences", "must be an object of priority"),
    ({"paging_preferences": {"P1": ["pager"]}}, "pager", "needed: paging_preferences pages P1 by pager"),
    ({"paging_preferences": {"*": ["sms"]}}, "phone", "needed: paging_preferences pages * by sms"),
    ({"phone": "07700 900123"}, "phone", "is not an international phone number"),
    ({"quiet_hours_start": dt.time(22, 0)}, "quiet_hours_end", "give both the start and the end"),
    ({"timezone": "Mars/Olympus"}, "timezone", "is not an IANA time zone"),
])
def test_paging_details_that_cannot_work_are_refused_naming_the_field(world, fields, field, message):
    agent = world.vera
    for key, value in fields.items():
        setattr(agent, key, value)
    with pytest.raises(ValidationError) as caught:
        agent.full_clean()
    assert field in caught.value.message_dict
    assert message in " ".join(caught.value.message_dict[field])


def test_the_admin_shows_a_paging_error_on_its_field_and_saves_good_details(client, world):
    client.force_login(world.admin)
    vera = world.vera
    url = f"/admin/orgs/agent/{vera.pk}/change/"
    form = {"user": vera.user.pk, "name": "Vera", "partner": "", "levels": [world.levels["L1"].pk],
            "teams": [], "phone": "", "pager": "", "paging_preferences": '{"P1": ["pager"]}', "timezone": "UTC",
            "quiet_hours_start": "", "quiet_hours_end": ""}
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["pager"] == ["needed: paging_preferences pages P1 by pager"]
    saved = client.post(url, {**form, "pager": "vera-1"})
    assert saved.status_code == 302
    vera.refresh_from_db()
    assert (vera.pager, vera.paging_channels_for("P1")) == ("vera-1", ["pager"])
