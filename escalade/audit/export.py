"""What a customer takes away to check the audit log: one organisation's events with their inclusion
proofs against the latest signed checkpoint, consistency proofs from the checkpoints of its earlier
exports, and a signature over the whole bundle (checked offline by verifier.py)."""

from __future__ import annotations

import datetime as dt
import functools

from django.utils.translation import gettext as _

from escalade import clock
from escalade.audit import signing
from escalade.audit.chain import leaf_content, record
from escalade.audit.merkle import Tree
from escalade.audit.models import Event
from escalade.audit.sequencer import latest_checkpoint
from escalade.audit.verifier import BUNDLE_FORMAT, bundle_bytes, signed_part
from escalade.errors import DomainError

EXPORTED = "audit.exported"
CONSISTENCY_PROOFS_KEPT = 20


@functools.lru_cache(maxsize=1)
def _tree(size: int, root_hash: str) -> Tree:
    """The tree of the first `size` leaves, built once per checkpoint (sealed leaves never change)."""
    leaves = [bytes.fromhex(h) for h in Event.objects.filter(seq__isnull=False, seq__lte=size)
              .order_by("seq").values_list("leaf_hash", flat=True)]
    tree = Tree(leaves)
    if len(leaves) != size or tree.hash().hex() != root_hash:
        _tree.cache_clear()
        raise DomainError(_("The audit log does not match its latest checkpoint; run `escalade audit verify`."))
    return tree


def consistency_proof(first: int) -> dict:
    """The proof that the latest checkpoint's tree extends the tree of its first `first` events."""
    cp = latest_checkpoint()
    if cp is None or not 0 < first <= cp.tree_size:
        raise DomainError(_("no tree of %(first)s events to prove against (the latest checkpoint covers "
                            "%(covered)s)") % {"first": first, "covered": cp.tree_size if cp else 0}, field="first")
    tree = _tree(cp.tree_size, cp.root_hash)
    return {"first": first, "first_root": tree.hash(0, first).hex(), "checkpoint": cp.as_dict(),
            "proof": [h.hex() for h in tree.consistency_proof(first, cp.tree_size)]}


def organisation_bundle(*, organisation_id: int, key: str, name: str, actor: str, actor_user=None,
                        at: dt.datetime | None = None) -> bytes:
    """The bundle file (canonical JSON) of one organisation's sealed events; the export itself is
    audited. Events not sealed yet (the last seconds) are counted, not included."""
    cp = latest_checkpoint()
    if cp is None:
        raise DomainError(_("Nothing has been sealed in the audit log yet; try again in a minute."))
    at = at or clock.now()
    tree = _tree(cp.tree_size, cp.root_hash)
    mine = Event.objects.filter(organisation_id=organisation_id)
    events = [{"seq": e.seq, "content": leaf_content(e),
               "proof": [h.hex() for h in tree.inclusion_proof(e.seq - 1, cp.tree_size)]}
              for e in mine.filter(seq__isnull=False, seq__lte=cp.tree_size).order_by("seq")]
    earlier = (mine.filter(action=EXPORTED).order_by("-id").values_list("after__tree_size", flat=True))
    sizes = [s for s in dict.fromkeys(earlier) if isinstance(s, int) and 0 < s < cp.tree_size]
    bundle = {
        "format": BUNDLE_FORMAT,
        "organisation": {"key": key, "name": name},
        "created_at": at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "public_key": signing.public_key_text(),
        "checkpoint": cp.as_dict(),
        "events": events,
        "consistency": [{"from_size": s, "proof": [h.hex() for h in tree.consistency_proof(s, cp.tree_size)]}
                        for s in sizes[:CONSISTENCY_PROOFS_KEPT]],
        "not_sealed_yet": mine.filter(seq__isnull=True).count(),
    }
    bundle["bundle_signature"] = signing.sign(signed_part(bundle))
    record(actor=actor, actor_user=actor_user, action=EXPORTED, object_type="organisation",
           object_id=str(organisation_id), organisation_id=organisation_id, at=at,
           after={"tree_size": cp.tree_size, "events": len(events)})
    return bundle_bytes(bundle)
