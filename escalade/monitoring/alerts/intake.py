"""Receiving one alert: store the raw payload first (its own transaction, so it is kept whatever
follows), then read it and record it as a check result of its system (monitoring.incidents), under
the system's row lock like the sweep's results."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from escalade import clock
from escalade.errors import DomainError, NotFound
from escalade.monitoring.alerts.parse import MalformedAlert, parse
from escalade.monitoring.checks import Outcome
from escalade.monitoring.incidents import record_outcome
from escalade.monitoring.models import AlertPayload, MonitoredAsset
from escalade.monitoring.settings import monitoring_policy
from escalade.monitoring.sweep import interval_of
from escalade.monitoring.windows import in_maintenance


class RejectedAlert(DomainError):
    code = "malformed_alert"


def receive_alert(source: str, token: str, body: bytes, *, content_type: str = "", query: str = "",
                  at: dt.datetime | None = None) -> AlertPayload:
    """Store and apply one payload from `source` for the system whose alert token is `token`.
    Raises NotFound for an unknown token or source (nothing stored) and RejectedAlert with the
    reason for a payload that cannot be read (stored, marked rejected)."""
    if source not in AlertPayload.Source.values:
        raise NotFound(_("No alert source %(source)r; use %(known)s") % {
            "source": source, "known": ", ".join(AlertPayload.Source.values)})
    asset = MonitoredAsset.objects.filter(alert_token=token, is_active=True).first() if token else None
    if asset is None:
        raise NotFound(_("No monitored system has this alert token"))
    at = at or clock.now()
    with transaction.atomic():
        payload = AlertPayload.objects.create(asset=asset, source=source, received_at=at, body=body,
                                              content_type=content_type[:200])
    try:
        verdict = parse(source, body, query)
    except MalformedAlert as exc:
        AlertPayload.objects.filter(pk=payload.pk).update(status=AlertPayload.Status.REJECTED, error=str(exc)[:500])
        raise RejectedAlert(_("Could not read this %(source)s payload: %(error)s") % {
            "source": payload.get_source_display(), "error": exc},
                            field="body") from None
    if verdict.failing is None:
        AlertPayload.objects.filter(pk=payload.pk).update(status=AlertPayload.Status.IGNORED, summary=verdict.detail)
        payload.status, payload.summary = AlertPayload.Status.IGNORED, verdict.detail
        return payload
    section, priority = monitoring_policy()
    with transaction.atomic():
        locked = (MonitoredAsset.objects.select_for_update(of=("self",))
                  .select_related("incident", "organisation").get(pk=asset.pk))
        result = record_outcome(locked, Outcome(ok=not verdict.failing, latency_ms=None, detail=verdict.detail), at,
                                section=section, priority=priority, interval=interval_of(locked, section))
        silenced = verdict.failing and in_maintenance(locked, at) is not None
        status = AlertPayload.Status.SILENCED if silenced else AlertPayload.Status.APPLIED
        AlertPayload.objects.filter(pk=payload.pk).update(status=status, summary=verdict.detail, result=result)
    payload.status, payload.summary, payload.result = status, verdict.detail, result
    return payload
