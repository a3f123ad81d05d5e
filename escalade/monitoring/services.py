"""Write functions for monitoring: add a system to watch, schedule maintenance, exclude an outage,
receive a heartbeat. Views, the CLI and the admin call these."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from escalade import clock
from escalade.errors import DomainError, NotFound
from escalade.monitoring.models import Exclusion, MaintenanceWindow, MonitoredAsset
from escalade.orgs.models import Organisation


def add_asset(organisation: Organisation, *, name: str, kind: str, target: str = "", at: dt.datetime | None = None,
              **fields) -> MonitoredAsset:
    """Start watching a system; its first check is due at once."""
    if kind not in MonitoredAsset.Kind.values:
        raise DomainError(f"Unknown kind {kind!r}; use {', '.join(MonitoredAsset.Kind.values)}", field="kind")
    if kind == MonitoredAsset.Kind.HTTP and not target.startswith(("http://", "https://")):
        raise DomainError("An HTTP check needs an http:// or https:// URL", field="target")
    if kind == MonitoredAsset.Kind.TCP and not target.rpartition(":")[2].isdigit():
        raise DomainError("A TCP check needs host:port", field="target")
    at = at or clock.now()
    return MonitoredAsset.objects.create(organisation=organisation, name=name, kind=kind, target=target,
                                         created_at=at, next_check_at=at, **fields)


def schedule_maintenance(*, starts_at: dt.datetime, ends_at: dt.datetime, reason: str,
                         organisation: Organisation | None = None, asset: MonitoredAsset | None = None,
                         announced_at: dt.datetime | None = None) -> MaintenanceWindow:
    """Announce maintenance of one system, one organisation, or (neither given) the whole service."""
    if ends_at <= starts_at:
        raise DomainError("Maintenance must end after it starts", field="ends_at")
    if not reason.strip():
        raise DomainError("Say what the maintenance is for", field="reason")
    if asset is not None:
        organisation = asset.organisation
    return MaintenanceWindow.objects.create(
        organisation=organisation, asset=asset, starts_at=starts_at, ends_at=ends_at,
        announced_at=announced_at or clock.now(), reason=reason.strip())


def exclude_outage(organisation: Organisation, *, starts_at: dt.datetime, ends_at: dt.datetime, cause: str,
                   recorded_by: str, note: str = "", asset: MonitoredAsset | None = None) -> Exclusion:
    """An agent marks an outage customer-caused, third-party … so the SLA does not count it."""
    if cause not in Exclusion.Cause.values:
        raise DomainError(f"Unknown cause {cause!r}; use {', '.join(Exclusion.Cause.values)}", field="cause")
    if ends_at <= starts_at:
        raise DomainError("The excluded period must end after it starts", field="ends_at")
    return Exclusion.objects.create(organisation=organisation, asset=asset, starts_at=starts_at, ends_at=ends_at,
                                    cause=cause, note=note, recorded_by=recorded_by, recorded_at=clock.now())


@transaction.atomic
def receive_heartbeat(token: str, at: dt.datetime | None = None) -> MonitoredAsset:
    """A heartbeat arrived for the system with this token; raises NotFound for an unknown token."""
    at = at or clock.now()
    updated = MonitoredAsset.objects.filter(heartbeat_token=token, kind=MonitoredAsset.Kind.HEARTBEAT,
                                            is_active=True).update(last_heartbeat_at=at)
    if not updated:
        raise NotFound("No such heartbeat")
    return MonitoredAsset.objects.get(heartbeat_token=token)
