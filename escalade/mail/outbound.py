"""Mail we send, through the notifications outbox: the acknowledgement of every new ticket
(opened by email, on the portal, through the API or by phone), the reply with instructions to a
sender we cannot take tickets from, and every public agent reply (a receiver of
`ticket_changed`). Each carries the ticket number in the subject and In-Reply-To/References
headers, so the customer's answer threads back to its ticket.

Automatic replies (acknowledgement, instructions) follow RFC 3834: `Auto-Submitted:
auto-replied`, never to automated mail (see loops.py), at most N per address per hour.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from escalade.mail import loops
from escalade.mail.models import InboundEmail
from escalade.mail.parse import ParsedEmail
from escalade.mail.threading import tagged_subject
from escalade.policy import NotInPolicy, Policy
from escalade.policy.schema_email import Email
from escalade.sla.words import IN_ACTIVE_LANGUAGE, target_in_words
from escalade.tickets.models import Message, Ticket

logger = logging.getLogger("escalade.mail")

AUTO_HEADERS = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}


def _enqueue(**kwargs):
    from escalade.notifications.outbox import enqueue

    return enqueue(channel="email", **kwargs)


def _reply_headers(p: ParsedEmail) -> dict[str, str]:
    if not p.message_id:
        return {}
    refs = [*p.references[-8:], p.message_id]
    return {"In-Reply-To": f"<{p.message_id}>", "References": " ".join(f"<{r}>" for r in refs)}


def ticket_url(ticket: Ticket) -> str:
    try:
        path = reverse("portal:ticket", kwargs={"number": ticket.number})
    except NoReverseMatch:
        return ""
    return settings.SITE_URL.rstrip("/") + path


def _greeting(name: str) -> str:
    return _("Hello %(name)s,") % {"name": name.split()[0]} if name.strip() else _("Hello,")


def reply_above() -> str:
    """The line a reply is cut at (quoting.REPLY_ABOVE), in the active language."""
    return _("##- Please type your reply above this line -##")


def requester_language(ticket: Ticket) -> str:
    """The language of the ticket's correspondence: its requester's, else its organisation's, else
    the site's."""
    from escalade.orgs.languages import contact_language, language_or_default

    if ticket.requester_id:
        return contact_language(ticket.requester)
    return language_or_default(ticket.organisation.language)


def _in_language_of(ticket: Ticket, write):
    from escalade.notifications.languages import in_language

    return in_language(requester_language(ticket), write)


# -- automatic replies ---------------------------------------------------------------------------

def auto_reply_allowed(address: str, *, automated: loops.Automation | None, per_hour: int,
                       now: dt.datetime, kind: str, inbound: InboundEmail | None) -> str | None:
    """Why no automatic reply may go to `address` (None: it may, and it is counted against the
    hourly limit now, as `kind`, in the caller's transaction: `loops.take_auto_reply`)."""
    if automated is not None:
        return f"no automatic reply: {automated.reason} (RFC 3834)"
    if not address:
        return "no automatic reply: no address to reply to"
    if not loops.take_auto_reply(address, now, per_hour, kind, inbound):
        return f"no automatic reply: {address} already had {per_hour} in the last hour"
    return None


def send_acknowledgement(ticket: Ticket, p: ParsedEmail, inbound: InboundEmail, rules: Email,
                         policy: Policy | None, *, to: str, name: str, now: dt.datetime) -> str:
    """Enqueue the acknowledgement of a ticket opened by email (MyCorp steps 2 and 5), as a reply
    to the customer's message. Called in the transaction that opened the ticket (so no
    acknowledgement of it can exist yet: no savepoint for a duplicate), after `auto_reply_allowed`
    counted it. Returns what was done, in words."""
    _enqueue_acknowledgement(ticket, policy, to=to, name=name, headers=_reply_headers(p), fresh=True)
    return f"acknowledged to {to}"


def acknowledge_new_ticket(ticket: Ticket, *, fresh: bool = False) -> str:
    """Enqueue the acknowledgement of a ticket opened on the portal, through the API or by an agent
    (a phone call) to its requester, unless the policy sends none. Returns what was done, in words.
    `fresh`: the ticket was opened in this transaction (nothing acknowledged it yet)."""
    policy = _policy(ticket)
    rules = policy.email if policy is not None else Email()
    if not rules.acknowledgement.send:
        return "no acknowledgement (the policy sends none)"
    to, name = recipient_of(ticket)
    if not to:
        logger.info("%s: not acknowledged: the requester has no email address", ticket.number)
        return "no acknowledgement: no requester address"
    _enqueue_acknowledgement(ticket, policy, to=to, name=name, headers={}, fresh=fresh)
    return f"acknowledged to {to}"


