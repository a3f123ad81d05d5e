"""Maintenance notices (issue #7): the affected customers' contacts hear of a window when it is
scheduled, `maintenance_reminder_hours` before it starts and when it ends — once each, on their
channels, within their quiet hours — and again when it is rescheduled or cancelled, never with a
stale reminder."""

from __future__ import annotations

import datetime as dt

import pytest

from escalade.audit.models import Event
from escalade.errors import Conflict, DomainError
from escalade.monitoring.availability import monthly_availability
from escalade.monitoring.models import CheckResult, MaintenanceNotice
from escalade.monitoring.notices import send_due_notices, send_notice
from escalade.monitoring.services import (
    add_asset,
    cancel_maintenance,
    reschedule_maintenance,
    schedule_maintenance,
)
from escalade.monitoring.settings import monitoring_policy
from escalade.monitoring.windows import in_maintenance
from escalade.notifications.models import OutboxMessage
from escalade.worker.sweeps import SWEEPS
from tests import factories as f

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


def sent(kind: str) -> list[tuple[str, str]]:
    return sorted(OutboxMessage.objects.filter(kind=f"maintenance_{kind}").values_list("channel", "recipient"))


def sweep(world) -> int:
    return send_due_notices(world.clock.now())


@pytest.fixture
def window(world, vioe):
    now = world.clock.now()
    return schedule_maintenance(organisation=world.acme, starts_at=now + 3 * D, ends_at=now + 3 * D + 2 * H,
                                reason="Database upgrade")


def test_scheduling_tells_the_technical_contacts_of_the_affected_organisation_only(world, window):
    assert sweep(world) == 1
    assert sent("scheduled") == [("email", world.alice.email)]  # Bob is not technical; Globex is not affected
    message = OutboxMessage.objects.get(kind="maintenance_scheduled")
    assert "Database upgrade" in message.body and "Thu 26 Nov 2026 09:00 GMT (09:00 UTC)" in message.subject
    assert "/monitoring/calendar/" in message.body
    event = Event.objects.get(action="maintenance.notice_scheduled")
    assert event.object_id == str(window.pk) and event.after["messages"] == 1


def test_a_contact_who_reads_german_gets_the_notice_in_german_and_an_english_one_in_english(world, window):
    world.alice.language = "de"
    world.alice.save(update_fields=["language"])
    carol = f.contact(world.acme, "Carol Acme", is_technical=True)
    assert sweep(world) == 1
    german = OutboxMessage.objects.get(kind="maintenance_scheduled", recipient=world.alice.email)
    assert german.subject == "Geplante Wartung – Ihre Systeme: Do 26 Nov 2026 09:00 GMT (09:00 UTC)"
    assert "Was: Database upgrade" in german.body  # the reason stays as written
    english = OutboxMessage.objects.get(kind="maintenance_scheduled", recipient=carol.email)
    assert english.subject == "Scheduled maintenance of your systems: Thu 26 Nov 2026 09:00 GMT (09:00 UTC)"


def test_each_notice_is_sent_once_however_often_the_sweep_runs(world, window):
    sweep(world)
    assert sweep(world) == 0
    assert len(sent("scheduled")) == 1
    assert Event.objects.filter(action="maintenance.notice_scheduled").count() == 1


def test_a_second_worker_holding_the_same_notice_sends_nothing(world, window):
    notice = MaintenanceNotice.objects.get(window=window, kind="scheduled")
    role = monitoring_policy()[0].notify_role
    assert send_notice(notice, world.clock.now(), role=role) == 1
    assert send_notice(notice, world.clock.now(), role=role) == 0  # its stale copy of the row
    assert len(sent("scheduled")) == 1


def test_the_reminder_goes_out_24_hours_before_the_start_and_not_earlier(world, window):
    sweep(world)
    world.clock.set(window.starts_at - 24 * H - dt.timedelta(minutes=1))
    sweep(world)
    assert sent("reminder") == []
    world.clock.set(window.starts_at - 24 * H)
    assert sweep(world) == 1
    assert sent("reminder") == [("email", world.alice.email)]


def test_the_end_of_maintenance_is_announced_when_the_window_ends(world, window):
    world.clock.set(window.ends_at - dt.timedelta(seconds=1))
    sweep(world)
    assert sent("ended") == []
    world.clock.set(window.ends_at)
    sweep(world)
    assert sent("ended") == [("email", world.alice.email)]


