"""The Ed25519 key that signs the audit log's checkpoints.

It comes from `ESCALADE_AUDIT_SIGNING_KEY` (a PEM private key, or the 32-byte seed in base64) or
else from the file `audit_signing_key` in the data directory, made on first use (mode 0600). Every
process that may run the sequencer needs the same key: on several machines, give it by the
environment. Verifying needs only the public key (`escalade audit public-key`)."""

from __future__ import annotations

import base64
import functools
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from escalade.audit import verifier
from escalade.errors import SettingsError

KEY_FILE_NAME = "audit_signing_key"


def key_file() -> Path:
    return Path(settings.DATA_DIR) / KEY_FILE_NAME


def _from_text(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("not an Ed25519 key")
        return key
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))


class NoSigningKey(SettingsError):
    pass


@functools.lru_cache(maxsize=4)
def _load(env_text: str, path: str, create: bool = True) -> Ed25519PrivateKey:
    if env_text:
        try:
            return _from_text(env_text)
        except ValueError as exc:
            raise SettingsError(f"ESCALADE_AUDIT_SIGNING_KEY is not an Ed25519 private key (PEM, or 32 bytes in "
                                f"base64): {exc}") from None
    file = Path(path)
    if not file.exists() and not create:
        raise NoSigningKey(f"no audit signing key: set ESCALADE_AUDIT_SIGNING_KEY or restore {file}")
    if not file.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        # Created 0600 and only if absent: two processes starting at once keep the first one's key.
        try:
            fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(pem)
    try:
        return _from_text(file.read_text())
    except ValueError as exc:
        raise SettingsError(f"{file} is not an Ed25519 private key: {exc}") from None


def private_key(create: bool = True) -> Ed25519PrivateKey:
    """The signing key; made on first use unless `create` is False (then NoSigningKey)."""
    return _load(os.environ.get("ESCALADE_AUDIT_SIGNING_KEY", ""), str(key_file()), create)


def public_key(create: bool = True) -> bytes:
    """The raw 32-byte public key."""
    key = private_key(create).public_key()
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_text() -> str:
    """The public key as published: base64 of the raw 32 bytes."""
    return base64.b64encode(public_key()).decode()


def key_id() -> str:
    return verifier.key_id(public_key())


def sign(message: bytes) -> str:
    """The Ed25519 signature of `message`, in base64."""
    return base64.b64encode(private_key().sign(message)).decode()
