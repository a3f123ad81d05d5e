"""What `escalade export` writes and `escalade import escalade` reads: every table of Escalade's
apps and the users, in an order where each row's references come before it — the audit trail
included (events, the log's state and its signed checkpoints, as they are, so the exported events
still verify against their checkpoints).

Left out: sessions, the admin's log, the task queue's rows (work in flight, not data) and the
rate limits' token buckets (escalade.throttle)."""

from __future__ import annotations

from django.apps import apps
from django.core.serializers import sort_dependencies

APPS = ["auth", "audit", "policy", "orgs", "tickets", "queueviews", "sla", "escalation", "notifications", "mail",
        "monitoring", "kb", "surveys", "webhooks", "transfer", "api", "accounts", "otp_totp"]
SKIPPED = {"auth.permission", "auth.group"}  # made by migrations; groups are not used by Escalade


def kinds() -> list[type]:
    """The models exported, references first."""
    pairs = [(apps.get_app_config(label), None) for label in APPS if label in apps.app_configs]
    models = sort_dependencies(pairs, allow_cycles=True)
    return [m for m in models if m._meta.label_lower not in SKIPPED and not m._meta.proxy]


def file_name(model) -> str:
    return f"{model._meta.label_lower}.jsonl"