def test_maintenance_starting_within_the_reminder_lead_gets_no_separate_reminder(world, vioe):
    now = world.clock.now()
    w = schedule_maintenance(organisation=world.acme, starts_at=now + 2 * H, ends_at=now + 3 * H, reason="Patch")
    assert sorted(w.notices.values_list("kind", flat=True)) == ["ended", "scheduled"]


def test_rescheduling_sends_an_update_and_drops_the_stale_reminder(world, window):
    sweep(world)
    old_start = window.starts_at
    window = reschedule_maintenance(window, starts_at=old_start + 2 * D, ends_at=old_start + 2 * D + 2 * H)
    assert window.sequence == 1
    sweep(world)
    assert sent("updated") == [("email", world.alice.email)]
    world.clock.set(old_start - 24 * H)  # the old reminder time
    sweep(world)
    assert sent("reminder") == []
    world.clock.set(window.starts_at - 24 * H)
    sweep(world)
    assert sent("reminder") == [("email", world.alice.email)]
    assert MaintenanceNotice.objects.filter(window=window, kind="reminder", status="sent").get().sequence == 1
    assert Event.objects.filter(action="maintenance.rescheduled").count() == 1


def test_rescheduling_before_any_notice_went_out_sends_the_first_notice_only(world, window):
    reschedule_maintenance(window, starts_at=window.starts_at + H, ends_at=window.ends_at + H)
    sweep(world)
    assert sent("updated") == []
    assert sent("scheduled") == [("email", world.alice.email)]


def test_cancelling_sends_a_cancellation_and_nothing_after_it(world, window):
    sweep(world)
    cancel_maintenance(window)
    sweep(world)
    assert sent("cancelled") == [("email", world.alice.email)]
    world.clock.set(window.ends_at + H)
    sweep(world)
    assert sent("reminder") == [] and sent("ended") == []


def test_cancelling_before_anyone_was_told_sends_nothing(world, window):
    cancel_maintenance(window)
    sweep(world)
    assert OutboxMessage.objects.filter(kind__startswith="maintenance_").count() == 0


def test_a_cancelled_window_neither_stops_incidents_nor_excludes_downtime(world, vioe):
    asset = add_asset(world.acme, name="Portal", kind="http", target="http://127.0.0.1:9/")
    now = world.clock.now()
    w = schedule_maintenance(asset=asset, starts_at=now + H, ends_at=now + 2 * H, reason="Upgrade",
                             announced_at=now - 8 * D)
    CheckResult.objects.create(asset=asset, at=now + 90 * dt.timedelta(minutes=1), ok=False, interval_seconds=300)
    CheckResult.objects.create(asset=asset, at=now + 3 * H, ok=True, interval_seconds=300)
    section = monitoring_policy()[0]
    assert monthly_availability(world.acme, now.date().replace(day=1), section).availability == 100
    cancel_maintenance(w)
    assert in_maintenance(asset, now + 90 * dt.timedelta(minutes=1)) is None
    assert monthly_availability(world.acme, now.date().replace(day=1), section).availability == 50


def test_maintenance_of_the_whole_service_reaches_every_organisation(world, vioe):
    now = world.clock.now()
    schedule_maintenance(starts_at=now + 3 * D, ends_at=now + 3 * D + H, reason="Data centre move")
    sweep(world)
    # Globex and Initech have no technical contact: their primary contacts are told instead.
    assert sent("scheduled") == sorted([("email", world.alice.email), ("email", world.gina.email),
                                        ("email", world.ivan.email)])
    gina = OutboxMessage.objects.get(kind="maintenance_scheduled", recipient=world.gina.email)
    assert "EST" in gina.subject  # Globex reads New York time


def test_maintenance_of_one_system_tells_its_organisation_only(world, vioe):
    asset = add_asset(world.globex, name="Globex ERP", kind="http", target="http://127.0.0.1:9/")
    now = world.clock.now()
    schedule_maintenance(asset=asset, starts_at=now + 3 * D, ends_at=now + 3 * D + H, reason="ERP patch")
    sweep(world)
    assert sent("scheduled") == [("email", world.gina.email)]
    assert "Globex ERP" in OutboxMessage.objects.get(kind="maintenance_scheduled").subject