def _enqueue_acknowledgement(ticket: Ticket, policy: Policy | None, *, to: str, name: str,
                             headers: dict[str, str], fresh: bool = False):
    # One key per ticket, whichever way it came in: a ticket is acknowledged once. The text is
    # written by the worker when it sends it (render_acknowledgement), not in the request.
    return _enqueue(recipient=to, recipient_name=name, subject=tagged_subject(ticket), body="", kind="ack",
                    dedupe_key=f"mail.acknowledgement:{ticket.pk}", ticket=ticket,
                    headers={**headers, **AUTO_HEADERS}, render=ACKNOWLEDGEMENT, fresh=fresh,
                    payload={"language": requester_language(ticket)})


ACKNOWLEDGEMENT = "mail.acknowledgement"


def render_acknowledgement(row) -> str:
    """The acknowledgement's text for an outbox row queued by `_enqueue_acknowledgement`, in the
    language chosen when it was queued (the requester's)."""
    from escalade.notifications.languages import in_language

    # The ticket with what the text needs in one query; the policy's source only when this
    # process has not compiled that version yet.
    ticket = (Ticket.objects.select_related("organisation", "requester", "policy_version")
              .defer("policy_version__source").get(pk=row.ticket_id))
    language = (row.payload or {}).get("language") or requester_language(ticket)
    return in_language(language, lambda: acknowledgement_text(ticket, _policy(ticket), name=row.recipient_name))


def render_acknowledgements(rows) -> list[str]:
    """`render_acknowledgement` for several rows at once: their tickets, with what the texts need and
    their first-response clocks, in two queries."""
    from django.db.models import Prefetch

    from escalade.notifications.languages import in_language

    clocks = Ticket._meta.get_field("clocks").related_model.objects.filter(kind="first_response").order_by("pk")
    tickets = (Ticket.objects.select_related("organisation", "requester", "policy_version")
               .defer("policy_version__source")
               .prefetch_related(Prefetch("clocks", queryset=clocks, to_attr="first_response_clocks"))
               .in_bulk([row.ticket_id for row in rows]))
    bodies = []
    for row in rows:
        ticket = tickets[row.ticket_id]
        language = (row.payload or {}).get("language") or requester_language(ticket)
        bodies.append(in_language(language, lambda t=ticket, r=row: acknowledgement_text(
            t, _policy(t), name=r.recipient_name)))
    return bodies


def _policy(ticket: Ticket) -> Policy | None:
    from escalade.policy.publish import policy_of

    return policy_of(ticket.policy_version) if ticket.policy_version_id else None


def acknowledgement_text(ticket: Ticket, policy: Policy | None, *, name: str = "") -> str:
    """The one text of an acknowledgement, whatever the channel (templates/notifications/ack.txt,
    VIOE 8.3 "Initial response"): it confirms receipt and what we understand, sets expectations
    (priority, the response time the customer's plan promises, how often we update), asks for the
    information the policy requires that the ticket lacks (`intake.required`), and adds the
    policy's `email.acknowledgement` text, links and note and `email.emergency`. Written in the
    active language (the policy's own texts stay as the policy author wrote them)."""
    from escalade.notifications.notify import default_text, ticket_context
    from escalade.tickets.services import missing_information

    rules = policy.email if policy is not None else Email()
    ack = rules.acknowledgement
    context = ticket_context(
        ticket, reply_above=reply_above(), first_name=name.split()[0] if name.strip() else "",
        opening=_one_line(ack.text), priority_name=_priority_name(ticket, policy),
        response_time=response_promise(ticket), update_frequency=_update_frequency(ticket, policy),
        missing=missing_information(ticket), links=ack.links, emergency=_one_line(rules.emergency),
        note=_one_line(ack.note), ticket_url=ticket_url(ticket),
    )
    _subject, body = default_text("ack", context)
    return body


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _update_frequency(ticket: Ticket, policy: Policy | None) -> str:
    """"at least every 30 minutes around the clock (24x7)", from the policy's `update_every` target."""
    if policy is None:
        return ""
    try:
        target = policy.targets_for(ticket.organisation.plan, ticket.priority, ticket.category or None).update_every
    except (NotInPolicy, KeyError):
        return ""
    return _("at least every %(target)s") % {"target": target.describe(IN_ACTIVE_LANGUAGE)} if target else ""


