"""Reading each monitor's webhook payload, as its project documents it, into one verdict: is the
system failing now, and what does the alert say. No database here.

- Prometheus Alertmanager (`webhook_config`) and Grafana alerting (webhook contact point) send the
  same shape: `{"status": "firing"|"resolved", "alerts": [{"status", "labels", "annotations",
  "startsAt", "endsAt", …}], …}`. The system is failing while any alert in the group fires.
- Uptime Kuma (webhook notification, JSON body) sends `{"heartbeat": {"status": 0|1|2|3, "msg",
  "time", …}, "monitor": {"name", …}, "msg"}`; 0 is DOWN, 1 UP, 2 PENDING, 3 MAINTENANCE. Its test
  message has no heartbeat.
- healthchecks (webhook integration) posts the body you configure with its placeholders; we read
  `{"status": "$STATUS", "name": "$NAME", "code": "$CODE", "now": "$NOW"}` ($STATUS is "up" or
  "down"), also as a form or query string.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import parse_qs

MAX_BODY = 1_000_000  # bytes; a monitor's alert group is a few kilobytes


class MalformedAlert(ValueError):
    """The payload is not what the monitor documents; the message says what is wrong."""


@dataclass(frozen=True)
class Verdict:
    failing: bool | None  # None: says nothing about the system (a test message, a pending check)
    detail: str  # one line for the check result and the incident


def _json(body: bytes) -> dict:
    if not body.strip():
        raise MalformedAlert("the body is empty; expected a JSON object")
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedAlert(f"the body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise MalformedAlert(f"expected a JSON object, got {type(data).__name__}")
    return data


def _alert_line(alert: dict) -> str:
    labels = alert.get("labels") or {}
    annotations = alert.get("annotations") or {}
    name = labels.get("alertname") or "alert"
    text = annotations.get("summary") or annotations.get("description") or ""
    return f"{name}: {text}" if text else str(name)


def alert_group(body: bytes) -> Verdict:
    """Alertmanager's and Grafana's webhook payload (version 4 of Alertmanager's format)."""
    data = _json(body)
    alerts = data.get("alerts")
    if not isinstance(alerts, list):
        raise MalformedAlert('"alerts" is missing or not a list')
    for i, alert in enumerate(alerts):
        if not isinstance(alert, dict) or alert.get("status") not in ("firing", "resolved"):
            raise MalformedAlert(f'alerts[{i}].status must be "firing" or "resolved"')
        for key in ("labels", "annotations"):
            if not isinstance(alert.get(key, {}), dict):
                raise MalformedAlert(f"alerts[{i}].{key} must be an object")
    if data.get("status") not in ("firing", "resolved"):
        raise MalformedAlert('"status" must be "firing" or "resolved"')
    firing = [a for a in alerts if a["status"] == "firing"]
    if firing:
        more = f" (+{len(firing) - 1} more)" if len(firing) > 1 else ""
        return Verdict(True, (_alert_line(firing[0]) + more)[:500])
    resolved = ", ".join(_alert_line(a) for a in alerts)
    return Verdict(False, f"resolved: {resolved}"[:500] if resolved else "resolved")


UPTIME_KUMA_STATES = {0: True, 1: False, 2: None, 3: None}  # DOWN, UP, PENDING, MAINTENANCE


def uptime_kuma(body: bytes) -> Verdict:
    data = _json(body)
    heartbeat = data.get("heartbeat")
    if heartbeat is None:
        return Verdict(None, f"test message: {data.get('msg', '')}"[:500])
    if not isinstance(heartbeat, dict) or heartbeat.get("status") not in UPTIME_KUMA_STATES:
        raise MalformedAlert("heartbeat.status must be 0 (down), 1 (up), 2 (pending) or 3 (maintenance)")
    monitor = data.get("monitor") or {}
    name = monitor.get("name", "") if isinstance(monitor, dict) else ""
    text = heartbeat.get("msg") or data.get("msg") or ""
    return Verdict(UPTIME_KUMA_STATES[heartbeat["status"]], f"{name}: {text}".strip(": ")[:500])


def healthchecks(body: bytes, query: str = "") -> Verdict:
    fields: dict = {}
    if body.strip().startswith(b"{"):
        fields = _json(body)
    elif body.strip():
        fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8", errors="replace")).items()}
    fields = {**{k: v[0] for k, v in parse_qs(query).items()}, **fields}
    status = str(fields.get("status", "")).lower()
    if status not in ("up", "down"):
        raise MalformedAlert('"status" must be "up" or "down" (healthchecks\' $STATUS)')
    name = fields.get("name") or fields.get("code") or "check"
    return Verdict(status == "down", f"{name} is {status}"[:500])


def parse(source: str, body: bytes, query: str = "") -> Verdict:
    """The verdict of one payload from `source`; raises MalformedAlert."""
    if len(body) > MAX_BODY:
        raise MalformedAlert(f"the body is {len(body):,} bytes; at most {MAX_BODY:,} are read")
    if source in ("alertmanager", "grafana"):
        return alert_group(body)
    if source == "uptime-kuma":
        return uptime_kuma(body)
    if source == "healthchecks":
        return healthchecks(body, query)
    raise MalformedAlert(f"unknown source {source!r}")
