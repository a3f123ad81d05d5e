"""Raw message bytes → `ParsedEmail`: headers decoded, the text of the message, attachments.

Real mail is often malformed, so nothing here trusts it: the stdlib parser runs with the
lenient `compat32` policy (it records defects instead of raising), headers are decoded by hand
(RFC 2047 words in unknown charsets, raw 8-bit bytes), bodies fall back through charsets, and an
HTML-only message is turned into text. Pure Python, no Django.
"""

from __future__ import annotations

import datetime as dt
import email
import email.header
import email.policy
import email.utils
import mimetypes
import re
from dataclasses import dataclass, field
from email.message import Message

from escalade.mail.htmltext import html_to_text

_MSGID = re.compile(r"<([^<>\s]+)>")
_FOLD = re.compile(r"\r?\n[ \t]+")


@dataclass
class Part:
    """An attachment or inline image."""

    filename: str
    content_type: str
    payload: bytes
    inline: bool = False
    content_id: str = ""

    @property
    def size(self) -> int:
        return len(self.payload)


@dataclass
class ParsedEmail:
    message: Message = field(repr=False)
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_name: str = ""
    from_address: str = ""
    reply_to: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    date: dt.datetime | None = None
    text: str = ""  # the whole text of the message, quoted history included
    from_html: bool = False
    attachments: list[Part] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what was repaired: charsets, defects

    def header(self, name: str) -> str:
        return header(self.message, name)

    def has_header(self, name: str) -> bool:
        return any(k.lower() == name.lower() for k, _ in self.message.raw_items())


