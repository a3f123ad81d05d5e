"""How the guide says things: hours, durations, targets, priorities and people, in words."""

from __future__ import annotations

import re

from escalade.escalation.explain import who
from escalade.policy import Policy, Target
from escalade.policy import calendars as cal
from escalade.policy.durations import parse_duration
from escalade.tickets.services import INFO_LABELS


def hours(policy: Policy, key: str) -> str:
    """A calendar's hours in English; `customer` zones read "your local time", and customer
    holidays (`holiday_country: customer`) "your public holidays"."""
    spec = policy.calendar_spec(key)
    if spec.always:
        return "around the clock, 24×7"
    return (cal.summarize(spec).replace("customer time", "(your local time)")
            .replace("each customer's public holidays", "your public holidays"))


def duration(text: str) -> str:
    """A duration as the guide says it: "4 business hours", "1 hour, around the clock", "1 week"."""
    d = parse_duration(text)
    words = d.describe().removesuffix(", 24x7")
    if d.unit == "days" and not d.business and d.amount % 7 == 0:
        weeks = int(d.amount // 7)
        words = f"{weeks} week{'s' if weeks != 1 else ''}"
    elif d.wall_clock:
        words += ", around the clock"
    return words


def target(t: Target | None) -> str:
    """One target as a reader needs it: how long, and on which hours."""
    if t is None:
        return "—"
    d = t.duration
    words = d.describe().removesuffix(", 24x7")
    if d.business:
        return words
    if d.wall_clock or t.policy.calendar_spec(t.calendar_key).always:
        return f"{words}, 24×7"
    return f"{words} (support hours)"


def priority_name(policy: Policy, key: str) -> str:
    p = policy.priorities[key]
    return f"{key} ({p.name})" if p.name.lower() != key.lower() else key


def names(policy: Policy, keys: list[str], what: str) -> str:
    items = getattr(policy, what)
    return ", ".join(items[k].name if k in items else k for k in keys)


def who_of(policy: Policy, role: str) -> str:
    """A role in words: "the Head of Support", "the Security team" (not "the Security Team team")."""
    return re.sub(r"(?i)\b(team) team\b", r"\1", who(role, policy))


def labels(fields: list[str]) -> list[str]:
    """Intake fields as the acknowledgement words them ("the steps to reproduce the issue")."""
    return [INFO_LABELS.get(f, f.replace("_", " ")) for f in fields]


def channel_name(policy: Policy, key: str) -> str:
    ch = policy.channels[key]
    return ch.name or key.replace("_", " ").capitalize()


def sentences(*parts: str) -> str:
    """Parts joined into one run of text: "; " between phrases, a space after a full stop."""
    out = ""
    for part in (" ".join(p.split()) for p in parts if p and p.strip()):
        out += ("" if not out else " " if out.endswith((".", "!", "?", ":")) else "; ") + part
    return out


def paragraphs(text: str) -> list[str]:
    """Free text as paragraphs: a wrapped line continues its paragraph; a line after one that ends
    a sentence, starting with a capital or a section number, starts a new one."""
    out: list[str] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            out.append("")
        elif out and out[-1] and not (out[-1].endswith((".", ":", ")")) and (line[0].isupper() or line[0].isdigit())):
            out[-1] += " " + line
        else:
            out.append(line)
    return [p for p in out if p]


def rules_in_words(lines: list[str], policy: Policy) -> list[str]:
    """`escalation.explain` lines as a customer reads them: without template keys, notes for agents
    or calendar codes."""
    templates = "|".join(re.escape(k) for k in policy.escalation.templates) or "(?!)"
    out = []
    for line in lines:
        line = re.sub(rf" \(({templates})\)", "", line).replace(" Shown to the customer.", "")
        out.append(re.sub(r"(?i)\b(team) team\b", r"\1", line.replace(", 24x7", "")))
    return out
