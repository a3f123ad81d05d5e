#!/usr/bin/env python3
"""Check an Escalade audit bundle offline: python3 verifier.py BUNDLE.json [--public-key KEY] [--previous OLD.json]

This one file is all an auditor needs besides Python 3.11 and the `cryptography` package
(pip install cryptography). It imports nothing else from Escalade, and Escalade uses these same
functions, so what the server seals is exactly what this checks.

The audit log is a Merkle tree as in Certificate Transparency (RFC 9162, section 2.1): each event is
a leaf, `SHA-256(0x00 || canonical JSON of the event)`; an interior node is
`SHA-256(0x01 || left || right)`. Escalade's sequencer signs a checkpoint (origin, tree size, root
hash, time) with Ed25519 after each batch. A bundle holds one organisation's events, each with its
inclusion proof against one signed checkpoint, and is itself signed, so:

- every event in it is in the log the checkpoint commits to (inclusion proofs);
- the checkpoint was signed by the key you trust (`--public-key`, published by your provider);
- no byte of the bundle was changed (bundle signature and canonical form);
- with `--previous`, the log of this bundle extends the log of an earlier one (consistency proof):
  nothing that was in it was removed or changed since.

Exit status: 0 verified, 1 verification failed (the reason is printed), 2 could not check.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys

BUNDLE_FORMAT = "escalade-audit-bundle/1"
CHECKPOINT_FORMAT = "escalade-audit-checkpoint/1"


class VerificationError(Exception):
    """The evidence does not hold; the message says where."""


# -- hashing (RFC 9162 2.1.1) ---------------------------------------------------------------------

def canonical(value) -> str:
    """Stable JSON: sorted keys, no spaces, non-ASCII kept as is (encoded as UTF-8 for hashing)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def leaf_hash(content: dict) -> bytes:
    """The leaf hash of one event's content (a dict of plain JSON values)."""
    return hashlib.sha256(b"\x00" + canonical(content).encode()).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


# -- proofs (RFC 9162 2.1.3.2 and 2.1.4.2) ------------------------------------------------------

def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    """The root that `proof` leads to from `leaf` at `index` in a tree of `size` leaves."""
    if not 0 <= index < size:
        raise VerificationError(f"leaf index {index} is outside a tree of {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise VerificationError("inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError("inclusion proof is shorter than the tree is deep")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> None:
    if root_from_inclusion_proof(index, size, leaf, proof) != root:
        raise VerificationError(f"leaf {index} is not in the tree of {size} with root {root.hex()}")


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes,
                       proof: list[bytes]) -> None:
    """Raise unless the tree of `second` leaves extends the tree of `first` leaves."""
    if not 0 < first <= second:
        if first == 0:
            return  # every tree extends the empty one
        raise VerificationError(f"a tree of {second} cannot extend one of {first}")
    if first == second:
        if proof or first_root != second_root:
            raise VerificationError(f"two different roots for the same tree size {first}")
        return
    if not proof:
        raise VerificationError("empty consistency proof")
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two: the old root is a node of the new tree
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise VerificationError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0 or fr != first_root or sr != second_root:
        raise VerificationError(f"the tree of {second} does not extend the tree of {first}: "
                                "events were removed or changed in between")


# -- checkpoints ---------------------------------------------------------------------------------

def checkpoint_body(cp: dict) -> bytes:
    """The signed text of a checkpoint (a C2SP-style note): origin, size, root, time; one per line."""
    root = base64.b64encode(bytes.fromhex(cp["root_hash"])).decode()
    return f"{cp['origin']}\n{int(cp['tree_size'])}\n{root}\n{cp['timestamp']}\n".encode()


def key_id(public_key: bytes) -> str:
    """A short name of a public key: the first 8 bytes of its SHA-256, in hex."""
    return hashlib.sha256(public_key).hexdigest()[:16]


def verify_signature(public_key: bytes, signature: bytes, message: bytes) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        raise VerificationError("bad signature") from None


def verify_checkpoint(cp: dict, public_key: bytes) -> None:
    """Raise unless `cp` was signed by `public_key`."""
    try:
        if cp.get("format") != CHECKPOINT_FORMAT:
            raise VerificationError(f"not an Escalade checkpoint (format {cp.get('format')!r})")
        if cp["key_id"] != key_id(public_key):
            raise VerificationError(f"signed by key {cp['key_id']}, not by the trusted key {key_id(public_key)}")
        verify_signature(public_key, base64.b64decode(cp["signature"]), checkpoint_body(cp))
    except VerificationError as exc:
        raise VerificationError(f"checkpoint of tree size {cp.get('tree_size')} signed at {cp.get('timestamp')}: "
                                f"{exc}") from None
    except (KeyError, ValueError, TypeError) as exc:
        raise VerificationError(f"checkpoint is malformed: {exc}") from None


