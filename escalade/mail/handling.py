"""What a received message becomes: a new ticket, a reply on its ticket, a bounce recorded on the
contact, or a message held for an agent (quarantined) or ignored — always with the reason.

`handle()` runs inside the worker's transaction for one message (see intake.process) and
writes only through `tickets.services`, the audit trail and the outbox. A message that lands on an
existing ticket locks it first (`tickets.locking`), so what is decided from its status (reply,
reopen, or a new ticket) holds until the reply is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from escalade.audit.chain import record
from escalade.errors import DomainError
from escalade.mail import conf, keywords, loops, outbound
from escalade.mail.bounces import BounceReport, bounce_report
from escalade.mail.models import Bounce, InboundEmail, InboundStatus, Mailbox
from escalade.mail.parse import ParsedEmail, Part, parse
from escalade.mail.quoting import visible_reply, without_signature
from escalade.mail.senders import Sender, identify
from escalade.mail.threading import Thread, clean_subject, find_thread
from escalade.orgs.access import Viewer
from escalade.orgs.models import Contact, Level
from escalade.policy import Policy
from escalade.policy.publish import active_version, policy_of
from escalade.policy.schema_email import Email
from escalade.tickets import services
from escalade.tickets.locking import lock_ticket
from escalade.tickets.merge import continues_at
from escalade.tickets.models import Channel, LinkKind, Status, Ticket

S = InboundStatus


class _MailSystem(Viewer):
    """The mail intake acting on its own: internal notes, links, keyword marks."""

    @property
    def label(self) -> str:
        return "system: mail"


SYSTEM = _MailSystem(None, "admin")


@dataclass
class Outcome:
    status: str
    reason: str
    ticket: Ticket | None = None


@dataclass
class _Context:
    inbound: InboundEmail
    p: ParsedEmail
    now: dt.datetime
    policy: Policy | None  # the active policy (new tickets run under it)
    rules: Email
    automated: loops.Automation | None
    validated_by: Viewer | None

    @property
    def per_hour(self) -> int:
        return self.rules.auto_replies_per_hour if self.policy is not None else conf.auto_replies_per_hour()


def handle(inbound: InboundEmail, *, now: dt.datetime, validated_by: Viewer | None = None,
           parsed: ParsedEmail | None = None) -> Outcome:
    """Decide and do. `validated_by` is the agent who released a held message: the sender's
    authority is taken as validated by them. `parsed`: the message already parsed (a batch)."""
    p = parsed if parsed is not None else parse(bytes(inbound.raw))
    inbound.subject = p.subject[:300]
    inbound.from_address = p.from_address
    version = active_version()
    policy = policy_of(version) if version is not None else None
    automated = loops.automation(p, inbound.envelope_from, frozenset(conf.own_addresses()))
    ctx = _Context(inbound, p, now, policy, policy.email if policy else Email(), automated, validated_by)

    if validated_by is None:
        report = bounce_report(p, inbound.envelope_from)
        if report is not None:
            return _record_bounce(ctx, report)
        if automated is not None and automated.kind == loops.AUTO_REPLY:
            thread = find_thread(p, inbound=inbound)
            where = f" on {thread.ticket.number}" if thread else ""
            return Outcome(S.IGNORED, f"automatic reply ({automated.reason}); not added{where}",
                           thread.ticket if thread else None)
    if not p.from_address:
        return Outcome(S.QUARANTINED, "unreadable sender: the message has no usable From address")
    sender = identify(p.from_address, p.from_name)
    thread = find_thread(p, inbound=inbound)
    if thread is not None:
        return _continue(ctx, sender, thread)
    return _new_ticket(ctx, sender)


# -- new conversations ---------------------------------------------------------------------------

def _new_ticket(ctx: _Context, sender: Sender, *, follows: Ticket | None = None) -> Outcome:
    """Open a ticket for this message, if its sender may open one (or an agent validated them)."""
    if ctx.validated_by is not None:
        organisation = sender.organisation or (follows.organisation if follows else None)
        if organisation is None:
            raise DomainError(
                _("Cannot tell which customer %(address)s writes for: add them as a contact of the customer (or add "
                  "their mail domain to it), then release the message again.") % {"address": sender.address})
        viewer, requester = ctx.validated_by, sender.contact
    elif sender.may_open_tickets:
        viewer, requester, organisation = sender.viewer(), sender.contact, sender.organisation
    elif sender.contact is not None:
        why = (f"{sender.contact.name} is not authorised to open tickets for "
               f"{sender.contact.organisation.name}; ask the primary contact to authorise them")
        return _not_accepted(ctx, "unauthorised", why)
    else:
        return _not_accepted(ctx, "unknown", _unknown_why(sender))

    p = ctx.p
    body = without_signature(p.text) if p.text.strip() else ""
    if follows is not None:
        body = f"{body}\n\n(Follow-up by email to {follows.number}, which is {follows.get_status_display()}.)"
    marks = keywords.find_marks(ctx.policy, p.subject, visible_reply(p.text))
    ticket = services.open_ticket(
        viewer, organisation=organisation, requester=requester,
        subject=(clean_subject(p.subject) or "(no subject)")[:300],
        description=body.strip() or "(The email had no text.)",
        priority=marks.priority, category=marks.category or "",
        channel=marks.channel or Channel.EMAIL, level=_level_for(ctx.inbound), at=ctx.now,
    )
    notes = []
    if follows is not None:
        services.link_tickets(SYSTEM, ticket, follows, LinkKind.RELATED, at=ctx.now)
        notes.append(f"linked to {follows.number}")
    if marks:
        keywords.record_marks(SYSTEM, viewer, ticket, marks, inbound_id=ctx.inbound.pk, sender=p.from_address,
                              text=body.strip() or ticket.subject, at=ctx.now)
        notes.append(f"keywords {marks.describe()}")
    notes += _attach(ctx, ticket, viewer if ctx.validated_by is None else None, "Attachments from the email")
    if ctx.validated_by is not None:
        record(actor=ctx.validated_by.label, actor_user=ctx.validated_by.user, action="mail.sender_validated",
               obj=ctx.inbound, ticket_id=ticket.pk, at=ctx.now,
               after={"from": p.from_address, "ticket": ticket.number})
    notes.append(_acknowledge(ctx, ticket, sender))
    return Outcome(S.PROCESSED, "; ".join([f"new ticket {ticket.number}", *notes, *_problems(p)]), ticket)


def _acknowledge(ctx: _Context, ticket: Ticket, sender: Sender) -> str:
    if not ctx.rules.acknowledgement.send:
        return "no acknowledgement (the policy sends none)"
    to = sender.address
    refused = outbound.auto_reply_allowed(to, automated=ctx.automated, per_hour=ctx.per_hour, now=ctx.now,
                                          kind="acknowledgement", inbound=ctx.inbound)
    if refused:
        _note_held_acknowledgement(ctx, ticket, refused)
        return refused
    name = sender.contact.name if sender.contact else ctx.p.from_name
    return outbound.send_acknowledgement(ticket, ctx.p, ctx.inbound, ctx.rules, ctx.policy,
                                         to=to, name=name, now=ctx.now)


def _note_held_acknowledgement(ctx: _Context, ticket: Ticket, why: str) -> None:
    """An acknowledgement the loop rules held back is an internal note on the ticket, so the agent
    sees on the ticket page that the customer was not told their ticket number (and can answer by
    hand), not only in the admin's mail log."""
    reason = why.removeprefix("no automatic reply: ")
    services.add_message(SYSTEM, ticket, internal=True, channel=Channel.EMAIL, at=ctx.now,
                         body=f"No acknowledgement was sent for this email ({reason}); the customer has not been "
                              "told the ticket number. Reply to them if they need it.")


