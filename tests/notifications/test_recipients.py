"""Who is notified for a role, on which channels, honouring preferences, quiet hours and rotations."""

import datetime as dt

import pytest

from escalade.errors import DomainError
from escalade.notifications.models import OnCallMember, OnCallRotation
from escalade.notifications.recipients import Recipient, resolve
from tests import factories as f

P1_SMS_PHONE_EMAIL = {"P1": ["sms", "phone", "email"], "*": ["sms", "email"]}


def fresh(ticket):
    """The ticket as stored, without contacts cached from before a test changed them."""
    ticket.refresh_from_db()
    return ticket


def addresses(recipients):
    return [(r.channel, r.address) for r in recipients]


def test_assignee_is_emailed(world):
    ticket = world.acme_ticket
    ticket.assignee = world.vera
    assert resolve("assignee", ticket, world.clock.now()) == [Recipient("Vera", "email", "vera@staff.example.com")]


def test_no_assignee_means_nobody(world):
    assert resolve("assignee", world.acme_ticket, world.clock.now()) == []


def test_level_manager_is_the_manager_of_the_tickets_level(world):
    level = world.levels["L2"]
    level.manager = world.max
    level.save()
    ticket = world.acme_ticket
    ticket.level = level
    assert addresses(resolve("level_manager", ticket, world.clock.now())) == [("email", "max@staff.example.com")]


def test_team_manager_is_the_manager_of_the_tickets_team(world):
    world.security.manager = world.sam
    world.security.save()
    ticket = world.acme_ticket
    ticket.team = world.security
    assert addresses(resolve("team_manager", ticket, world.clock.now())) == [("email", "sam@staff.example.com")]


def test_an_agent_without_an_email_address_or_inactive_is_skipped(world):
    ticket = world.acme_ticket
    ticket.assignee = world.vera
    world.vera.user.is_active = False
    world.vera.user.save()
    assert resolve("assignee", ticket, world.clock.now()) == []


def test_customer_roles_pick_the_designated_contacts_of_the_tickets_organisation(world):
    f.contact(world.acme, "Erin Exec", is_executive=True)
    f.contact(world.acme, "Bill Billing", is_billing=True)
    f.contact(world.initech, "Other Exec", is_executive=True)  # the other side: never notified for Acme
    ticket, now = world.acme_ticket, world.clock.now()
    assert [r.name for r in resolve("customer_primary", ticket, now)] == ["Alice Acme"]
    assert [r.name for r in resolve("customer_technical", ticket, now)] == ["Alice Acme"]
    assert [r.name for r in resolve("customer_executive", ticket, now)] == ["Erin Exec"]
    assert [r.name for r in resolve("customer_billing", ticket, now)] == ["Bill Billing"]


def test_requester_is_the_contact_who_opened_the_ticket(world):
    assert resolve("requester", world.acme_ticket, world.clock.now()) == [
        Recipient("Alice Acme", "email", "alice.acme@acme.example.com")
    ]


def test_partner_agents_are_the_partners_agents_at_the_tickets_level_or_all_without_a_level(world):
    nina = f.agent("Nina", partner=world.northwind, levels=[world.levels["L3"]])  # Northwind, another level
    nina.user.email = "nina@northwind.example.com"
    nina.user.save()
    ticket = world.acme_ticket
    ticket.level = world.levels["L1"]
    assert [r.name for r in resolve("partner_agents", ticket, world.clock.now())] == ["Pat"]  # not Oscar (Contoso)
    ticket.level = None
    assert [r.name for r in resolve("partner_agents", ticket, world.clock.now())] == ["Nina", "Pat"]


def test_a_customer_without_a_partner_has_no_partner_agents(world):
    assert resolve("partner_agents", world.globex_ticket, world.clock.now()) == []


def test_an_unknown_role_is_refused_naming_the_roles(world):
    with pytest.raises(DomainError) as err:
        resolve("ceo", world.acme_ticket, world.clock.now())
    assert "ceo" in err.value.message and "on_call:<team key>" in err.value.message


def test_contact_preferences_depend_on_the_priority(world):
    alice = world.alice
    alice.phone = "+447700900001"
    alice.channel_preferences = P1_SMS_PHONE_EMAIL
    alice.save()
    ticket, now = fresh(world.acme_ticket), world.clock.now()
    ticket.priority = "P1"
    assert addresses(resolve("requester", ticket, now)) == [
        ("sms", "+447700900001"), ("phone", "+447700900001"), ("email", "alice.acme@acme.example.com"),
    ]
    ticket.priority = "P3"
    assert addresses(resolve("requester", ticket, now)) == [
        ("sms", "+447700900001"), ("email", "alice.acme@acme.example.com"),
    ]


