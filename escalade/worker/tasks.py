"""Entry points for the Tasks API (django-tasks). Each loads what it needs and calls one domain
function; they run in `escalade worker` (and inside `escalade demo`)."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger("escalade.worker")


@task()
def verify_audit_log() -> dict:
    """Self-audit: check the audit log in the background and log the verdict."""
    from escalade.audit.verify import verify_log

    result = verify_log()
    (logger.info if result.ok else logger.error)("audit: %s", result.message)
    return {"ok": result.ok, "checked": result.checked, "message": result.message}


@task()
def process_inbound_email(inbound_id: int) -> dict:
    """Parse a stored inbound email and act on it. No longer enqueued (the worker's sweep claims
    received mail in batches); kept so that tasks queued by an earlier version still run."""
    from escalade.mail.intake import process

    return {"inbound_email": inbound_id, "status": process(inbound_id)}
