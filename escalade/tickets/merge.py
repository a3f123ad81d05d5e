"""Merging tickets: one customer problem reported several times becomes one ticket.

`merge_tickets(viewer, into, others)` moves the others' messages (with their attachments, original
time and author), their links and their original request to `into`, closes them as duplicates of
it (Resolved as Duplicate, then Closed, through the lifecycle: their SLA clocks stop), ends their
escalation checks, tells their customers where the conversation continues (one email each through
the outbox, sent by `mail.outbound` on the `merged` change) and records every step in the audit
trail, all in one transaction.

Locks: every ticket involved, the target included, in ascending primary key (docs/architecture.md,
"Lock order"), so two agents merging overlapping tickets at once never wait for each other in a
circle; the second one decides on what the first left (a ticket it wanted to merge may be closed
by then: refused, nothing done).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import Conflict, DomainError, NotFound, PermissionDenied
from escalade.orgs.access import Viewer
from escalade.tickets import lifecycle
from escalade.tickets.locking import expect_version, lock_ticket, save_change
from escalade.tickets.models import LinkKind, Message, ResolutionType, Status, Ticket, TicketLink

__all__ = ["CrossOrganisationMerge", "MergeRefused", "continues_at", "merge_tickets"]


class MergeRefused(Conflict):
    """The merge cannot be done as asked (a closed ticket, a ticket into itself)."""

    code = "merge_refused"


class CrossOrganisationMerge(PermissionDenied):
    """The tickets belong to different customers: merging would show one customer's conversation to
    another."""

    code = "cross_organisation"


def _pk(ticket: Ticket | int | str) -> int:
    return ticket.pk if isinstance(ticket, Ticket) else int(ticket)


@transaction.atomic
def merge_tickets(viewer: Viewer, into: Ticket | int, others: Iterable[Ticket | int], *,
                  at: dt.datetime | None = None,
                  expected_versions: Mapping[int, int | None] | None = None) -> Ticket:
    """Merge `others` into `into` (Tickets or primary keys) and return `into` as it is now.

    Agents only, and only tickets they can see (NotFound otherwise, naming no other customer's
    ticket). Refused (nothing changes): merging a ticket into itself, into a closed ticket or a
    ticket that is closed already (MergeRefused, 409), tickets of different organisations
    (CrossOrganisationMerge, 403). `expected_versions` maps a ticket's pk to the version the caller
    read (a form's hidden field, If-Match): a ticket changed since is TicketChanged (412).
    """
    if not viewer.is_staff_side:
        raise PermissionDenied(_("Only agents can merge tickets."))
    target_pk = _pk(into)
    merged_pks = list(dict.fromkeys(_pk(t) for t in others))
    if not merged_pks:
        raise DomainError(_("Name at least one ticket to merge"), field="tickets")
    if target_pk in merged_pks:
        raise MergeRefused(_("A ticket cannot be merged into itself."), field="into")
    at = at or clock.now()

    locked: dict[int, Ticket] = {}
    for pk in sorted({target_pk, *merged_pks}):  # one order for everyone: no deadlocks
        try:
            locked[pk] = lock_ticket(pk)
        except Ticket.DoesNotExist:
            raise NotFound(_("No ticket %(number)s that you can see") % {"number": Ticket(pk=pk).number},
                           field="into" if pk == target_pk else "tickets") from None
    _require_visible(viewer, locked, target_pk)
    for pk, expected in (expected_versions or {}).items():
        if pk in locked:
            expect_version(locked[pk], expected)

    target = locked[target_pk]
    merged = [locked[pk] for pk in merged_pks]
    if target.status == Status.CLOSED:
        raise MergeRefused(_("%(number)s is closed; merge into an open ticket instead.") % {
            "number": target.number}, field="into")
    for ticket in merged:
        if ticket.status == Status.CLOSED:
            current = {"number": ticket.number, "status": ticket.status, "version": ticket.version}
            if ticket.merged_into_id:
                raise MergeRefused(
                    _("%(number)s is closed already (merged into %(into)s); only open tickets can be merged.")
                    % {"number": ticket.number, "into": ticket.merged_into.number}, field="tickets", current=current)
            raise MergeRefused(_("%(number)s is closed already; only open tickets can be merged.")
                               % {"number": ticket.number}, field="tickets", current=current)
        if ticket.organisation_id != target.organisation_id:
            raise CrossOrganisationMerge(
                _("%(number)s belongs to %(organisation)s and %(target)s to %(target_organisation)s; tickets of "
                  "different customers are not merged (each customer would see the other's conversation). Link them as "
                  "related instead.") % {
                    "number": ticket.number, "organisation": ticket.organisation.name, "target": target.number,
                    "target_organisation": target.organisation.name}, field="tickets")

    for ticket in merged:
        _merge_one(viewer, ticket, target, at)
    save_change(target, at=at)
    numbers = [t.number for t in merged]
    record(actor=viewer.label, actor_user=viewer.user, action="ticket.merged_in", obj=target,
           ticket_id=target.pk, after={"from": numbers}, at=at)
    lifecycle.ticket_changed.send(Ticket, ticket=target, change="merged_in", before={}, after={"from": numbers},
                                  at=at)
    return target


def continues_at(ticket: Ticket) -> Ticket:
    """Where a merged ticket's conversation continues: the ticket it was merged into, or where that
    one was merged in turn; `ticket` itself when it was not merged. Plain reads, no lock (a merge
    is never undone, so the answer cannot go stale)."""
    seen = {ticket.pk}
    while ticket.merged_into_id and ticket.merged_into_id not in seen:
        seen.add(ticket.merged_into_id)
        ticket = Ticket.objects.select_related("organisation").get(pk=ticket.merged_into_id)
    return ticket


def _require_visible(viewer: Viewer, locked: Mapping[int, Ticket], target_pk: int) -> None:
    if viewer.system_name or viewer.kind == "admin":
        return
    seen = set(Ticket.objects.filter(viewer.ticket_filter(), pk__in=list(locked)).values_list("pk", flat=True))
    for pk, ticket in locked.items():
        if pk not in seen:
            raise NotFound(_("No ticket %(number)s that you can see") % {"number": ticket.number},
                           field="into" if pk == target_pk else "tickets")


def _merge_one(viewer: Viewer, ticket: Ticket, target: Ticket, at: dt.datetime) -> None:
    """Move one ticket's conversation and links to `target` and close it as its duplicate. Both are
    locked by the caller."""
    # The original request, as the customer wrote it, at the time they wrote it: the target's
    # timeline reads as one conversation.
    request_text = f"[{ticket.number}] {ticket.subject}\n\n{ticket.description}"
    requester_user = getattr(ticket.requester, "user", None) if ticket.requester_id else None
    Message.objects.create(
        ticket=target, author_user=requester_user,
        author_name=ticket.requester.name if ticket.requester_id else "Customer",
        from_customer=True, body=request_text, is_internal=False, channel=ticket.channel,
        created_at=ticket.created_at,
    )
    moved = Message.objects.filter(ticket=ticket).update(ticket=target)  # attachments follow their message
    links = _move_links(ticket, target)
    TicketLink.objects.get_or_create(from_ticket=ticket, to_ticket=target, kind=LinkKind.DUPLICATE,
                                     defaults={"created_at": at})
    Message.objects.create(
        ticket=target, author_user=viewer.user, author_name=viewer.label, is_internal=True, created_at=at,
        body=f"{ticket.number} ({ticket.subject}) was merged into this ticket by {viewer.label}: "
             f"{moved} message{'s' if moved != 1 else ''} and {links} link{'s' if links != 1 else ''} moved here.",
    )
    record(actor=viewer.label, actor_user=viewer.user, action="ticket.merged", obj=ticket, ticket_id=ticket.pk,
           before={"status": ticket.status}, after={"into": target.number, "messages": moved, "links": links},
           at=at)
    record(actor=viewer.label, actor_user=viewer.user, action="ticket.merged_messages_moved", obj=target,
           ticket_id=target.pk, after={"from": ticket.number, "messages": moved, "links": links}, at=at)

    # Closed as a duplicate through the lifecycle, so the SLA engine stops its clocks as for any
    # resolution; an already resolved ticket just closes.
    if ticket.status != Status.RESOLVED:
        lifecycle.transition(ticket, Status.RESOLVED, actor=viewer.label, actor_user=viewer.user,
                             resolution_type=ResolutionType.DUPLICATE, at=at)
    lifecycle.transition(ticket, Status.CLOSED, actor=viewer.label, actor_user=viewer.user, at=at)
    ticket.merged_into = target
    save_change(ticket, ["merged_into"], at=at)
    # Listeners: the escalation check ends, the customer is told where it continues.
    lifecycle.ticket_changed.send(Ticket, ticket=ticket, change="merged", before={},
                                  after={"into": target.number, "into_id": target.pk}, at=at)


def _move_links(ticket: Ticket, target: Ticket) -> int:
    """Re-point the ticket's links (both ways) to `target`; a link that would point at itself or
    that `target` has already is dropped. Returns how many moved."""
    moved = 0
    existing = {(link.from_ticket_id, link.to_ticket_id, link.kind)
                for link in TicketLink.objects.filter(from_ticket=target) | TicketLink.objects.filter(to_ticket=target)}
    for link in TicketLink.objects.filter(from_ticket=ticket) | TicketLink.objects.filter(to_ticket=ticket):
        new = (target.pk if link.from_ticket_id == ticket.pk else link.from_ticket_id,
               target.pk if link.to_ticket_id == ticket.pk else link.to_ticket_id, link.kind)
        if new[0] == new[1] or new in existing:
            link.delete()
            continue
        link.from_ticket_id, link.to_ticket_id = new[0], new[1]
        link.save(update_fields=["from_ticket", "to_ticket"])
        existing.add(new)
        moved += 1
    return moved
