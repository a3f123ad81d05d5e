"""Macros: placeholders filled safely, personal and shared visibility, and applying one as a
single all-or-nothing change under the ticket's lock."""

from __future__ import annotations

import pytest

from escalade.audit.models import Event
from escalade.errors import DomainError, NotFound, PermissionDenied
from escalade.macros import services
from escalade.macros.models import Macro
from escalade.orgs.access import Viewer
from escalade.tickets import tags
from escalade.tickets.locking import TicketChanged
from escalade.tickets.models import Message, Status


def v(who):
    return Viewer.of(getattr(who, "user", who))


def personal(world, **values):
    values.setdefault("name", "Thanks")
    values.setdefault("body", "Hello {{ customer.name }}, {{ ticket.number }} is with {{agent.name}}.")
    return services.save_macro(v(world.vera), **values)


def test_placeholders_are_filled_for_the_ticket_and_the_agent_applying_it(world):
    macro = personal(world, body="Hi {{ customer.name }} at {{ organisation.name }}: {{ ticket.number }} "
                                 "({{ ticket.subject }}) — {{ agent.name }}")

    preview = services.preview(v(world.vera), world.acme_ticket, macro)

    assert preview.text == (f"Hi Alice Acme at Acme: {world.acme_ticket.number} (Acme VPN down) — Vera")


def test_an_unknown_placeholder_or_template_syntax_is_refused_when_saving(world):
    for body in ("{{ ticket.organisation.partner }}", "{{ settings.SECRET_KEY }}", "{{ ticket.number|upper }}"):
        with pytest.raises(DomainError) as exc:
            personal(world, body=body)
        assert exc.value.field == "body"


def test_template_tags_in_a_macro_are_posted_as_written_not_run(world):
    macro = personal(world, body="{% load static %}{{ ticket.number }} {% now 'Y' %}")

    text = services.preview(v(world.vera), world.acme_ticket, macro).text

    assert text == f"{{% load static %}}{world.acme_ticket.number} {{% now 'Y' %}}"


def test_applying_posts_the_reply_and_sets_status_priority_and_tags_in_one_audited_change(world):
    macro = personal(world, set_status=Status.PENDING_CUSTOMER, set_priority="P2", add_tags="Waiting, VPN")

    ticket = services.apply_macro(v(world.vera), world.acme_ticket, macro)

    reply = Message.objects.get(ticket=ticket)
    assert reply.body == f"Hello Alice Acme, {ticket.number} is with Vera." and not reply.is_internal
    assert (ticket.status, ticket.priority, tags.tag_names(ticket)) == ("pending_customer", "P2", ["vpn", "waiting"])
    applied = Event.objects.get(ticket_id=ticket.pk, action="ticket.macro_applied")
    assert applied.after["macro"] == "Thanks" and applied.after["status"] == "pending_customer"
    assert applied.after["tags"] == ["waiting", "vpn"]


def test_an_internal_macro_posts_a_note_the_customer_does_not_see(world):
    macro = personal(world, body="Checked the logs for {{ ticket.number }}", internal=True)

    services.apply_macro(v(world.vera), world.acme_ticket, macro)

    assert Message.objects.get(ticket=world.acme_ticket).is_internal


def test_a_macro_whose_status_the_ticket_cannot_reach_changes_nothing_at_all(world):
    macro = personal(world, set_status=Status.CLOSED, add_tags="done")

    with pytest.raises(DomainError):
        services.apply_macro(v(world.vera), world.acme_ticket, macro)

    world.acme_ticket.refresh_from_db()
    assert not Message.objects.filter(ticket=world.acme_ticket).exists()
    assert tags.tag_names(world.acme_ticket) == []
    assert world.acme_ticket.version == 1
    assert not Event.objects.filter(ticket_id=world.acme_ticket.pk, action="ticket.macro_applied").exists()


def test_applying_from_an_older_read_of_the_ticket_is_refused(world):
    macro = personal(world)
    tags.add_tags(v(world.vera), world.acme_ticket, ["vpn"])

    with pytest.raises(TicketChanged):
        services.apply_macro(v(world.vera), world.acme_ticket, macro, expected_version=1)


def test_a_personal_macro_is_its_owners_alone(world):
    macro = personal(world)

    assert list(services.visible_macros(v(world.vera))) == [macro]
    assert list(services.visible_macros(v(world.leo))) == []
    with pytest.raises(NotFound):
        services.apply_macro(v(world.max), world.acme_ticket, macro)
    with pytest.raises(PermissionDenied):
        services.save_macro(v(world.max), macro, name="Mine now", body="x")


def test_shared_macros_are_for_every_agent_or_one_teams_agents(world):
    everyone = services.save_macro(v(world.max), name="Hello", body="Hello", shared=True)
    security = services.save_macro(v(world.max), name="Security", body="Sec", team=world.security)

    assert set(services.visible_macros(v(world.sam))) == {everyone, security}  # Sam is in the security team
    assert set(services.visible_macros(v(world.pat))) == {everyone}
    assert list(services.visible_macros(v(world.alice))) == []


def test_only_managers_and_admins_write_shared_macros(world):
    with pytest.raises(PermissionDenied):
        services.save_macro(v(world.vera), name="Hello all", body="Hi", shared=True)
    shared = services.save_macro(v(world.admin), name="Hello all", body="Hi", shared=True)
    with pytest.raises(PermissionDenied):
        services.delete_macro(v(world.vera), shared)

    services.delete_macro(v(world.max), shared)

    assert not Macro.objects.exists()
    assert Event.objects.filter(action="macro.deleted").count() == 1


def test_a_customer_cannot_write_or_apply_macros(world):
    macro = services.save_macro(v(world.max), name="Hello", body="Hello", shared=True)
    with pytest.raises(PermissionDenied):
        services.save_macro(v(world.alice), name="x", body="y")
    with pytest.raises(PermissionDenied):
        services.apply_macro(v(world.alice), world.acme_ticket, macro)
    assert not Message.objects.exists()


def test_an_agent_of_another_partner_cannot_apply_a_macro_to_a_ticket_they_cannot_see(world):
    macro = services.save_macro(v(world.max), name="Hello", body="Hello", shared=True)

    with pytest.raises(NotFound):
        services.apply_macro(v(world.oscar), world.acme_ticket, macro)
    assert not Message.objects.exists()


def test_a_resolving_macro_needs_a_resolution_type(world):
    with pytest.raises(DomainError) as exc:
        personal(world, set_status=Status.RESOLVED)
    assert exc.value.field == "resolution_type"


def test_the_preview_says_the_macros_actions_in_the_readers_language(world):
    from django.utils import translation

    macro = personal(world, set_status=Status.PENDING_CUSTOMER, set_priority="P2", add_tags="VPN")
    assert services.describe_actions(macro) == ["Status → Pending Customer", "Priority → P2", "Add tags: vpn"]
    with translation.override("de"):
        assert services.describe_actions(macro) == [
            "Status → Wartet auf Kunde", "Priorität → P2", "Schlagwörter hinzufügen: vpn"]