def test_a_contact_in_quiet_hours_is_told_by_email_only(world, window):
    world.alice.channel_preferences = {"*": ["sms", "email"]}
    world.alice.phone = "+441234567890"
    world.alice.quiet_hours_start, world.alice.quiet_hours_end = dt.time(8, 0), dt.time(10, 0)  # now is 09:00
    world.alice.save()
    sweep(world)
    assert sent("scheduled") == [("email", world.alice.email)]
    world.clock.set(window.starts_at - 24 * H)  # 09:00 too; move the quiet hours away
    world.alice.quiet_hours_start, world.alice.quiet_hours_end = dt.time(22, 0), dt.time(7, 0)
    world.alice.save()
    sweep(world)
    assert sent("reminder") == sorted([("email", world.alice.email), ("sms", "+441234567890")])


def test_rescheduling_earlier_re_announces_so_short_notice_maintenance_counts_as_downtime(world, vioe):
    now = world.clock.now()
    w = schedule_maintenance(organisation=world.acme, starts_at=now + 10 * D, ends_at=now + 10 * D + H,
                             reason="Upgrade")
    shorter = reschedule_maintenance(w, starts_at=w.starts_at, ends_at=w.ends_at - dt.timedelta(minutes=30))
    assert shorter.announced_at == now  # shrinking keeps the notice given
    world.clock.advance(hours=1)
    earlier = reschedule_maintenance(shorter, starts_at=now + 2 * D, ends_at=now + 2 * D + H)
    assert earlier.announced_at == world.clock.now()  # now only 2 days' notice: VIOE's 7 days not met


def test_maintenance_in_progress_may_only_end_earlier(world, window):
    world.clock.set(window.starts_at + H)
    with pytest.raises(DomainError, match="only its end can change"):
        reschedule_maintenance(window, starts_at=window.starts_at + H, ends_at=window.ends_at + H)
    with pytest.raises(DomainError, match="schedule another window"):
        reschedule_maintenance(window, starts_at=window.starts_at, ends_at=window.ends_at + H)
    with pytest.raises(Conflict, match="in progress"):
        cancel_maintenance(window)
    ended = reschedule_maintenance(window, starts_at=window.starts_at, ends_at=world.clock.now())
    send_due_notices(world.clock.now())
    assert ended.sequence == 1 and sent("ended") == [("email", world.alice.email)]


def test_maintenance_that_is_over_cannot_change(world, window):
    world.clock.set(window.ends_at)
    with pytest.raises(Conflict, match="ended"):
        cancel_maintenance(window)


def test_the_worker_sends_notices_before_delivering_messages():
    from escalade.notifications.outbox import deliver_due

    assert SWEEPS.index(send_due_notices) < SWEEPS.index(deliver_due)


def test_adding_a_window_in_the_admin_plans_its_notices_and_refuses_bad_times(world, vioe, client):
    client.force_login(world.admin)
    start = world.clock.now() + 3 * D
    form = {"organisation": world.acme.pk, "starts_at_0": f"{start:%Y-%m-%d}", "starts_at_1": "09:00:00",
            "ends_at_0": f"{start:%Y-%m-%d}", "ends_at_1": "08:00:00", "reason": "Upgrade",
            "notices-TOTAL_FORMS": "0", "notices-INITIAL_FORMS": "0"}
    response = client.post("/admin/monitoring/maintenancewindow/add/", form)
    assert response.status_code == 200 and b"must end after it starts" in response.content
    response = client.post("/admin/monitoring/maintenancewindow/add/", {**form, "ends_at_1": "11:00:00"})
    assert response.status_code == 302
    assert MaintenanceNotice.objects.filter(kind="scheduled", window__reason="Upgrade").count() == 1


def test_an_organisation_with_no_one_to_tell_gets_no_message(world, vioe):
    lonely = f.organisation("Hooli")
    now = world.clock.now()
    schedule_maintenance(organisation=lonely, starts_at=now + 3 * D, ends_at=now + 3 * D + H, reason="Move")
    assert sweep(world) == 1
    assert OutboxMessage.objects.filter(kind__startswith="maintenance_").count() == 0
    assert MaintenanceNotice.objects.get(kind="scheduled").status == "sent"
