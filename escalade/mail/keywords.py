"""Keywords the policy defines ("Escalation Request", "Production Emergency") and how they mark a
ticket: through `tickets.services` (priority, category and the channel of a new ticket;
`request_escalation`, which records `ticket.escalation_requested`) and the audit trail."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from escalade.audit.chain import record
from escalade.orgs.access import Viewer
from escalade.policy import NotInPolicy, Policy
from escalade.policy.schema_email import Keyword
from escalade.tickets import services
from escalade.tickets.models import Ticket


@dataclass
class Marks:
    matched: list[tuple[Keyword, str]] = field(default_factory=list)  # (keyword, phrase found)
    priority: str | None = None
    category: str | None = None
    channel: str | None = None

    def __bool__(self) -> bool:
        return bool(self.matched)

    def describe(self) -> str:
        return ", ".join(f'"{phrase}"' for _, phrase in self.matched)


def find_marks(policy: Policy | None, subject: str, body: str) -> Marks:
    """The keywords found in the subject (and, where the keyword says so, the new text)."""
    marks = Marks()
    if policy is None:
        return marks
    for keyword in policy.email.keywords.values():
        where = subject if keyword.search == "subject" else f"{subject}\n{body}"
        phrase = next((ph for ph in keyword.phrases if _contains(where, ph)), None)
        if phrase is None:
            continue
        marks.matched.append((keyword, phrase))
        if keyword.priority and (marks.priority is None or _rank(policy, keyword.priority) < _rank(
                policy, marks.priority)):
            marks.priority = keyword.priority
        marks.category = marks.category or keyword.category
        marks.channel = marks.channel or keyword.channel
    return marks


def _contains(text: str, phrase: str) -> bool:
    words = r"\s+".join(re.escape(w) for w in phrase.split())
    return bool(re.search(rf"(?<!\w){words}(?!\w)", text, re.I))


def _rank(policy: Policy, priority: str) -> int:
    try:
        return policy.priority_keys.index(policy.priority(priority).key)
    except (NotInPolicy, ValueError):
        return len(policy.priority_keys)


def mark_existing(system: Viewer, ticket: Ticket, marks: Marks, policy: Policy | None, at: dt.datetime) -> None:
    """Apply marks to a ticket a reply joined: raise the priority (never lower it), set the
    category. The channel a ticket came in on is not changed."""
    changes: dict[str, str] = {}
    if marks.priority and policy is not None and _rank(policy, marks.priority) < _rank(policy, ticket.priority):
        changes["priority"] = marks.priority
    if marks.category and marks.category != ticket.category:
        changes["category"] = marks.category
    if changes:
        services.update_ticket(system, ticket, at=at, **changes)


def record_marks(system: Viewer, requester: Viewer, ticket: Ticket, marks: Marks, *, inbound_id: int,
                 sender: str, text: str, at: dt.datetime) -> None:
    """One audit event per keyword found (`ticket.keyword_matched`); a keyword that is an
    escalation request also asks for the escalation through `services.request_escalation`, on
    behalf of `requester`, with the email's text as the business impact (VIOE 5.3)."""
    for keyword, phrase in marks.matched:
        after = {"keyword": keyword.key, "phrase": phrase, "source": "email", "inbound_email": inbound_id,
                 "from": sender, "priority": keyword.priority, "category": keyword.category,
                 "channel": keyword.channel, "escalation_request": keyword.escalation_request or None}
        record(actor=system.label, action="ticket.keyword_matched", obj=ticket, ticket_id=ticket.pk,
               after={k: v for k, v in after.items() if v is not None}, at=at)
    if any(keyword.escalation_request for keyword, _ in marks.matched):
        services.request_escalation(requester, ticket, business_impact=text.strip()[:2000], at=at)
