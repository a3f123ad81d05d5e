"""Finding internal names (policy keys, audit action names, status keys) in what a person reads.

`visible_text(html)` keeps only the text a browser shows (no tags, attribute values, scripts or
styles); `internal_names(text, keys)` lists the identifiers in it that are internal keys: snake_case
(`level_manager`, `in_progress`) or dotted (`sla.clocks_started`) words that the policy, the audit
log or the code use as keys. Plain one-word keys (`standard`, `P1`, `L2`) read as words and are not
looked for."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from escalade.audit.models import Event
from escalade.escalation.actions import KINDS
from escalade.policy import Policy
from escalade.policy.schema_escalation import BUILT_IN_ROLES
from escalade.sla.models import ClockKind
from escalade.tickets.models import Channel, Kind, ResolutionType, Status

# An identifier with an underscore or a dot between lower-case words: the shape of a key.
KEY_SHAPE = re.compile(r"(?<![\w@./-])[a-z][a-z0-9]*(?:[._][a-z0-9]+)+(?![\w@/-])")

# Audit action names that exist in code even when no scenario records them.
AUDIT_ACTIONS = {
    "ticket.opened", "ticket.status_changed", "ticket.updated", "ticket.replied", "ticket.note_added",
    "ticket.escalation_requested", "ticket.linked", "ticket.policy_reapplied", "ticket.keyword_matched",
    "ticket.priority_change_requested", "ticket.priority_change_accepted", "ticket.priority_change_declined",
    "sla.clocks_started", "sla.clocks_retargeted", "sla.breached", "escalation.fired",
    "escalation.follow_ups_created", "escalation.follow_up_overdue", "escalation.management_step",
    "escalation.management_raised", "escalation.management_attempt", "escalation.management_answered",
    "escalation.nobody_to_tell", "review_task.done", "survey.answered", "survey.changed",
}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def policy_keys(policy: Policy) -> set[str]:
    """Every key the policy defines, and the code's own keys (statuses, clock kinds, actions)."""
    spec = policy
    keys: set[str] = set(BUILT_IN_ROLES)
    for section in ("calendars", "plans", "priorities", "categories", "levels", "teams", "roles", "contacts",
                    "channels", "partners"):
        keys |= set(getattr(spec, section, None) or {})
    escalation = getattr(spec, "escalation", None)
    if escalation is not None:
        keys |= set(escalation.triggers or {})
        keys |= set(getattr(escalation, "templates", None) or {})
        keys |= set(escalation.matrix or {})
    keys |= set(KINDS) | AUDIT_ACTIONS | set(Event.objects.values_list("action", flat=True).distinct())
    for choices in (Status, ResolutionType, Kind, Channel, ClockKind):
        keys |= set(choices.values)
    return {k for k in keys if KEY_SHAPE.fullmatch(k)}


def internal_names(text: str, keys: set[str]) -> list[str]:
    """The internal keys that occur in `text`, each with a little context."""
    found = []
    for match in KEY_SHAPE.finditer(text):
        if match.group(0) in keys:
            start, end = max(0, match.start() - 50), match.end() + 30
            found.append(f"{match.group(0)!r} in …{text[start:end]}…")
    return found