def response_promise(ticket: Ticket) -> str:
    """The first response the customer's plan promises for the ticket's priority, e.g. "15 minutes
    around the clock (24x7); we will respond by Mon 23 Nov 2026, 09:15 GMT" (the date in the
    active language, the target as the policy describes it)."""
    from escalade import timewords

    prefetched = getattr(ticket, "first_response_clocks", None)  # render_acknowledgements read them
    if prefetched is not None:
        clock = prefetched[0] if prefetched else None
    else:
        clock = ticket.clocks.filter(kind="first_response").first()
    if clock is None or clock.state != "running" or clock.due_at is None:
        return ""
    when = _("we will respond by %(when)s") % {"when": timewords.when(clock.due_at, ticket.organisation.timezone)}
    target = target_in_words(clock, with_plan=False)  # "1 hour on the Standard calendar (…)"
    return f"{target}; {when}" if target else when


def _priority_name(ticket: Ticket, policy: Policy | None) -> str:
    if policy is None:
        return ticket.priority
    try:
        return f"{ticket.priority} ({policy.priority(ticket.priority).name})"
    except NotInPolicy:
        return ticket.priority


def send_instructions(p: ParsedEmail, inbound: InboundEmail, rules: Email, *, why: str, to: str,
                      now: dt.datetime) -> str:
    """Enqueue the reply with instructions to a sender whose mail did not become a ticket (in the
    site's language: we do not know theirs; `why` stays English, as the mail log shows it), after
    `auto_reply_allowed` counted it."""
    from escalade.notifications.languages import in_language

    def write() -> tuple[str, list[str]]:
        lines = [_greeting(p.from_name), "",
                 _("We received your email but could not open a support ticket for it:"), "", f"  {why}.", ""]
        if rules.instructions.strip():
            lines += [" ".join(rules.instructions.split()), ""]
        if rules.emergency.strip():
            lines += [_("Emergencies: %(text)s") % {"text": " ".join(rules.emergency.split())}, ""]
        return (f"Re: {p.subject}" if p.subject else _("Your email to support")), lines

    subject, lines = in_language("", write)
    _enqueue(recipient=to, recipient_name=p.from_name, subject=subject[:300], body="\n".join(lines),
             kind="instructions", dedupe_key=f"mail.instructions:{inbound.pk}",
             headers={**_reply_headers(p), **AUTO_HEADERS})
    return f"replied with instructions to {to}"


# -- agent replies -------------------------------------------------------------------------------

def on_ticket_changed(sender, ticket: Ticket, change: str, after: dict, **kwargs) -> None:
    """Every public agent reply goes to the requester (on the channels they chose), and a ticket opened with
    `intake=True` (portal, API, phone) is acknowledged (connected in MailConfig.ready, after the
    SLA receiver, so the first-response clock the acknowledgement promises exists)."""
    if change == "opened" and after.get("acknowledge"):
        acknowledge_new_ticket(ticket, fresh=True)
        return
    if change == "merged":
        send_merge_notice(ticket, ticket.merged_into)
        return
    if change != "agent_reply":
        return
    message = Message.objects.filter(pk=after.get("message_id"), is_internal=False).first()
    if message is not None:
        send_agent_reply(ticket, message)


def send_merge_notice(ticket: Ticket, into: Ticket):
    """Tell the requester of a ticket merged into another (tickets.merge) where the conversation
    continues, by email: "Your request ESC-000012 has been merged into ESC-000010; we continue
    there." Once per ticket. Returns the outbox row, or None when there is nobody to tell."""
    to, name = recipient_of(ticket)
    if not to:
        logger.info("%s merged into %s: nobody to tell (no requester address)", ticket.number, into.number)
        return None
    into_number, into_url = into.number, ticket_url(into)

    def write() -> tuple[str, list[str]]:
        numbers = {"number": ticket.number, "into": into_number, "url": into_url}
        add = (_("Everything you sent us is on that ticket now. To add something, reply to our emails about "
                 "%(into)s or open it in the portal: %(url)s.") if into_url else
               _("Everything you sent us is on that ticket now. To add something, reply to our emails about "
                 "%(into)s.")) % numbers
        return (f"[{ticket.number}] " + _("Merged into %(into)s") % numbers,
                [_greeting(name), "", _("Your request %(number)s has been merged into %(into)s; we continue there.")
                 % numbers, f"({ticket.subject})", "", add])

    subject, lines = _in_language_of(ticket, write)
    return _enqueue(recipient=to, recipient_name=name, subject=subject,
                    body="\n".join(lines) + "\n", kind="merged", dedupe_key=f"mail.merged:{ticket.pk}",
                    ticket=ticket)


