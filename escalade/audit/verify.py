"""Checking the audit chain: recompute every hash in order and name the first bad event."""

from __future__ import annotations

from dataclasses import dataclass

from escalade.audit.chain import event_hash
from escalade.audit.models import AuditHead, Event


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    message: str


def verify_chain(batch_size: int = 2000) -> VerifyResult:
    """Walk the whole chain; stop at the first event whose link or content does not match."""
    prev_hash = ""
    expected_seq = 1
    checked = 0
    for event in Event.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return VerifyResult(False, checked, f"event #{expected_seq} is missing (next found is #{event.seq})")
        if event.prev_hash != prev_hash:
            return VerifyResult(False, checked, f"event #{event.seq} does not link to event #{event.seq - 1}")
        digest = event_hash(
            prev_hash,
            seq=event.seq,
            at=event.at,
            actor=event.actor,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            ticket_id=event.ticket_id,
            before=event.before,
            after=event.after,
        )
        if digest != event.hash:
            return VerifyResult(
                False, checked, f"event #{event.seq} ({event.action} at {event.at:%Y-%m-%d %H:%M:%S} UTC) was altered"
            )
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != prev_hash):
        return VerifyResult(False, checked, f"events after #{checked} were removed (the chain head is #{head.seq})")
    return VerifyResult(True, checked, f"audit chain intact: {checked} events")