def _not_accepted(ctx: _Context, kind: str, why: str) -> Outcome:
    """The policy's choice for senders we cannot take tickets from: hold for an agent to validate,
    or reply with instructions."""
    choice = ctx.rules.unknown_sender if kind == "unknown" else ctx.rules.unauthorised_sender
    if choice == "hold":
        return Outcome(S.QUARANTINED, f"held: {why}")
    refused = outbound.auto_reply_allowed(ctx.p.from_address, automated=ctx.automated,
                                          per_hour=ctx.per_hour, now=ctx.now, kind="instructions",
                                          inbound=ctx.inbound)
    done = refused or outbound.send_instructions(ctx.p, ctx.inbound, ctx.rules, why=why,
                                                 to=ctx.p.from_address, now=ctx.now)
    return Outcome(S.IGNORED, f"{why}; {done}")


def _unknown_why(sender: Sender) -> str:
    if sender.ambiguous:
        return sender.ambiguous
    if sender.organisation is not None:
        return f"{sender.address} is not a contact of {sender.organisation.name}"
    return f"{sender.address} is not a contact of any customer"


# -- replies -------------------------------------------------------------------------------------

def _continue(ctx: _Context, sender: Sender, thread: Thread) -> Outcome:
    if thread.ticket.merged_into_id:  # a reply to a merged ticket joins the one it was merged into
        thread = Thread(continues_at(thread.ticket), f"{thread.how}, merged into it from {thread.ticket.number}")
    ticket = lock_ticket(thread.ticket)  # refreshed in place: thread.ticket is the locked row too
    own_contact = sender.contact is not None and sender.contact.organisation_id == ticket.organisation_id
    if not own_contact:
        if ctx.validated_by is not None:
            return _note_from_outsider(ctx, sender, thread)
        if sender.contact is not None:
            why = (f"{sender.label} replied to {ticket.number} of {ticket.organisation.name}, "
                   "a customer they are not a contact of")
            return Outcome(S.QUARANTINED, f"held: {why}", ticket)
        outcome = _not_accepted(ctx, "unknown", f"{_unknown_why(sender)} (replying to {ticket.number})")
        outcome.ticket = ticket
        return outcome
    if ticket.status == Status.CLOSED or (ticket.status == Status.RESOLVED and not _may_reopen(ticket, ctx.now)):
        return _new_ticket(ctx, sender, follows=ticket)

    p = ctx.p
    text = visible_reply(p.text) if p.text.strip() else ""
    if not text:
        text = "(Reply by email with attachments only.)" if p.attachments else "(Empty reply by email.)"
    viewer = sender.viewer()
    status_before = ticket.get_status_display()
    kept, notes = _split_attachments(ctx, ticket)
    ticket = services.add_message(viewer, ticket, body=text, channel=Channel.EMAIL, attachments=kept,
                                  at=ctx.now).ticket
    result = [f"reply to {ticket.number} (found by {thread.how})"]
    if ticket.get_status_display() != status_before:
        result.append(f"{status_before} → {ticket.get_status_display()}")
    policy = policy_of(ticket.policy_version) if ticket.policy_version_id else ctx.policy
    marks = keywords.find_marks(policy, p.subject, text)
    if marks:
        keywords.mark_existing(SYSTEM, ticket, marks, policy, ctx.now)
        keywords.record_marks(SYSTEM, viewer, ticket, marks, inbound_id=ctx.inbound.pk, sender=p.from_address,
                              text=text, at=ctx.now)
        result.append(f"keywords {marks.describe()}")
    return Outcome(S.PROCESSED, "; ".join([*result, *notes, *_problems(p)]), ticket)


