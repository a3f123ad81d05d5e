import datetime as dt

import pytest

from escalade.audit.models import Event
from escalade.errors import DomainError, PermissionDenied
from escalade.orgs.access import Viewer
from escalade.tickets import services
from escalade.tickets.lifecycle import InvalidTransition
from escalade.tickets.models import Status, Ticket


def as_(who):
    return Viewer.of(who.user if hasattr(who, "user") else who)


def test_new_ticket_is_open_at_the_first_level_with_a_human_number(world):
    t = world.acme_ticket
    assert t.status == Status.OPEN
    assert t.level.key == "L1"
    assert t.number == f"ESC-{t.pk:06d}"
    assert t.created_at == world.clock.now()


def test_full_vioe_lifecycle_open_progress_pending_resolved_closed(world):
    t, vera = world.acme_ticket, as_(world.vera)
    services.change_status(vera, t, Status.IN_PROGRESS)
    services.change_status(vera, t, Status.PENDING_CUSTOMER)
    services.change_status(vera, t, Status.IN_PROGRESS)
    services.change_status(vera, t, Status.RESOLVED, resolution_type="workaround")
    services.change_status(as_(world.alice), t, Status.CLOSED)
    t.refresh_from_db()
    assert t.status == Status.CLOSED
    assert t.resolution_type == "workaround"
    assert t.closed_at == world.clock.now()


def test_invalid_transition_names_current_state_and_allowed_ones(world):
    t = world.acme_ticket
    services.change_status(as_(world.vera), t, Status.RESOLVED, resolution_type="fixed")
    with pytest.raises(InvalidTransition) as err:
        services.change_status(as_(world.vera), t, Status.PENDING_CUSTOMER)
    assert "is Resolved and cannot move to Pending Customer" in str(err.value)
    assert "allowed: Closed, In Progress" in str(err.value)


def test_closed_ticket_allows_no_transition(world):
    t = world.acme_ticket
    services.change_status(as_(world.vera), t, Status.RESOLVED, resolution_type="fixed")
    services.change_status(as_(world.vera), t, Status.CLOSED)
    with pytest.raises(InvalidTransition, match="allowed: none"):
        services.change_status(as_(world.vera), t, Status.IN_PROGRESS)


def test_resolving_requires_a_resolution_type(world):
    with pytest.raises(DomainError, match="resolution type") as err:
        services.change_status(as_(world.vera), world.acme_ticket, Status.RESOLVED)
    assert err.value.field == "resolution_type"
    world.acme_ticket.refresh_from_db()
    assert world.acme_ticket.status == Status.OPEN


@pytest.mark.parametrize("kind", ["fixed", "workaround", "by_design", "cannot_reproduce", "duplicate",
                                  "feature_request", "out_of_scope"])
def test_every_resolution_type_of_the_policy_is_accepted(world, kind):
    t = services.change_status(as_(world.vera), world.acme_ticket, Status.RESOLVED, resolution_type=kind)
    assert t.resolution_type == kind


def test_customer_reopens_a_resolved_ticket_back_to_in_progress(world):
    t = world.acme_ticket
    services.change_status(as_(world.vera), t, Status.RESOLVED, resolution_type="fixed")
    services.change_status(as_(world.alice), t, Status.IN_PROGRESS)
    t.refresh_from_db()
    assert t.status == Status.IN_PROGRESS
    assert t.resolution_type == "" and t.resolved_at is None


def test_customer_cannot_move_an_unresolved_ticket(world):
    with pytest.raises(PermissionDenied):
        services.change_status(as_(world.alice), world.acme_ticket, Status.IN_PROGRESS)


def test_customer_reply_to_pending_ticket_puts_it_back_in_progress(world):
    t = world.acme_ticket
    services.change_status(as_(world.vera), t, Status.PENDING_CUSTOMER)
    services.add_message(as_(world.alice), t, body="Here are the logs")
    t.refresh_from_db()
    assert t.status == Status.IN_PROGRESS


def test_agent_first_public_reply_starts_work(world):
    t = world.acme_ticket
    services.add_message(as_(world.vera), t, body="Looking into it")
    t.refresh_from_db()
    assert t.status == Status.IN_PROGRESS


def test_internal_note_does_not_change_status_and_customers_cannot_write_one(world):
    t = world.acme_ticket
    services.add_message(as_(world.vera), t, body="customer is on old firmware", internal=True)
    t.refresh_from_db()
    assert t.status == Status.OPEN
    with pytest.raises(PermissionDenied):
        services.add_message(as_(world.alice), t, body="sneaky", internal=True)


def test_resolved_tickets_close_automatically_after_the_configured_days_back_dated(world):
    t = world.acme_ticket
    services.change_status(as_(world.vera), t, Status.RESOLVED, resolution_type="fixed")
    resolved_at = world.clock.now()
    world.clock.advance(days=6, hours=23)
    assert services.auto_close_resolved(now=world.clock.now(), after_days=7) == 0
    world.clock.advance(days=3)
    assert services.auto_close_resolved(now=world.clock.now(), after_days=7) == 1
    t.refresh_from_db()
    assert t.status == Status.CLOSED
    assert t.closed_at == resolved_at + dt.timedelta(days=7)
    assert services.auto_close_resolved(now=world.clock.now(), after_days=7) == 0
    assert Event.objects.filter(ticket_id=t.pk, actor="system: auto-close").count() == 1


def test_every_status_change_is_audited_with_before_and_after(world):
    t = world.acme_ticket
    services.change_status(as_(world.vera), t, Status.IN_PROGRESS)
    event = Event.objects.filter(ticket_id=t.pk, action="ticket.status_changed").get()
    assert event.actor == "Vera"
    assert event.before == {"status": "open", "resolution_type": ""}
    assert event.after == {"status": "in_progress", "resolution_type": ""}


def test_unauthorised_contact_cannot_open_a_ticket(world):
    with pytest.raises(PermissionDenied, match="not authorised"):
        services.open_ticket(as_(world.bob), organisation=world.acme, subject="x", description="y")
    assert not Ticket.objects.filter(subject="x").exists()


def test_contact_cannot_open_a_ticket_for_another_organisation(world):
    with pytest.raises(PermissionDenied):
        services.open_ticket(as_(world.alice), organisation=world.globex, subject="x", description="y")


def test_partner_agent_opens_tickets_only_for_customers_it_serves(world):
    t = services.open_ticket(as_(world.pat), organisation=world.acme, subject="x", description="y",
                             requester=world.alice)
    assert t.requester == world.alice
    with pytest.raises(PermissionDenied, match="does not serve"):
        services.open_ticket(as_(world.pat), organisation=world.initech, subject="x", description="y")


def test_attachment_over_the_size_limit_is_refused_with_its_name(world, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.ESCALADE_MAX_ATTACHMENT_BYTES = 10
    big = SimpleUploadedFile("dump.log", b"x" * 11)
    with pytest.raises(DomainError, match="dump.log is 11 bytes"):
        services.add_message(as_(world.alice), world.acme_ticket, body="see log", attachments=[big])


def test_attachment_is_stored_through_django_storage(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    m = services.add_message(as_(world.alice), world.acme_ticket, body="see log",
                             attachments=[SimpleUploadedFile("a.txt", b"hello", content_type="text/plain")])
    att = m.attachments.get()
    assert att.size == 5 and att.file.read() == b"hello"
