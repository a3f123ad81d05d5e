"""Trimming a reply to what the sender wrote: the quoted history ("On … wrote:", Outlook's
"-----Original Message-----" or From:/Sent: block, `>` lines) and the signature go. The raw
message keeps everything. Pure Python."""

from __future__ import annotations

import re

#: Put at the top of every message we send, in the reader's language; a reply is cut here.
REPLY_ABOVE = "##- Please type your reply above this line -##"

_CUT_LINE = [
    re.compile(r"^\s*##- Please type your reply above this line -##", re.I),
    re.compile(r"^\s*##- .{1,120} -##\s*$"),  # the same line in another language (outbound.reply_above)
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}", re.I),
    re.compile(r"^\s*-{2,}\s*Reply above this line", re.I),
    re.compile(r"^\s*_{10,}\s*$"),  # Outlook's rule above the From:/Sent: block
    re.compile(r"^\s*On\b.{0,300}\bwrote:\s*$", re.I),
    re.compile(r"^\s*Le\b.{0,300}\ba écrit\s?:\s*$", re.I),
    re.compile(r"^\s*Am\b.{0,300}\bschrieb\b.{0,200}:\s*$", re.I),
    re.compile(r"^\s*El\b.{0,300}\bescribió:\s*$", re.I),
]
# "On Mon, 23 Nov 2026 at 09:00, Vera <vera@example.com>" + "wrote:" on the next line.
_ON_START = re.compile(r"^\s*On\b.{0,300}$", re.I)
_WROTE_END = re.compile(r"^.{0,200}\bwrote:\s*$", re.I)
_HEADER_BLOCK = re.compile(r"^\s*\*?From:\*?\s+\S", re.I)
_HEADER_NEXT = re.compile(r"^\s*\*?(Sent|Date|To|Subject):\*?\s", re.I)
_SIGNATURE = [
    re.compile(r"^-- ?$"),
    re.compile(r"^\s*Sent from my (iPhone|iPad|Android|BlackBerry|mobile)", re.I),
    re.compile(r"^\s*(Get|Sent from) Outlook for (iOS|Android)", re.I),
]


def visible_reply(text: str) -> str:
    """The new part of a reply: cut at the first quote header, drop trailing `>` lines and the
    signature. When that leaves nothing (inline answers between quotes), only the signature goes."""
    lines = text.replace("\r\n", "\n").split("\n")
    cut = _first_cut(lines)
    kept = lines[:cut] if cut is not None else lines
    kept = _drop_signature(kept)
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    result = "\n".join(kept).strip()
    return result or without_signature(text)


def without_signature(text: str) -> str:
    """The text without its signature (for the first message of a ticket, whose quoted part may
    be what the ticket is about)."""
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(_drop_signature(lines)).strip() or text.strip()


def _first_cut(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        if any(p.match(line) for p in _CUT_LINE):
            return i
        if _ON_START.match(line) and i + 1 < len(lines) and _WROTE_END.match(lines[i + 1]):
            return i
        if _HEADER_BLOCK.match(line) and i > 0 and any(_HEADER_NEXT.match(n) for n in lines[i + 1:i + 4]):
            return i
    return None


def _drop_signature(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if i > 0 and any(p.match(line) for p in _SIGNATURE):
            return lines[:i]
    return lines