def _note_from_outsider(ctx: _Context, sender: Sender, thread: Thread) -> Outcome:
    """A released reply from someone who is no contact of the ticket's customer: the agent who
    released it gets it as an internal note (it is not the customer speaking)."""
    ticket = thread.ticket
    if ticket.status == Status.CLOSED:
        return _new_ticket(ctx, sender, follows=ticket)
    text = visible_reply(ctx.p.text) or "(no text)"
    kept, notes = _split_attachments(ctx, ticket)
    services.add_message(ctx.validated_by, ticket, internal=True, channel=Channel.EMAIL, attachments=kept,
                         body=f"Email from {sender.label}, released by {ctx.validated_by.label}:\n\n{text}",
                         at=ctx.now)
    return Outcome(S.PROCESSED, "; ".join([f"internal note on {ticket.number} (found by {thread.how})", *notes]),
                   ticket)


def _may_reopen(ticket: Ticket, now: dt.datetime) -> bool:
    """Whether the ticket's policy lets the customer reopen it now (lifecycle.customer_may_reopen,
    reopen_within_days). Without a policy, customers may."""
    if not ticket.policy_version_id:
        return True
    lifecycle = policy_of(ticket.policy_version).lifecycle
    if not lifecycle.customer_may_reopen:
        return False
    days = lifecycle.reopen_within_days
    return days is None or ticket.resolved_at is None or now <= ticket.resolved_at + dt.timedelta(days=days)


# -- attachments ---------------------------------------------------------------------------------

