"""Monitoring's events for webhook subscribers (escalade.webhooks): an incident opened or resolved,
maintenance scheduled, started or ended. Each is published in the transaction of the change; the
start and end of maintenance, which no one's action marks, by a worker sweep."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from escalade.monitoring.models import MaintenanceWindow, MonitoredAsset
from escalade.tickets.models import Ticket
from escalade.webhooks.events import publish
from escalade.webhooks.models import Event, EventType
from escalade.webhooks.payloads import iso, ticket_data

# A worker that was down longer than this does not announce the start or end of older maintenance.
LOOKBACK = dt.timedelta(days=7)


def _asset(asset: MonitoredAsset) -> dict:
    return {"id": asset.pk, "name": asset.name, "kind": asset.kind, "target": asset.target}


def incident_opened(asset: MonitoredAsset, ticket: Ticket, detail: str, at: dt.datetime) -> None:
    publish(EventType.INCIDENT_OPENED, key=f"incident.opened:{ticket.pk}", at=at, ticket=ticket,
            data={"ticket": ticket_data(ticket), "system": _asset(asset), "detail": detail,
                  "down_since": iso(asset.down_since)})


def incident_resolved(asset: MonitoredAsset, ticket: Ticket, at: dt.datetime) -> None:
    publish(EventType.INCIDENT_RESOLVED, key=f"incident.resolved:{ticket.pk}:{at.isoformat()}", at=at,
            ticket=ticket, data={"ticket": ticket_data(ticket), "system": _asset(asset)})


def _window(window: MaintenanceWindow) -> dict:
    return {"id": window.pk, "reason": window.reason, "starts_at": iso(window.starts_at),
            "ends_at": iso(window.ends_at), "sequence": window.sequence,
            "organisation": ({"id": window.organisation_id, "name": window.organisation.name}
                             if window.organisation_id else None),
            "system": _asset(window.asset) if window.asset_id else None}


def _organisation(window: MaintenanceWindow):
    return window.asset.organisation if window.asset_id else window.organisation


def maintenance_scheduled(window: MaintenanceWindow, at: dt.datetime) -> None:
    """A window was scheduled, or rescheduled (a new sequence: published again)."""
    publish(EventType.MAINTENANCE_SCHEDULED, key=f"maintenance.scheduled:{window.pk}:{window.sequence}", at=at,
            organisation=_organisation(window), data={"maintenance": _window(window)})


def publish_started_and_ended(now: dt.datetime) -> int:
    """Worker sweep: publish `maintenance.started` for windows that have begun and
    `maintenance.ended` for those that have ended (not cancelled), each once, at the window's own
    time. Returns how many events were new."""
    windows = list(MaintenanceWindow.objects.filter(cancelled_at__isnull=True, starts_at__lte=now,
                                                    ends_at__gt=now - LOOKBACK)
                   .select_related("organisation", "asset__organisation"))
    due = [(EventType.MAINTENANCE_STARTED, w, w.starts_at) for w in windows]
    due += [(EventType.MAINTENANCE_ENDED, w, w.ends_at) for w in windows if w.ends_at <= now]
    keys = {f"{kind}:{w.pk}": (kind, w, at) for kind, w, at in due}
    for key in Event.objects.filter(key__in=list(keys)).values_list("key", flat=True):
        keys.pop(key)
    published = 0
    for key, (kind, window, at) in keys.items():
        with transaction.atomic():
            if publish(kind, key=key, at=at, organisation=_organisation(window),
                       data={"maintenance": _window(window)}) is not None:
                published += 1
    return published
