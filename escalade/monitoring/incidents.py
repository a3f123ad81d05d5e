"""What a check's result does to its system's state and incident ticket. Runs inside the sweep's
short transaction holding the system's row.

- N failures in sequence (policy `failures_before_incident`) open ONE incident ticket at the
  policy's priority, channel monitoring, and notify `notify_role` — unless a maintenance window
  covers the system. A system whose earlier incident is still open reuses it (no ticket storm
  when it flaps).
- Further failures add at most one note per `note_every_minutes`; once the outage has lasted
  `customer_updates_after_minutes`, each note is also sent to `notify_role`.
- Recovery adds a note and, if `resolve_on_recovery`, resolves the ticket as fixed.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils.translation import gettext as _

from escalade import timewords
from escalade.businesstime.display import when
from escalade.monitoring import events
from escalade.monitoring.checks import Outcome
from escalade.monitoring.models import CheckResult, MonitoredAsset
from escalade.monitoring.windows import in_maintenance
from escalade.notifications.languages import in_language
from escalade.notifications.notify import notify
from escalade.orgs.access import Viewer
from escalade.orgs.models import Level
from escalade.policy.schema_monitoring import Monitoring
from escalade.tickets.models import Channel, ResolutionType, Status
from escalade.tickets.services import add_message, change_status, open_ticket

logger = logging.getLogger("escalade.monitoring")
SYSTEM = "monitoring"


def _incident_open(asset: MonitoredAsset) -> bool:
    return asset.incident is not None and asset.incident.status not in (Status.RESOLVED, Status.CLOSED)


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def record_outcome(asset: MonitoredAsset, outcome: Outcome, now: dt.datetime, *, section: Monitoring,
                   priority: str, interval: dt.timedelta) -> CheckResult:
    """Store the result of checking `asset` at `now` and act on it (open, update, recover)."""
    result = CheckResult.objects.create(asset=asset, at=now, ok=outcome.ok, latency_ms=outcome.latency_ms,
                                        detail=outcome.detail, interval_seconds=int(interval.total_seconds()))
    asset.last_checked_at = now
    if outcome.ok:
        _recovered(asset, now, section)
    else:
        _failed(asset, outcome, now, section, priority)
    asset.save(update_fields=["last_checked_at", "consecutive_failures", "down_since", "state", "incident",
                              "last_note_at"])
    return result


def _failed(asset: MonitoredAsset, outcome: Outcome, now: dt.datetime, section: Monitoring, priority: str) -> None:
    if asset.consecutive_failures == 0:
        asset.down_since = now
    asset.consecutive_failures += 1
    asset.state = MonitoredAsset.State.DOWN
    if asset.consecutive_failures < section.failures_before_incident:
        return
    viewer = Viewer.system(SYSTEM)
    if not _incident_open(asset):
        window = in_maintenance(asset, now)
        if window is not None:
            logger.info("%s down during maintenance %r: no incident", asset, window.reason)
            return
        _open_incident(asset, outcome, now, section, priority, viewer)
        return
    ticket = asset.incident
    if asset.last_note_at is not None and now - asset.last_note_at < dt.timedelta(minutes=section.note_every_minutes):
        return
    down_for = now - asset.down_since

    def still_down() -> str:
        return _("%(name)s is still down after %(minutes)s minutes (%(failures)s failed checks in sequence; "
                 "last: %(detail)s).") % {"name": asset.name, "minutes": _minutes(down_for),
                                          "failures": asset.consecutive_failures, "detail": outcome.detail}

    # The note on the ticket in the site's language; the update in each reader's.
    add_message(viewer, ticket, body=in_language("", still_down), internal=True, channel=Channel.MONITORING, at=now)
    asset.last_note_at = now
    if down_for >= dt.timedelta(minutes=section.customer_updates_after_minutes):
        notify(ticket, section.notify_role, kind="status_update",
               texts=lambda: (_("Update on %(number)s: %(name)s") % {"number": ticket.number, "name": asset.name},
                              still_down() + "\n\n" + _("We are working on it and will keep you informed.") + "\n"),
               dedupe_key=f"monitoring:{asset.pk}:{ticket.pk}:update:{now.isoformat()}", at=now)


def _open_incident(asset: MonitoredAsset, outcome: Outcome, now: dt.datetime, section: Monitoring,
                   priority: str, viewer: Viewer) -> None:
    def texts() -> tuple[str, str]:
        values = {"name": asset.name, "kind": asset.get_kind_display(), "target": asset.target or _("heartbeat"),
                  "failures": asset.consecutive_failures, "detail": outcome.detail,
                  "since": timewords.when(asset.down_since, asset.organisation.timezone)}
        return (_("%(name)s is not responding") % values,
                _("Escalade monitoring found %(name)s (%(kind)s %(target)s) down: %(failures)s failed checks in "
                  "sequence since %(since)s. Last result: %(detail)s.") % values)

    subject, body = in_language("", texts)  # the ticket in the site's language
    level = Level.objects.filter(key=section.incident_level).first() if section.incident_level else None
    ticket = open_ticket(viewer, organisation=asset.organisation, subject=subject, description=body,
                         priority=priority, category=section.incident_category or "", level=level,
                         channel=Channel.MONITORING, at=now)
    asset.incident = ticket
    asset.last_note_at = now
    events.incident_opened(asset, ticket, outcome.detail, now)
    def page() -> tuple[str, str]:
        subject, body = texts()
        return (f"{ticket.number}: {subject}",
                body + "\n\n" + _("We opened case %(number)s and are investigating. Please tell us of any work on "
                                   "this system.") % {"number": ticket.number} + "\n")

    notify(ticket, section.notify_role, kind="page", texts=page,
           dedupe_key=f"monitoring:{asset.pk}:{ticket.pk}:opened", at=now)


def _recovered(asset: MonitoredAsset, now: dt.datetime, section: Monitoring) -> None:
    was_down_since = asset.down_since
    asset.consecutive_failures = 0
    asset.down_since = None
    asset.state = MonitoredAsset.State.UP
    if not _incident_open(asset) or was_down_since is None:
        return
    ticket = asset.incident
    viewer = Viewer.system(SYSTEM)
    body = (f"{asset.name} responds again at {when(now, asset.organisation.timezone)} after "
            f"{_minutes(now - was_down_since)} minutes.")
    add_message(viewer, ticket, body=body, internal=True, channel=Channel.MONITORING, at=now)
    asset.last_note_at = now
    if section.resolve_on_recovery:
        change_status(viewer, ticket, Status.RESOLVED, resolution_type=ResolutionType.FIXED, at=now)
        events.incident_resolved(asset, ticket, now)