def test_a_contact_without_a_phone_number_gets_only_email_and_portal_needs_no_message(world):
    alice = world.alice
    alice.channel_preferences = {"*": ["portal", "sms", "email"]}
    alice.save()
    assert addresses(resolve("requester", fresh(world.acme_ticket), world.clock.now())) == [
        ("email", "alice.acme@acme.example.com")
    ]


@pytest.fixture
def night_owl_gina(world):
    """Gina (Globex, New York) wants SMS too, but not between 22:00 and 07:00 her time."""
    gina = world.gina
    gina.phone = "+12125550100"
    gina.channel_preferences = P1_SMS_PHONE_EMAIL
    gina.quiet_hours_start = dt.time(22, 0)
    gina.quiet_hours_end = dt.time(7, 0)
    gina.save()
    return gina


NEW_YORK = dt.timezone(dt.timedelta(hours=-5))  # EST in November


@pytest.mark.parametrize(
    ("local", "quiet"),
    [
        (dt.datetime(2026, 11, 23, 21, 59), False),
        (dt.datetime(2026, 11, 23, 22, 0), True),
        (dt.datetime(2026, 11, 23, 23, 30), True),
        (dt.datetime(2026, 11, 24, 3, 0), True),  # after midnight, still quiet
        (dt.datetime(2026, 11, 24, 6, 59), True),
        (dt.datetime(2026, 11, 24, 7, 0), False),
    ],
)
def test_quiet_hours_crossing_midnight_in_the_organisations_zone_leave_only_email(world, night_owl_gina, local,
                                                                                  quiet):
    ticket = fresh(world.globex_ticket)
    ticket.priority = "P2"
    at = local.replace(tzinfo=NEW_YORK).astimezone(dt.UTC)
    channels = [r.channel for r in resolve("requester", ticket, at)]
    assert channels == (["email"] if quiet else ["sms", "email"])


def test_the_highest_priority_reaches_a_contact_on_every_channel_during_quiet_hours(world, night_owl_gina):
    ticket = fresh(world.globex_ticket)
    ticket.priority = "P1"
    three_am = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)  # 03:00 in New York
    assert [r.channel for r in resolve("requester", ticket, three_am)] == ["sms", "phone", "email"]


def test_the_caller_decides_what_the_highest_priority_is(world, night_owl_gina):
    ticket = fresh(world.globex_ticket)
    ticket.priority = "critical"
    three_am = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
    assert [r.channel for r in resolve("requester", ticket, three_am)] == ["email"]
    assert [r.channel for r in resolve("requester", ticket, three_am, is_highest_priority=True)] == ["sms", "email"]


def test_quiet_hours_replace_sms_with_email_for_a_contact_who_chose_no_email(world, night_owl_gina):
    night_owl_gina.channel_preferences = {"*": ["sms"]}
    night_owl_gina.save()
    three_am = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
    assert addresses(resolve("requester", fresh(world.globex_ticket), three_am)) == [("email", night_owl_gina.email)]


@pytest.fixture
def security_rotation(world):
    """Sam, Vera, Leo take 8-hour turns from the world's start."""
    rotation = OnCallRotation.objects.create(team=world.security, start=world.clock.now(), shift_hours=8)
    for position, agent in enumerate([world.sam, world.vera, world.leo]):
        OnCallMember.objects.create(rotation=rotation, agent=agent, position=position)
    return rotation


@pytest.mark.parametrize(
    ("hours_after_start", "on_call"),
    [(0, "Sam"), (7.999, "Sam"), (8, "Vera"), (15.999, "Vera"), (16, "Leo"), (24, "Sam"), (24 * 7 + 9, "Vera")],
)
def test_on_call_follows_the_rotation_at_shift_boundaries(world, security_rotation, hours_after_start, on_call):
    at = world.clock.now() + dt.timedelta(hours=hours_after_start)
    assert [r.name for r in resolve("on_call:security", world.acme_ticket, at)] == [on_call]


def test_nobody_is_on_call_before_the_rotation_starts(world, security_rotation):
    before = world.clock.now() - dt.timedelta(minutes=1)
    assert resolve("on_call:security", world.acme_ticket, before) == []


def test_a_newer_rotation_takes_over_from_its_start(world, security_rotation):
    takeover = world.clock.now() + dt.timedelta(days=2)
    newer = OnCallRotation.objects.create(team=world.security, start=takeover, shift_hours=24)
    OnCallMember.objects.create(rotation=newer, agent=world.max, position=0)
    assert [r.name for r in resolve("on_call:security", world.acme_ticket, takeover - dt.timedelta(hours=1))] == [
        "Leo"
    ]
    assert [r.name for r in resolve("on_call:security", world.acme_ticket, takeover)] == ["Max"]


def test_on_call_for_an_unknown_team_is_refused(world):
    with pytest.raises(DomainError) as err:
        resolve("on_call:nope", world.acme_ticket, world.clock.now())
    assert "nope" in err.value.message
