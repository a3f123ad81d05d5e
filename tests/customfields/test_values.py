"""Custom field values on tickets: typed and checked per type by one function, required per
category, who may see and change what, and each change under the ticket's lock with an audit event."""

from __future__ import annotations

import pytest

from escalade.audit.models import Event
from escalade.errors import DomainError, NotFound
from escalade.orgs.access import Viewer
from escalade.tickets import custom_fields, services
from escalade.tickets.models import TicketFieldValue


def open_(world, who=None, **kwargs):
    who = who or world.alice.user
    kwargs.setdefault("description", "The server does not boot.")
    return services.open_ticket(Viewer.of(who), organisation=world.acme, subject="Server down", intake=True,
                                **kwargs)


@pytest.mark.parametrize(("key", "raw", "typed"), [
    ("contract", "42", 42),
    ("contract", " 3.50 ", 3.5),
    ("contract", 7, 7),
    ("renewal", "2027-01-31", "2027-01-31"),
    ("component", "software", "Software"),
    ("authority_validated", "yes", True),
    ("authority_validated", False, False),
    ("runbook", "https://runbooks.example.com/cms", "https://runbooks.example.com/cms"),
    ("owner_email", "ops@example.com", "ops@example.com"),
    ("server", "  cms-0042 ", "cms-0042"),
    ("server", "", None),
])
def test_each_type_reads_its_values(world, zynstra, key, raw, typed):
    policy = custom_fields.policy_of(zynstra)
    assert custom_fields.clean_value(policy.custom_fields[key], raw) == typed


@pytest.mark.parametrize(("key", "raw", "says"), [
    ("contract", "forty-two", "enter a number"),
    ("contract", "nan", "below 10^15"),
    ("contract", True, "enter a number"),
    ("renewal", "31/01/2027", "YYYY-MM-DD"),
    ("renewal", "2027-02-30", "YYYY-MM-DD"),
    ("component", "Firmware", "choose one of Hardware, Software, Network"),
    ("authority_validated", "maybe", "answer yes or no"),
    ("runbook", "javascript:alert(1)", "web address"),
    ("owner_email", "not an address", "email address"),
    ("server", "x" * 501, "at most 500 characters"),
    ("server", 12, "expected text"),
])
def test_a_value_not_of_the_fields_type_is_refused_naming_the_field(world, zynstra, key, raw, says):
    policy = custom_fields.policy_of(zynstra)
    with pytest.raises(DomainError) as info:
        custom_fields.clean_value(policy.custom_fields[key], raw)
    assert info.value.field == f"custom_fields.{key}"
    assert says in info.value.message


def test_a_fault_without_its_server_is_refused_naming_the_field(world, zynstra):
    with pytest.raises(DomainError) as info:
        open_(world, category="fault")
    assert info.value.field == "custom_fields.server"
    assert not world.acme.tickets.filter(subject="Server down").exists()


def test_a_ticket_outside_the_categories_needs_no_server(world, zynstra):
    ticket = open_(world)
    assert custom_fields.values_of(ticket) == {}


def test_values_are_stored_typed_and_recorded_on_the_opened_event(world, zynstra):
    ticket = open_(world, category="fault", custom_fields={"server": "cms-0042", "contract": "17"})
    assert custom_fields.values_of(ticket) == {"server": "cms-0042", "contract": 17}
    opened = Event.objects.get(ticket_id=ticket.pk, action="ticket.opened")
    assert opened.after["custom_fields"] == {"server": "cms-0042", "contract": 17}


def test_a_customer_cannot_fill_in_an_agents_field(world, zynstra):
    with pytest.raises(DomainError) as info:
        open_(world, category="fault", custom_fields={"server": "cms-1", "authority_validated": True})
    assert info.value.field == "custom_fields.authority_validated"


