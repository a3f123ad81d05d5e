"""Sending the latest signed checkpoint to an outside auditor (ESCALADE_AUDIT_AUDITOR_EMAIL, and/or
ESCALADE_AUDIT_AUDITOR_WEBHOOK naming a configured webhook endpoint), at most every
ESCALADE_AUDIT_PUBLISH_MINUTES. A copy held outside Escalade is what shows a log cut short even by
someone who also deleted the stored checkpoints."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.db import transaction

from escalade.audit import signing
from escalade.audit.models import LogState
from escalade.audit.sequencer import latest_checkpoint


def publish_checkpoint(now: dt.datetime) -> int:
    """Worker sweep: queue the latest checkpoint for the auditor when it is time; returns 1 if queued."""
    targets = [(channel, to) for channel, to in (("email", settings.ESCALADE_AUDIT_AUDITOR_EMAIL),
                                                 ("webhook", settings.ESCALADE_AUDIT_AUDITOR_WEBHOOK)) if to]
    if not targets:
        return 0
    with transaction.atomic():
        state = LogState.objects.select_for_update().filter(pk=1).first()
        every = dt.timedelta(minutes=settings.ESCALADE_AUDIT_PUBLISH_MINUTES)
        if state is None or (state.published_at is not None and now - state.published_at < every):
            return 0
        checkpoint = latest_checkpoint()
        if checkpoint is None:
            return 0
        from escalade.notifications.outbox import enqueue

        document = {**checkpoint.as_dict(), "public_key": signing.public_key_text()}
        text = json.dumps(document, indent=2, sort_keys=True)
        for channel, to in targets:
            enqueue(channel=channel, recipient=to, kind="audit_checkpoint",
                    subject=f"Escalade audit checkpoint: {checkpoint.tree_size} events at {checkpoint.timestamp}",
                    body=f"The latest signed checkpoint of the audit log. Keep it: `escalade audit verify "
                         f"--checkpoint FILE` proves the log still contains everything it covers.\n\n{text}\n",
                    dedupe_key=f"audit.checkpoint:{checkpoint.tree_size}:{channel}", payload=document)
        state.published_at = now
        state.save(update_fields=["published_at"])
    return 1