def parse(raw: bytes) -> ParsedEmail:
    """Parse a message. Never raises for malformed input; what had to be repaired is listed in
    `problems`."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    p = ParsedEmail(message=msg)
    p.message_id = first_message_id(header(msg, "Message-ID"))
    p.in_reply_to = message_ids(header(msg, "In-Reply-To"))
    p.references = message_ids(header(msg, "References"))
    p.subject = " ".join(header(msg, "Subject").split())[:300]
    sender = header(msg, "From") or header(msg, "Sender")
    p.from_name, p.from_address = _address(sender)
    p.reply_to = _address(header(msg, "Reply-To"))[1]
    p.to = [a for _, a in email.utils.getaddresses([header(msg, "To")]) if "@" in a]
    p.cc = [a for _, a in email.utils.getaddresses([header(msg, "Cc")]) if "@" in a]
    p.date = _date(header(msg, "Date"))
    texts: list[tuple[str, str]] = []
    _visit(msg, p, texts, wanted=True)
    parts = []
    for ctype, text in texts:
        if ctype == "text/html":
            p.from_html = True
            parts.append(html_to_text(text))
        else:
            parts.append(text)
    p.text = "\n\n".join(t.strip("\n") for t in parts if t.strip()).replace("\r\n", "\n").replace("\r", "\n")
    if msg.defects:
        p.problems.append("malformed message: " + ", ".join(sorted({type(d).__name__ for d in msg.defects})))
    return p


# -- headers -------------------------------------------------------------------------------------

def header(msg: Message, name: str) -> str:
    """The decoded value of the first `name` header ('' when absent), whatever its encoding."""
    wanted = name.lower()
    for key, value in msg.raw_items():
        if key.lower() == wanted:
            return decode_header_value(str(value))
    return ""


def decode_header_value(value: str) -> str:
    """Unfold and decode a raw header: RFC 2047 encoded words (any charset, unknown ones read as
    UTF-8 or Latin-1) and raw 8-bit bytes (UTF-8, else Windows-1252)."""
    value = _FOLD.sub(" ", value).replace("\r", "").replace("\n", "")
    value = _undo_surrogates(value)
    if "=?" not in value:
        return value.strip()
    try:
        chunks = email.header.decode_header(value)
    except Exception:  # a malformed encoded word: keep the text as written
        return value.strip()
    out = []
    for chunk, charset in chunks:
        out.append(chunk if isinstance(chunk, str) else decode_bytes(chunk, charset)[0])
    return "".join(out).strip()


def _undo_surrogates(value: str) -> str:
    """The parser keeps raw 8-bit header bytes as surrogate escapes; decode them properly."""
    if not any("\udc80" <= c <= "\udcff" for c in value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    return decode_bytes(data, None)[0]


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """Text from bytes in the declared charset; when that is unknown or wrong, UTF-8, then
    Windows-1252. Returns (text, the repair made or None)."""
    declared = (charset or "").strip().strip('"').lower() or None
    if declared in ("us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252") and (
            any(b > 0x7F for b in data)):
        # Mail declared ASCII or Latin-1 is very often UTF-8 in fact: prefer UTF-8 when it decodes.
        try:
            text = data.decode("utf-8")
            return text, None if declared not in ("us-ascii", "ascii") else f"declared {declared}, read as UTF-8"
        except UnicodeDecodeError:
            pass
    if declared:
        try:
            return data.decode(declared), None
        except LookupError:
            problem = f"unknown charset {declared!r}"
        except UnicodeDecodeError:
            problem = f"text is not valid {declared}"
    else:
        problem = None
    try:
        return data.decode("utf-8"), (f"{problem}, read as UTF-8" if problem else None)
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        return text, f"{problem or 'undeclared 8-bit text'}, read as Windows-1252"


def first_message_id(value: str) -> str:
    ids = message_ids(value)
    if ids:
        return ids[0][:255]
    value = value.strip()
    return value[:255] if value and " " not in value else ""


def message_ids(value: str) -> list[str]:
    """The ids in a Message-ID, In-Reply-To or References header, without angle brackets."""
    return [m[:255] for m in _MSGID.findall(value or "")]


def _address(value: str) -> tuple[str, str]:
    if not value:
        return "", ""
    try:
        name, address = email.utils.parseaddr(value)
    except Exception:
        return "", ""
    if "@" not in address:
        found = re.search(r"[\w.+'-]+@[\w.-]+\.\w+", value)
        address = found.group(0) if found else ""
    return name.strip()[:200], address.strip().lower()[:320]


def _date(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return when.astimezone(dt.UTC)


# -- the body and attachments --------------------------------------------------------------------

def _visit(part: Message, p: ParsedEmail, texts: list[tuple[str, str]], *, wanted: bool) -> None:
    """Collect the text parts of the chosen alternatives in `texts` and everything else as
    attachments."""
    ctype = part.get_content_type()
    if ctype == "message/rfc822":
        inner = part.get_payload()
        data = inner[0].as_bytes() if isinstance(inner, list) and inner else b""
        subject = header(inner[0], "Subject") if isinstance(inner, list) and inner else ""
        name = _safe_name(subject or "forwarded message") + ".eml"
        p.attachments.append(Part(name, "message/rfc822", data))
        return
    if ctype.startswith("multipart/") and not part.is_multipart():
        _boundary_never_came(part, p, texts, wanted=wanted)
        return
    if part.is_multipart():
        subparts = [s for s in part.get_payload() if isinstance(s, Message)]
        best = _best_alternative(subparts) if ctype == "multipart/alternative" else None
        for sub in subparts:
            _visit(sub, p, texts, wanted=wanted and (best is None or sub is best))
        return
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    filename = _filename(part)
    if ctype in ("text/plain", "text/html") and disposition != "attachment" and not (
            filename and disposition == "inline" and ctype == "text/html"):
        if wanted:
            payload = _payload(part, p)
            text, problem = decode_bytes(payload, part.get_content_charset())
            if problem:
                p.problems.append(f"charset: {problem}")
            texts.append((ctype, text))
        return
    payload = _payload(part, p)
    if not payload and not filename:
        return
    content_id = (part.get("Content-ID") or "").strip().strip("<>")
    inline = disposition == "inline" or (not disposition and bool(content_id))
    if not filename:
        ext = mimetypes.guess_extension(ctype) or ".bin"
        filename = f"{'inline' if inline else 'attachment'}-{len(p.attachments) + 1}{ext}"
    p.attachments.append(Part(filename, ctype, payload, inline=inline, content_id=content_id))


def _boundary_never_came(part: Message, p: ParsedEmail, texts: list[tuple[str, str]], *, wanted: bool) -> None:
    """A multipart whose declared boundary never appears in its body: the body is what the sender
    wrote, so it is read as plain text (in the declared charset) rather than kept as an attachment
    nobody opens."""
    payload = _payload(part, p)
    if not payload.strip() or not wanted:
        return
    text, problem = decode_bytes(payload, part.get_content_charset() or part.get_param("charset"))
    if problem:
        p.problems.append(f"charset: {problem}")
    p.problems.append("the multipart boundary never appears: its body read as text")
    texts.append(("text/plain", text))


def _best_alternative(subparts: list[Message]) -> Message | None:
    """Plain text if the message offers it, else the last (richest) alternative."""
    def has_plain(m: Message) -> bool:
        if m.get_content_type() == "text/plain":
            return True
        return m.is_multipart() and any(has_plain(s) for s in m.get_payload() if isinstance(s, Message))

    for sub in subparts:
        if has_plain(sub):
            return sub
    return subparts[-1] if subparts else None


def _payload(part: Message, p: ParsedEmail) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # undecodable transfer encoding: keep the bytes as sent
        p.problems.append("undecodable content transfer encoding")
        raw = part.get_payload()
        data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    if data is None:
        raw = part.get_payload()
        data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    return data


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or part.get_param("name") or ""
    except Exception:
        name = ""
    if isinstance(name, tuple):  # an RFC 2231 value the parser could not collapse
        name = email.utils.collapse_rfc2231_value(name)
    return _safe_name(decode_header_value(str(name))) if name else ""


def _safe_name(name: str) -> str:
    """A file name without directories or control characters, at most 150 characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]+", "_", name).strip(" .")
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 150 - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else name[:150]
    return name or "attachment"