def _split_attachments(ctx: _Context, ticket: Ticket) -> tuple[list[SimpleUploadedFile], list[str]]:
    """The attachments within the size limit as uploads; an internal note on the ticket for each
    one dropped (the raw message still has it)."""
    limit = conf.max_attachment_bytes()
    kept, dropped = [], []
    for part in ctx.p.attachments:
        (kept if part.size <= limit else dropped).append(part)
    if dropped:
        listing = "\n".join(f"- {d.filename} ({d.content_type}, {d.size:,} bytes)" for d in dropped)
        services.add_message(
            SYSTEM, ticket, internal=True, channel=Channel.EMAIL, at=ctx.now,
            body=(f"Attachments larger than {limit:,} bytes were not kept from the email of {ctx.p.from_address} "
                  f"(inbound email #{ctx.inbound.pk}; the raw message still holds them):\n{listing}"),
        )
    uploads = [_upload(part) for part in kept]
    notes = [f"dropped oversize attachment {d.filename} ({d.size:,} bytes)" for d in dropped]
    if kept:
        notes.append(f"{len(kept)} attachment{'s' if len(kept) != 1 else ''}")
    return uploads, notes


def _attach(ctx: _Context, ticket: Ticket, customer: Viewer | None, title: str) -> list[str]:
    """Attachments of the message that opened `ticket`: as the customer's message, or (when an
    agent released it) as an internal note, so the agent's upload is not mistaken for a reply."""
    uploads, notes = _split_attachments(ctx, ticket)
    if uploads:
        names = ", ".join(u.name for u in uploads)
        if customer is not None:
            services.add_message(customer, ticket, body=f"{title}: {names}", channel=Channel.EMAIL,
                                 attachments=uploads, at=ctx.now)
        else:
            services.add_message(SYSTEM, ticket, internal=True, body=f"{title}: {names}", channel=Channel.EMAIL,
                                 attachments=uploads, at=ctx.now)
    return notes


def _upload(part: Part) -> SimpleUploadedFile:
    # A content type too long for the attachment row (only a crafted message has one) is kept as bytes.
    content_type = part.content_type if len(part.content_type) <= 100 else "application/octet-stream"
    return SimpleUploadedFile(part.filename, part.payload, content_type=content_type)


# -- bounces -------------------------------------------------------------------------------------

def _record_bounce(ctx: _Context, report: BounceReport) -> Outcome:
    """Record each failed recipient on the contact with that address; never a ticket. A bounce
    of a message about a ticket also leaves an internal note on it, so agents know."""
    ticket = _ticket_of_original(report.original_message_id)
    if report.delayed_only:
        return Outcome(S.IGNORED, f"bounce: {report.describe()}", ticket)
    for failure in report.failures:
        contacts = list(Contact.objects.filter(email__iexact=failure.address)) or [None]
        for contact in contacts:
            Bounce.objects.create(contact=contact, address=failure.address, at=ctx.now,
                                  status_code=failure.status[:20], reason=failure.reason, inbound=ctx.inbound)
    # Locked before its status is read: a note on a ticket closed meanwhile would be refused.
    if ticket is not None and report.failures and lock_ticket(ticket).status != Status.CLOSED:
        services.add_message(SYSTEM, ticket, internal=True, channel=Channel.EMAIL, at=ctx.now,
                             body=f"Email about this ticket could not be delivered: {report.describe()}")
    return Outcome(S.IGNORED, f"bounce: {report.describe()}; recorded", ticket)


def _ticket_of_original(message_id: str) -> Ticket | None:
    if not message_id:
        return None
    from escalade.notifications.models import OutboxMessage

    ticket_id = (OutboxMessage.objects.filter(message_id__in=[message_id, f"<{message_id}>"])
                 .exclude(ticket=None).values_list("ticket_id", flat=True).first())
    return Ticket.objects.filter(pk=ticket_id).first() if ticket_id else None


# -- helpers -------------------------------------------------------------------------------------

def _level_for(inbound: InboundEmail) -> Level | None:
    mailbox = inbound.mailbox
    if mailbox is None and inbound.envelope_to:
        addresses = [a.strip().lower() for a in inbound.envelope_to.split(",") if a.strip()]
        mailbox = Mailbox.objects.filter(address__in=addresses, level__isnull=False).first()
    return mailbox.level if mailbox is not None else None


def _problems(p: ParsedEmail) -> list[str]:
    return list(dict.fromkeys(p.problems))

