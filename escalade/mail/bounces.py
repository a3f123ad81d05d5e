"""Recognising delivery status notifications (bounces, RFC 3464) and reading who failed and why.
Pure Python: works on a parsed message."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from email.message import Message

from escalade.mail.parse import ParsedEmail, first_message_id, header

_DAEMONS = ("mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon")
_BOUNCE_SUBJECT = re.compile(
    r"(undeliver|delivery status notification|delivery (has )?failed|returned mail|failure notice|"
    r"mail delivery (failed|failure|subsystem)|non.?delivery|could not be delivered)", re.I)
_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")


@dataclass
class Failure:
    address: str
    status: str = ""
    reason: str = ""


@dataclass
class BounceReport:
    failures: list[Failure] = field(default_factory=list)
    original_message_id: str = ""
    delayed_only: bool = False  # a "delivery delayed" warning: nothing failed (yet)

    def describe(self) -> str:
        if self.delayed_only:
            return "delivery delayed warning"
        if not self.failures:
            return "delivery failure report"
        return "; ".join(f"{f.address} {f.status} {f.reason}".strip() for f in self.failures)[:500]


def bounce_report(p: ParsedEmail, envelope_from: str = "") -> BounceReport | None:
    """The bounce this message reports, or None when it is not a bounce."""
    msg = p.message
    if msg.get_content_type() == "multipart/report" and (
            (msg.get_param("report-type") or "").lower() == "delivery-status"):
        return _dsn(msg)
    from_daemon = p.from_address.split("@", 1)[0] in _DAEMONS
    null_sender = envelope_from.strip() == "<>"  # MAIL FROM:<> (stored as "<>")
    if (from_daemon or null_sender) and _BOUNCE_SUBJECT.search(p.subject):
        return _informal(p)
    if from_daemon and p.has_header("X-Failed-Recipients"):
        return _informal(p)
    return None


def _dsn(msg: Message) -> BounceReport:
    report = BounceReport()
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            blocks = part.get_payload()
            if isinstance(blocks, str):  # not split into header blocks by the parser
                blocks = _blocks_from_text(blocks)
            actions = []
            for block in blocks[1:] if len(blocks) > 1 else blocks:
                recipient = _after_type(_get(block, "Final-Recipient") or _get(block, "Original-Recipient"))
                action = _get(block, "Action").lower()
                if not recipient:
                    continue
                actions.append(action)
                if action in ("failed", ""):
                    diagnostic = _after_type(_get(block, "Diagnostic-Code"))
                    report.failures.append(Failure(recipient.lower(), _get(block, "Status"), diagnostic[:300]))
            report.delayed_only = bool(actions) and all(a == "delayed" for a in actions)
        elif ctype in ("message/rfc822", "text/rfc822-headers") and not report.original_message_id:
            report.original_message_id = _original_id(part)
    return report


def _informal(p: ParsedEmail) -> BounceReport:
    report = BounceReport()
    failed = p.header("X-Failed-Recipients")
    status = _STATUS.search(p.text)
    for address in re.findall(r"[\w.+'-]+@[\w.-]+\.\w+", failed):
        report.failures.append(Failure(address.lower(), status.group(1) if status else "", p.subject[:200]))
    for part in p.message.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            report.original_message_id = _original_id(part)
            break
    return report


def _original_id(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        return first_message_id(header(payload[0], "Message-ID"))
    if isinstance(payload, str):
        found = re.search(r"^Message-ID:\s*(.+)$", payload, re.I | re.M)
        return first_message_id(found.group(1)) if found else ""
    return ""


def _get(block: Message, name: str) -> str:
    return header(block, name) if isinstance(block, Message) else ""


def _after_type(value: str) -> str:
    """`rfc822; bob@example.com` → `bob@example.com`; `smtp; 550 5.1.1 …` → `550 5.1.1 …`."""
    return value.split(";", 1)[1].strip() if ";" in value else value.strip()


def _blocks_from_text(text: str) -> list[Message]:
    chunks = re.split(r"\r?\n\r?\n", text)
    return [email.message_from_string(chunk, policy=email.policy.compat32) for chunk in chunks if chunk.strip()]