# -- bundles -------------------------------------------------------------------------------------

def bundle_bytes(bundle: dict) -> bytes:
    """How a bundle is written: canonical JSON and a newline. Anything else was changed."""
    return (canonical(bundle) + "\n").encode()


def signed_part(bundle: dict) -> bytes:
    return canonical({k: v for k, v in bundle.items() if k != "bundle_signature"}).encode()


def verify_bundle(raw: bytes, public_key: bytes | None = None, previous: dict | None = None) -> dict:
    """Check a bundle file's bytes; returns the parsed bundle, or raises VerificationError naming the
    first thing that does not hold."""
    try:
        bundle = json.loads(raw.decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VerificationError(f"not a bundle: {exc}") from None
    if not isinstance(bundle, dict) or bundle.get("format") != BUNDLE_FORMAT:
        raise VerificationError("not an Escalade audit bundle")
    if bundle_bytes(bundle) != raw:
        raise VerificationError("the file is not in the form Escalade writes: it was changed")
    try:
        trusted = public_key or base64.b64decode(bundle["public_key"])
        if base64.b64decode(bundle["public_key"]) != trusted:
            raise VerificationError("the bundle names another public key than the one you trust")
        cp = bundle["checkpoint"]
        verify_checkpoint(cp, trusted)
        try:
            verify_signature(trusted, base64.b64decode(bundle["bundle_signature"]), signed_part(bundle))
        except VerificationError:
            raise VerificationError("the bundle's signature does not match its content: it was changed") from None
        size, root = int(cp["tree_size"]), bytes.fromhex(cp["root_hash"])
        for event in bundle["events"]:
            seq = int(event["seq"])
            content = event["content"]
            if content.get("seq") != seq:
                raise VerificationError(f"event #{seq}: its content names position {content.get('seq')}")
            leaf = leaf_hash(content)
            proof = [bytes.fromhex(h) for h in event["proof"]]
            try:
                verify_inclusion(seq - 1, size, leaf, proof, root)
            except VerificationError:
                raise VerificationError(f"event #{seq} ({content.get('action')} at {content.get('at')}) is not "
                                        f"in the log signed at tree size {size}") from None
        if previous is not None:
            _verify_extends(previous, bundle)
    except VerificationError:
        raise
    except (KeyError, ValueError, TypeError) as exc:
        raise VerificationError(f"the bundle is malformed: {type(exc).__name__}: {exc}") from None
    return bundle


def _verify_extends(previous: dict, bundle: dict) -> None:
    old, new = previous["checkpoint"], bundle["checkpoint"]
    old_size = int(old["tree_size"])
    if old_size == int(new["tree_size"]):
        verify_consistency(old_size, old_size, bytes.fromhex(old["root_hash"]), bytes.fromhex(new["root_hash"]), [])
        return
    for item in bundle.get("consistency", []):
        if int(item["from_size"]) == old_size:
            verify_consistency(old_size, int(new["tree_size"]), bytes.fromhex(old["root_hash"]),
                               bytes.fromhex(new["root_hash"]), [bytes.fromhex(h) for h in item["proof"]])
            return
    raise VerificationError(f"the bundle carries no consistency proof from the earlier tree size {old_size}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify an Escalade audit bundle offline.")
    parser.add_argument("bundle", help="the bundle file (JSON) the provider gave you")
    parser.add_argument("--public-key", help="the provider's audit public key (base64), as published; "
                                             "without it the key inside the bundle is used")
    parser.add_argument("--previous", help="an earlier bundle: check that this log extends it")
    args = parser.parse_args(argv)
    try:
        with open(args.bundle, "rb") as f:
            raw = f.read()
        previous = None
        if args.previous:
            with open(args.previous, "rb") as f:
                previous = verify_bundle(f.read(), base64.b64decode(args.public_key) if args.public_key else None)
        key = base64.b64decode(args.public_key) if args.public_key else None
    except (OSError, ValueError) as exc:
        print(f"could not check: {exc}", file=sys.stderr)
        return 2
    except VerificationError as exc:
        print(f"FAILED (earlier bundle): {exc}")
        return 1
    try:
        bundle = verify_bundle(raw, key, previous)
    except VerificationError as exc:
        print(f"FAILED: {exc}")
        return 1
    cp = bundle["checkpoint"]
    print(f"verified: {len(bundle['events'])} events of {bundle['organisation']['name']} are in the audit log "
          f"signed at {cp['timestamp']} (tree size {cp['tree_size']}, key {cp['key_id']})"
          + (f"; it extends the log of {previous['checkpoint']['timestamp']}" if previous else ""))
    if not args.public_key:
        print("note: checked against the key inside the bundle; compare it with the key your provider publishes "
              f"({bundle['public_key']}) or pass --public-key")
    return 0


if __name__ == "__main__":
    sys.exit(main())
