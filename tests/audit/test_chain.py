from django.db import connection

from escalade.audit.chain import record
from escalade.audit.models import Event
from escalade.audit.verify import verify_chain
from escalade.orgs.access import Viewer
from escalade.tickets import services
from escalade.tickets.models import Status


def _raw_update(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_events_form_an_unbroken_chain(world):
    services.change_status(Viewer.of(world.vera.user), world.acme_ticket, Status.IN_PROGRESS)
    events = list(Event.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == ""
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    result = verify_chain()
    assert result.ok, result.message
    assert result.checked == len(events)


def test_altering_an_event_is_detected_and_named(world):
    victim = Event.objects.filter(ticket_id=world.globex_ticket.pk).first()
    _raw_update(f"UPDATE {Event._meta.db_table} SET actor = %s WHERE id = %s", ["Mallory", victim.pk])
    result = verify_chain()
    assert not result.ok
    assert f"event #{victim.seq}" in result.message and "altered" in result.message


def test_deleting_an_event_in_the_middle_is_detected(world):
    victim = Event.objects.order_by("seq")[1]
    _raw_update(f"DELETE FROM {Event._meta.db_table} WHERE id = %s", [victim.pk])
    result = verify_chain()
    assert not result.ok
    assert f"event #{victim.seq} is missing" in result.message


def test_removing_the_newest_events_is_detected(world):
    newest = Event.objects.order_by("-seq").first()
    _raw_update(f"DELETE FROM {Event._meta.db_table} WHERE id = %s", [newest.pk])
    result = verify_chain()
    assert not result.ok
    assert "removed" in result.message


def test_events_cannot_be_changed_or_deleted_through_the_orm(world):
    import pytest

    event = Event.objects.first()
    event.actor = "Mallory"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).update(actor="Mallory")


def test_record_keeps_before_and_after_and_utc_time(world):
    event = record(actor="Max", action="config.test", obj=world.acme, before={"plan": "basic"},
                   after={"plan": "premium"})
    event.refresh_from_db()
    assert event.before == {"plan": "basic"} and event.after == {"plan": "premium"}
    assert event.at == world.clock.now()
    assert event.object_type == "organisation" and event.object_id == str(world.acme.pk)
    assert verify_chain().ok


def test_an_event_about_something_that_is_not_a_row_names_it_by_type_and_id(world):
    event = record(actor="mallory", action="auth.login_failed", object_type="login", object_id="admin",
                   after={"address": "192.0.2.7"})
    assert (event.object_type, event.object_id) == ("login", "admin")
    assert verify_chain().ok
