"""Write functions for monitoring: add a system to watch, schedule, reschedule or cancel
maintenance, exclude an outage, receive a heartbeat. Views, the CLI and the admin call these."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import Conflict, DomainError, NotFound
from escalade.monitoring import events
from escalade.monitoring.compaction import refuse_compacted
from escalade.monitoring.models import Exclusion, MaintenanceNotice, MaintenanceWindow, MonitoredAsset
from escalade.monitoring.notices import anything_sent, plan_notices, reminder_lead, supersede_pending
from escalade.orgs.models import Organisation

ACTOR = "system: monitoring"


@transaction.atomic
def add_asset(organisation: Organisation, *, name: str, kind: str, target: str = "", at: dt.datetime | None = None,
              actor: str = ACTOR, **fields) -> MonitoredAsset:
    """Start watching a system; its first check is due at once. Audited."""
    if kind not in MonitoredAsset.Kind.values:
        raise DomainError(_("Unknown kind %(kind)r; use %(known)s") % {
            "kind": kind, "known": ", ".join(MonitoredAsset.Kind.values)}, field="kind")
    if kind == MonitoredAsset.Kind.HTTP and not target.startswith(("http://", "https://")):
        raise DomainError(_("An HTTP check needs an http:// or https:// URL"), field="target")
    if kind == MonitoredAsset.Kind.TCP and not target.rpartition(":")[2].isdigit():
        raise DomainError(_("A TCP check needs host:port"), field="target")
    at = at or clock.now()
    # A system watched through another monitor's alerts is never checked by our sweep.
    first_check = None if kind == MonitoredAsset.Kind.ALERTS else at
    asset = MonitoredAsset.objects.create(organisation=organisation, name=name, kind=kind, target=target,
                                          created_at=at, next_check_at=first_check, **fields)
    record(actor=actor, action="monitoring.asset_added", obj=asset, at=at,
           after={"name": name, "kind": kind, "target": target})
    return asset


def _refuse_compacted_window(*, starts_at: dt.datetime, ends_at: dt.datetime,
                             organisation: Organisation | None, asset: MonitoredAsset | None) -> None:
    if asset is not None:
        scope = Q(pk=asset.pk)
    elif organisation is not None:
        scope = Q(organisation=organisation)
    else:
        scope = Q()
    refuse_compacted(scope, starts_at, ends_at, _("This maintenance"))


@transaction.atomic
def schedule_maintenance(*, starts_at: dt.datetime, ends_at: dt.datetime, reason: str,
                         organisation: Organisation | None = None, asset: MonitoredAsset | None = None,
                         announced_at: dt.datetime | None = None, actor: str = ACTOR) -> MaintenanceWindow:
    """Announce maintenance of one system, one organisation, or (neither given) the whole service,
    and plan its notices to the affected contacts: now, `maintenance_reminder_hours` before the
    start, and at the end (monitoring.notices)."""
    if ends_at <= starts_at:
        raise DomainError(_("Maintenance must end after it starts"), field="ends_at")
    if not reason.strip():
        raise DomainError(_("Say what the maintenance is for"), field="reason")
    if asset is not None:
        organisation = asset.organisation
    now = clock.now()
    _refuse_compacted_window(starts_at=starts_at, ends_at=ends_at, organisation=organisation, asset=asset)
    window = MaintenanceWindow.objects.create(
        organisation=organisation, asset=asset, starts_at=starts_at, ends_at=ends_at,
        announced_at=announced_at or now, reason=reason.strip())
    plan_notices(window, first=MaintenanceNotice.Kind.SCHEDULED, now=now, reminder_before=reminder_lead())
    record(actor=actor, action="maintenance.scheduled", obj=window, at=now, after=_window_fields(window))
    events.maintenance_scheduled(window, now)
    return window


def _window_fields(window: MaintenanceWindow) -> dict:
    return {"starts_at": window.starts_at, "ends_at": window.ends_at, "reason": window.reason,
            "announced_at": window.announced_at, "sequence": window.sequence,
            "organisation": window.organisation_id, "asset": window.asset_id}


def _locked_open_window(window: MaintenanceWindow, now: dt.datetime) -> MaintenanceWindow:
    locked = MaintenanceWindow.objects.select_for_update().get(pk=window.pk)
    if locked.cancelled_at is not None:
        raise Conflict(_("This maintenance was cancelled on %(cancelled_at)s UTC") % {
            "cancelled_at": format(locked.cancelled_at, "%Y-%m-%d %H:%M")})
    if locked.ends_at <= now:
        raise Conflict(_("This maintenance ended on %(ends_at)s UTC; it can no longer change") % {
            "ends_at": format(locked.ends_at, "%Y-%m-%d %H:%M")})
    return locked


@transaction.atomic
def reschedule_maintenance(window: MaintenanceWindow, *, starts_at: dt.datetime, ends_at: dt.datetime,
                           reason: str | None = None, actor: str = ACTOR) -> MaintenanceWindow:
    """Give a window new times (and reason): a new revision (SEQUENCE + 1), the pending notices of
    the old one are dropped, an update notice goes out (or the first notice, if none was sent
    yet) and the reminder and end notices are planned again.

    A window that already started may only end earlier (not before now); schedule another window
    for extra time. Times not covered before (earlier start, later end) are announced now, so
    `announced_at` becomes now and the notice period for availability counts from the change."""
    now = clock.now()
    locked = _locked_open_window(window, now)
    reason = locked.reason if reason is None else reason.strip()
    if not reason:
        raise DomainError(_("Say what the maintenance is for"), field="reason")
    if ends_at <= starts_at:
        raise DomainError(_("Maintenance must end after it starts"), field="ends_at")
    if locked.starts_at <= now:
        if starts_at != locked.starts_at:
            raise DomainError(_("This maintenance started at %(starts_at)s UTC; only its end can change") % {
                "starts_at": format(locked.starts_at, "%Y-%m-%d %H:%M")}, field="starts_at")
        if ends_at > locked.ends_at:
            raise DomainError(_("Maintenance in progress can only end earlier; schedule another window for the extra "
                                "time"), field="ends_at")
        if ends_at < now:
            raise DomainError(_("Maintenance cannot end in the past"), field="ends_at")
    elif starts_at < now:
        raise DomainError(_("Maintenance cannot be moved into the past"), field="starts_at")
    if (starts_at, ends_at, reason) == (locked.starts_at, locked.ends_at, locked.reason):
        return locked
    before = _window_fields(locked)
    first = MaintenanceNotice.Kind.UPDATED if anything_sent(locked) else MaintenanceNotice.Kind.SCHEDULED
    supersede_pending(locked)
    if starts_at < locked.starts_at or ends_at > locked.ends_at:
        locked.announced_at = now
    locked.starts_at, locked.ends_at, locked.reason = starts_at, ends_at, reason
    locked.sequence += 1
    locked.revised_at = now
    locked.save(update_fields=["starts_at", "ends_at", "reason", "announced_at", "sequence", "revised_at"])
    if ends_at == now:  # ended early, right now: the end notice says it all
        first = None
    plan_notices(locked, first=first, now=now, reminder_before=reminder_lead())
    record(actor=actor, action="maintenance.rescheduled", obj=locked, at=now, before=before,
           after=_window_fields(locked))
    events.maintenance_scheduled(locked, now)
    return locked


@transaction.atomic
def cancel_maintenance(window: MaintenanceWindow, *, actor: str = ACTOR) -> MaintenanceWindow:
    """Call off a window that has not started: a new revision marked cancelled (calendars show it
    cancelled), its pending notices are dropped and, if the customers were told of it, a
    cancellation notice goes out. Cancelled maintenance stops no incident and excludes nothing."""
    now = clock.now()
    locked = _locked_open_window(window, now)
    if locked.starts_at <= now:
        raise Conflict(_("This maintenance is in progress; end it now by rescheduling its end instead"))
    told = anything_sent(locked)
    supersede_pending(locked)
    locked.cancelled_at = locked.revised_at = now
    locked.sequence += 1
    locked.save(update_fields=["cancelled_at", "revised_at", "sequence"])
    plan_notices(locked, first=MaintenanceNotice.Kind.CANCELLED if told else None, now=now,
                 reminder_before=dt.timedelta(0))
    record(actor=actor, action="maintenance.cancelled", obj=locked, at=now, after=_window_fields(locked))
    return locked


@transaction.atomic
def exclude_outage(organisation: Organisation, *, starts_at: dt.datetime, ends_at: dt.datetime, cause: str,
                   recorded_by: str, note: str = "", asset: MonitoredAsset | None = None) -> Exclusion:
    """An agent marks an outage customer-caused, third-party … so the SLA does not count it. Audited:
    it changes the customer's availability and credits."""
    if cause not in Exclusion.Cause.values:
        raise DomainError(_("Unknown cause %(cause)r; use %(known)s") % {
            "cause": cause, "known": ", ".join(Exclusion.Cause.values)}, field="cause")
    if ends_at <= starts_at:
        raise DomainError(_("The excluded period must end after it starts"), field="ends_at")
    refuse_compacted(Q(pk=asset.pk) if asset is not None else Q(organisation=organisation), starts_at, ends_at,
                     _("This exclusion"))
    exclusion = Exclusion.objects.create(organisation=organisation, asset=asset, starts_at=starts_at,
                                         ends_at=ends_at, cause=cause, note=note, recorded_by=recorded_by,
                                         recorded_at=clock.now())
    record(actor=recorded_by, action="monitoring.outage_excluded", obj=exclusion, at=exclusion.recorded_at,
           after={"asset": asset.name if asset else None, "starts_at": starts_at, "ends_at": ends_at,
                  "cause": cause, "note": note})
    return exclusion


@transaction.atomic
def receive_heartbeat(token: str, at: dt.datetime | None = None) -> MonitoredAsset:
    """A heartbeat arrived for the system with this token; raises NotFound for an unknown token."""
    at = at or clock.now()
    updated = MonitoredAsset.objects.filter(heartbeat_token=token, kind=MonitoredAsset.Kind.HEARTBEAT,
                                            is_active=True).update(last_heartbeat_at=at)
    if not updated:
        raise NotFound(_("No such heartbeat"))
    return MonitoredAsset.objects.get(heartbeat_token=token)