def send_agent_reply(ticket: Ticket, message: Message):
    """Send `message` to the ticket's requester on the channels they chose for the ticket's
    priority (`Contact.channel_preferences`, quiet hours as for notifications): by email threaded
    with the conversation, and a short notice by SMS or phone; nothing when they follow the ticket
    in the portal only. Someone who wrote in without being a contact gets email. Returns the email's
    outbox row, or None when no email was sent."""
    to, name = recipient_of(ticket)
    if not to:
        logger.info("%s: agent reply not emailed: no requester address", ticket.number)
        return None
    channels = reply_channels(ticket, message.created_at)
    for channel, address in channels:
        if channel != "email":
            _enqueue_reply_notice(ticket, message, channel, address, name)
    if not any(channel == "email" for channel, _ in channels):
        return None
    received = list(InboundEmail.objects.filter(ticket=ticket).exclude(message_id="")
                    .order_by("received_at", "pk").values_list("message_id", flat=True))
    sent = _sent_ids(ticket)
    headers = {}
    if received or sent:
        latest = received[-1] if received else sent[-1]
        chain = list(dict.fromkeys([*received[:1], *sent[-4:], *received[-4:]]))
        headers = {"In-Reply-To": f"<{latest}>", "References": " ".join(f"<{i}>" for i in chain)}
    files = [a.filename for a in message.attachments.all()]
    url = ticket_url(ticket)

    def write() -> list[str]:
        lines = [reply_above(), "", message.body.strip(), "", "-- ", message.author_name,
                 f"{ticket.number}: {ticket.subject}"]
        if files:
            lines.append(_("Attachments on the ticket: %(files)s") % {"files": ", ".join(files)}
                         + (f" ({url})" if url else ""))
        elif url:
            lines.append(url)
        lines.append(_("Reply to this email to answer; keep [%(number)s] in the subject.") % {"number": ticket.number})
        return lines

    lines = _in_language_of(ticket, write)
    return _enqueue(recipient=to, recipient_name=name, subject=f"Re: {tagged_subject(ticket)}",
                    body="\n".join(lines) + "\n", kind="reply",
                    dedupe_key=f"mail.agent_reply:{message.pk}", ticket=ticket, headers=headers)


def reply_channels(ticket: Ticket, at: dt.datetime) -> list[tuple[str, str]]:
    """(channel, address) pairs an agent reply goes to: the requester's chosen channels for the
    ticket's priority (Mirrored Storage asks each customer "Text/SMS for critical alerts?"), with
    quiet hours holding back SMS and phone below the policy's highest priority; plain email for
    a sender who is not a contact."""
    from escalade.notifications.recipients import for_contact

    if ticket.requester_id is None or not ticket.requester.email:
        to, _ = recipient_of(ticket)
        return [("email", to)] if to else []
    policy = _policy(ticket)
    highest = bool(policy and policy.priorities) and ticket.priority == next(iter(policy.priorities))
    return [(r.channel, r.address) for r in for_contact(ticket.requester, ticket.priority, at, highest=highest)]


def _enqueue_reply_notice(ticket: Ticket, message: Message, channel: str, address: str, name: str):
    """A short notice of an agent reply by SMS or phone: who answered, the start of the answer, and
    where to read it."""
    from escalade.notifications.outbox import enqueue

    text = " ".join(message.body.split())
    excerpt = f"{text[:300]}{'…' if len(text) > 300 else ''}"

    def write() -> tuple[str, str]:
        values = {"number": ticket.number, "priority": ticket.priority, "author": message.author_name,
                  "text": excerpt, "where": ticket_url(ticket) or _("the portal")}
        return (_("Reply on %(number)s") % values,
                _("%(number)s (%(priority)s): %(author)s replied: %(text)s Read and answer: %(where)s") % values)

    subject, body = _in_language_of(ticket, write)
    return enqueue(channel=channel, recipient=address, recipient_name=name, subject=subject,
                   body=body, kind="reply", dedupe_key=f"mail.agent_reply:{message.pk}:{channel}", ticket=ticket)


def recipient_of(ticket: Ticket) -> tuple[str, str]:
    """(address, name) of whom the ticket's correspondence goes to."""
    if ticket.requester_id and ticket.requester.email:
        return ticket.requester.email, ticket.requester.name
    first = InboundEmail.objects.filter(ticket=ticket).exclude(from_address="").order_by("received_at").first()
    return (first.from_address, "") if first else ("", "")


def _sent_ids(ticket: Ticket) -> list[str]:
    from escalade.notifications.models import OutboxMessage

    ids = OutboxMessage.objects.filter(ticket=ticket).order_by("pk").values_list("message_id", flat=True)
    return [i.strip().strip("<>") for i in ids if i]
