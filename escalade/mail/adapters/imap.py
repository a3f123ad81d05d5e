"""The IMAP poller (stdlib imaplib): fetch unseen messages from each active Mailbox, store each
one, and only then flag it \\Seen on the server. A crash in between fetches it again next time,
and the Message-ID makes that a no-op."""

from __future__ import annotations

import imaplib
import logging
import re
from dataclasses import dataclass

from escalade import clock
from escalade.mail.adapters import accept
from escalade.mail.models import Mailbox

logger = logging.getLogger("escalade.mail")

TIMEOUT_SECONDS = 60


@dataclass
class PollResult:
    mailbox: Mailbox
    fetched: int = 0
    new: int = 0
    error: str = ""


def poll_all(names: list[str] | None = None, *, limit: int = 500) -> list[PollResult]:
    """Poll every active mailbox (or those named). A failing mailbox does not stop the others;
    its error is stored on it (`last_error`) and returned."""
    boxes = Mailbox.objects.filter(is_active=True).order_by("name")
    if names:
        boxes = boxes.filter(name__in=names)
    return [poll(box, limit=limit) for box in boxes]


def poll(mailbox: Mailbox, *, limit: int = 500) -> PollResult:
    result = PollResult(mailbox)
    try:
        _fetch(mailbox, result, limit)
    except (OSError, imaplib.IMAP4.error) as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        logger.warning("mailbox %s: %s", mailbox.name, result.error)
    mailbox.last_polled_at = clock.now()
    mailbox.last_error = result.error
    mailbox.save(update_fields=["last_polled_at", "last_error"])
    return result


def _fetch(mailbox: Mailbox, result: PollResult, limit: int) -> None:
    cls = imaplib.IMAP4_SSL if mailbox.use_ssl else imaplib.IMAP4
    conn = cls(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS)
    try:
        conn.login(mailbox.username, mailbox.password)
        typ, data = conn.select(_quote(mailbox.folder))
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot open folder {mailbox.folder!r}: {_text(data)}")
        typ, data = conn.uid("SEARCH", None, "UNSEEN")
        if typ != "OK":
            raise imaplib.IMAP4.error(f"search failed: {_text(data)}")
        for uid in (data[0] or b"").split()[:limit]:
            typ, parts = conn.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts or [] if isinstance(p, tuple) and len(p) > 1), None)
            if typ != "OK" or raw is None:
                raise imaplib.IMAP4.error(f"cannot fetch message {uid.decode()}: {_text(parts)}")
            result.fetched += 1
            _, created = accept(raw, source=f"imap:{mailbox.name}", envelope_from=_return_path(raw),
                                envelope_to=[mailbox.address], mailbox=mailbox)
            result.new += created
            conn.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    finally:
        try:
            conn.logout()
        except (OSError, imaplib.IMAP4.error):
            logger.debug("mailbox %s: logout failed", mailbox.name, exc_info=True)


def _quote(folder: str) -> str:
    return folder if re.fullmatch(r"[A-Za-z0-9_./-]+", folder) else '"' + folder.replace('"', '\\"') + '"'


def _return_path(raw: bytes) -> str:
    """The envelope sender the final server recorded (Return-Path), `<>` for bounces."""
    head = raw[:64 * 1024].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    found = re.search(rb"^Return-Path:\s*<([^>]*)>", head, re.I | re.M)
    if found is None:
        return ""
    return found.group(1).decode("ascii", "replace") or "<>"


def _text(data) -> str:
    if isinstance(data, list | tuple):
        return " ".join(_text(d) for d in data if d)
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
