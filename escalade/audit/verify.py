"""Checking the audit log (`escalade audit verify`): every checkpoint's signature, every sealed
event's content against its leaf hash, the tree of the stored leaves against every checkpoint, and
the log's length against the newest checkpoint. It names the first bad place: an edited event, a
changed actor, a deleted or reordered event, a tail cut off, a forged checkpoint."""

from __future__ import annotations

from dataclasses import dataclass

from escalade.audit import merkle, signing
from escalade.audit.chain import leaf_content
from escalade.audit.models import Checkpoint, Event, LogState
from escalade.audit.verifier import VerificationError, leaf_hash, verify_checkpoint

INTACT, TAMPERED = 0, 1
MISMATCHES_KEPT = 100


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    message: str

    @property
    def exit_code(self) -> int:
        return INTACT if self.ok else TAMPERED


def _describe(event: Event) -> str:
    return f"event #{event.seq} ({event.action} at {event.at:%Y-%m-%d %H:%M:%S} UTC)"


def verify_log(given: dict | None = None, public_key: bytes | None = None, chunk: int = 5000) -> VerifyResult:
    """Verify the whole log; `given` is a checkpoint from outside (an auditor's copy) that the log must
    still contain. Checkpoints must be signed by `public_key` (default: this installation's key).
    Raises NoSigningKey (or a database error) when it cannot check at all."""
    checkpoints = list(Checkpoint.objects.order_by("tree_size"))
    if public_key is None and (checkpoints or given):
        public_key = signing.public_key(create=False)
    targets: dict[int, tuple[bytes, str]] = {}
    for cp in [*(c.as_dict() for c in checkpoints), *([given] if given else [])]:
        name = "the checkpoint you gave" if cp is given else f"the checkpoint signed at {cp['timestamp']}"
        try:
            verify_checkpoint(cp, public_key)
        except VerificationError as exc:
            return VerifyResult(False, 0, f"{name} is forged or altered: {exc}")
        size = int(cp["tree_size"])
        if size in targets and targets[size][0] != bytes.fromhex(cp["root_hash"]):
            return VerifyResult(False, 0, f"{name} and {targets[size][1]} give two roots for {size} events")
        targets.setdefault(size, (bytes.fromhex(cp["root_hash"]), name))

    frontier: list[bytes] = []
    size, last_good = 0, 0
    first_bad: Event | None = None
    mismatched: list[Event] = []
    events = Event.objects.filter(seq__isnull=False).order_by("seq")
    for event in events.iterator(chunk_size=chunk):
        if event.seq != size + 1:
            if first_bad is None:
                return VerifyResult(False, size, f"event #{size + 1} is missing (deleted): the next event in the log "
                                                 f"is #{event.seq}")
            break
        stored = bytes.fromhex(event.leaf_hash) if len(event.leaf_hash) == 64 else b""
        if leaf_hash(leaf_content(event)) != stored:
            first_bad = first_bad or event
            mismatched.append(event)
            if len(mismatched) >= MISMATCHES_KEPT:
                break
        frontier, size = merkle.extend(frontier, size, [stored])
        if first_bad is None and size in targets:
            root, name = targets[size]
            if merkle.frontier_root(frontier) != root:
                return VerifyResult(False, last_good, f"events #{last_good + 1}–#{size} do not match {name} "
                                                      f"(tree size {size}): one of them was changed and sealed again")
            last_good = size
    if first_bad is not None:
        return VerifyResult(False, first_bad.seq - 1, _explain_mismatch(first_bad, mismatched))
    newest = max(targets, default=0)
    if size < newest:
        return VerifyResult(False, size, f"the log ends at event #{size} but {targets[newest][1]} covers {newest} "
                                         f"events: events #{size + 1}–#{newest} were removed")
    state = LogState.objects.filter(pk=1).first()
    if state is not None and state.tree_size > size:
        return VerifyResult(False, size, f"the log ends at event #{size} but the sequencer sealed {state.tree_size}: "
                                         f"events #{size + 1}–#{state.tree_size} were removed")
    unsealed = Event.objects.filter(seq__isnull=True).count()
    note = f"; {unsealed} newer events are waiting to be sealed" if unsealed else ""
    signed = f", signed up to #{newest}" if newest else ""
    return VerifyResult(True, size, f"audit log intact: {size} events{signed}{note}")


def _explain_mismatch(event: Event, others: list[Event]) -> str:
    """Name what happened to an event whose content no longer matches its leaf: moved from another
    place (its content fits the leaf of another position), or altered."""
    stored = event.leaf_hash
    for other in others:
        if other.seq == event.seq:
            continue
        content = leaf_content(event)
        content["seq"] = other.seq
        if leaf_hash(content).hex() == stored:
            return (f"{_describe(event)} was sealed as event #{other.seq}: events were reordered, or removed and "
                    f"renumbered")
    return f"{_describe(event)} was altered: its content no longer matches what was sealed"