def test_an_agent_must_record_the_authority_check_on_an_administration_request(world, zynstra):
    with pytest.raises(DomainError) as info:
        open_(world, who=world.max.user, category="admin_request", custom_fields={"server": "cms-1"})
    assert info.value.field == "custom_fields.authority_validated"
    ticket = open_(world, who=world.max.user, category="admin_request",
                   custom_fields={"server": "cms-1", "authority_validated": "no"})
    assert custom_fields.values_of(ticket)["authority_validated"] is False


def test_a_customer_never_sees_the_agents_only_field(world, zynstra):
    ticket = open_(world, who=world.max.user, category="admin_request",
                   custom_fields={"server": "cms-1", "authority_validated": True})
    assert custom_fields.values_of(ticket, customer=True) == {"server": "cms-1"}
    assert "authority_validated" in custom_fields.values_of(ticket)


def test_an_unknown_field_is_refused(world, zynstra):
    with pytest.raises(DomainError) as info:
        open_(world, custom_fields={"colour": "red"})
    assert info.value.field == "custom_fields.colour"


def test_changing_a_value_raises_the_version_and_is_audited(world, zynstra):
    ticket = open_(world, category="fault", custom_fields={"server": "cms-1"})
    version = ticket.version
    ticket = custom_fields.set_custom_fields(Viewer.of(world.pat.user), ticket,
                                             {"server": "cms-2", "component": "network"},
                                             expected_version=version)
    assert ticket.version == version + 1
    assert custom_fields.values_of(ticket) == {"server": "cms-2", "component": "Network"}
    event = Event.objects.get(ticket_id=ticket.pk, action="ticket.fields_changed")
    assert event.before == {"server": "cms-1", "component": None}
    assert event.after == {"server": "cms-2", "component": "Network"}


def test_the_same_values_again_change_nothing(world, zynstra):
    ticket = open_(world, category="fault", custom_fields={"server": "cms-1"})
    again = custom_fields.set_custom_fields(Viewer.of(world.max.user), ticket, {"server": "cms-1"})
    assert again.version == ticket.version
    assert not Event.objects.filter(ticket_id=ticket.pk, action="ticket.fields_changed").exists()


def test_a_required_value_cannot_be_emptied_but_another_can(world, zynstra):
    ticket = open_(world, category="fault", custom_fields={"server": "cms-1", "contract": 5})
    with pytest.raises(DomainError) as info:
        custom_fields.set_custom_fields(Viewer.of(world.max.user), ticket, {"server": ""})
    assert info.value.field == "custom_fields.server"
    custom_fields.set_custom_fields(Viewer.of(world.max.user), ticket, {"contract": None})
    assert not TicketFieldValue.objects.filter(ticket=ticket, key="contract").exists()


def test_a_stale_version_is_refused(world, zynstra):
    ticket = open_(world, category="fault", custom_fields={"server": "cms-1"})
    with pytest.raises(DomainError) as info:
        custom_fields.set_custom_fields(Viewer.of(world.max.user), ticket, {"server": "x"},
                                        expected_version=ticket.version - 1)
    assert info.value.code == "ticket_changed"


def test_an_outsider_cannot_change_another_customers_ticket(world, zynstra):
    ticket = open_(world, category="fault", custom_fields={"server": "cms-1"})
    for outsider in (world.ivan.user, world.oscar.user):
        with pytest.raises(NotFound):
            custom_fields.set_custom_fields(Viewer.of(outsider), ticket, {"server": "stolen"})
    assert custom_fields.values_of(ticket)["server"] == "cms-1"


def test_the_agents_timeline_reads_the_change(world, zynstra):
    from escalade.tickets.selectors import timeline
    ticket = open_(world, category="fault", custom_fields={"server": "cms-1"})
    custom_fields.set_custom_fields(Viewer.of(world.max.user), ticket, {"server": "cms-2", "authority_validated": "no"})
    texts = [e.text for e in timeline(Viewer.of(world.max.user), ticket) if e.kind == "event"]
    assert "authority_validated: — → No; server: cms-1 → cms-2" in texts
    assert not [e for e in timeline(Viewer.of(world.alice.user), ticket) if "authority" in e.text]
