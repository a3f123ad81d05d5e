"""The `email` section of the policy file: tickets by email (see docs/email.md).

Part of the format defined in `schema.py` (one field on `PolicySpec`); loading, the JSON Schema
and the reference tables follow from these dataclasses in the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .schema import CategoryKey, ChannelKind, Key, PriorityKey, doc, mapping_key

SenderHandling = Literal["hold", "reply_with_instructions"]
KeywordSearch = Literal["subject", "subject_and_body"]


@dataclass(kw_only=True)
class Link:
    """A helpful link sent with the acknowledgement."""
    title: str = doc("What the link is, e.g. `Online troubleshooting`.")
    url: str = doc("Where it points, e.g. `https://support.example.com/troubleshooting`.")


@dataclass(kw_only=True)
class Acknowledgement:
    """The automatic reply to a new ticket, whatever the channel (email, portal, API, phone): ticket
    number, priority, the response time the customer's plan promises, what is still missing
    (`intake`), links, and who to contact in an emergency."""
    send: bool = doc("Send an acknowledgement for every new ticket (by email, portal, API or phone).", True)
    text: str = doc("Opening paragraph; the ticket number, priority and promised response time follow.",
                    "", example="text: We have received your email and opened a case.")
    links: list[Link] = doc("Helpful links (knowledge base, troubleshooting).", factory=list)
    note: str = doc("Closing paragraph, e.g. that end users should contact their own support team.", "")


@dataclass(kw_only=True)
class Keyword:
    """Words in an email that mark its ticket, e.g. VIOE's "Escalation Request" and
    "Production Emergency"."""
    key: str = mapping_key("keyword")
    phrases: list[str] = doc("Phrases to look for, without regard to case, e.g. `Production Emergency`.",
                             min=1)
    search: KeywordSearch = doc("Where to look: `subject`, or `subject_and_body` (the new text of the "
                                "message, not the quoted history).", "subject")
    priority: PriorityKey | None = doc("Raise the ticket to this priority (never lowers it).", None)
    category: CategoryKey | None = doc("Put the ticket in this category.", None)
    channel: ChannelKind | None = doc("Record the ticket as arrived on this channel, e.g. "
                                      "`emergency_line` (new tickets only).", None)
    escalation_request: bool = doc("Record `ticket.escalation_requested` in the audit trail, for the "
                                   "escalation rules and the support manager.", False)


@dataclass(kw_only=True)
class Email:
    """Tickets by email: who may open them, what the automatic replies say, and keywords."""
    unknown_sender: SenderHandling = doc(
        "Email from an address that is no customer contact: `hold` it for an agent to validate, or "
        "`reply_with_instructions`.", "hold")
    unauthorised_sender: SenderHandling = doc(
        "Email opening a ticket from a contact not authorised to open tickets (validate their "
        "authority): `hold` or `reply_with_instructions`.", "hold")
    instructions: str = doc("Added to the reply with instructions, e.g. how to get authorised.", "")
    acknowledgement: Acknowledgement = doc("The automatic reply to a new ticket.", factory=Acknowledgement)
    emergency: str = doc("Who to contact for emergencies, added to every acknowledgement.", "")
    auto_replies_per_hour: int = doc("At most this many automatic replies (acknowledgements, "
                                     "instructions) to one address per hour.", 10, min=1)
    keywords: dict[Key, Keyword] = doc("Keywords that mark a ticket.", factory=dict)
