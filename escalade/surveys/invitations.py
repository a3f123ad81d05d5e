"""The invitation to rate the support: one email to the ticket's requester, through the
notifications outbox, in the transaction that resolved the ticket. Keyed per ticket, so a ticket
resolved, reopened and resolved again invites once."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils.translation import gettext as _

from escalade.notifications.languages import in_language
from escalade.notifications.models import OutboxMessage
from escalade.notifications.notify import ticket_url
from escalade.notifications.outbox import enqueue
from escalade.tickets.models import ResolutionType, Status, Ticket

logger = logging.getLogger("escalade.surveys")

KIND = "survey_invitation"


def dedupe_key(ticket: Ticket) -> str:
    return f"survey.invitation:{ticket.pk}"


def on_ticket_changed(sender, ticket: Ticket, change: str, after: dict, at: dt.datetime, **kwargs) -> None:
    """Connected in SurveysConfig.ready: a move to Resolved sends the invitation."""
    if change == "status" and after.get("status") == Status.RESOLVED and \
            after.get("resolution_type") != ResolutionType.DUPLICATE:  # a merged ticket: asked on the one kept
        invite(ticket, at=at)


def invitation_text(ticket: Ticket, name: str = "") -> tuple[str, str]:
    """(subject, body) of the invitation, in the active language; the link opens the survey on the
    portal's ticket page."""
    url = ticket_url(ticket)
    greeting = _("Hello %(name)s,") % {"name": name.split()[0]} if name.strip() else _("Hello,")
    body = "\n".join([
        greeting, "",
        _("We resolved your ticket %(number)s: %(subject)s.") % {"number": ticket.number, "subject": ticket.subject},
        "",
        _("How did we do? Rating the support takes ten seconds (1 = very poor, 5 = excellent), and a "
          "comment helps us improve:"), "",
        f"  {url}#survey", "",
        _("If the problem is not fixed, reopen the ticket from the same page instead."),
    ])
    subject = _("[%(number)s] How did we do? %(subject)s") % {"number": ticket.number, "subject": ticket.subject}
    return subject[:300], body + "\n"


def invite(ticket: Ticket, *, at: dt.datetime) -> OutboxMessage | None:
    """Queue the invitation for the requester (email). Idempotent; None when nobody can be asked."""
    contact = ticket.requester
    if contact is None or not contact.email:
        logger.info("%s resolved: no survey invitation, the requester has no email address", ticket.number)
        return None
    from escalade.orgs.languages import contact_language

    subject, body = in_language(contact_language(contact), lambda: invitation_text(ticket, contact.name))
    return enqueue(channel="email", recipient=contact.email, recipient_name=contact.name, subject=subject,
                   body=body, kind=KIND, dedupe_key=dedupe_key(ticket), ticket=ticket,
                   payload={"resolved_at": at.isoformat()})
