"""Tags on tickets: agents add and remove them, the queue and the API filter by them; customers
never see them. Every change locks the ticket first (`services._locked`: visibility, If-Match),
raises its version and is one `ticket.tags_changed` audit event. No `ticket_changed` signal: its
listeners include customers' webhooks, and tags are for agents only.

A tag is free text, normalised: trimmed, lower case, inner whitespace collapsed to one space
("  VPN   Outage " → "vpn outage"), at most 50 characters."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import DomainError
from escalade.orgs.access import Viewer
from escalade.tags.models import MAX_TAG_LENGTH, Tag, TicketTag
from escalade.tickets.locking import save_change
from escalade.tickets.models import Ticket
from escalade.tickets.services import _locked, _require_staff

_SPACES = re.compile(r"\s+")


def normalise(name: str) -> str:
    """The stored form of a tag: trimmed, lower case, runs of whitespace as one space."""
    return _SPACES.sub(" ", str(name)).strip().lower()


def clean_names(names: Iterable[str], *, field: str = "tags") -> list[str]:
    """Normalised, without duplicates, in the order given; an empty or over-long tag, or one with a
    comma (the forms' separator), is a DomainError on `field`."""
    out: list[str] = []
    for raw in names:
        name = normalise(raw)
        if not name:
            raise DomainError(_("A tag cannot be empty"), field=field)
        if len(name) > MAX_TAG_LENGTH:
            raise DomainError(_("The tag %(start)r… is longer than %(limit)s characters") % {
                "start": name[:20], "limit": MAX_TAG_LENGTH}, field=field)
        if "," in name or "\x00" in name:
            raise DomainError(_("The tag %(name)r may not contain a comma") % {"name": name}, field=field)
        if name not in out:
            out.append(name)
    return out


def split(text: str) -> list[str]:
    """Tags typed in one form field, separated by commas; blanks are dropped."""
    return [part for part in (normalise(p) for p in str(text or "").split(",")) if part]


def tag_names(ticket: Ticket) -> list[str]:
    """The ticket's tags, sorted (uses `prefetch_related("tag_links__tag")` when the query made it)."""
    return sorted(link.tag.name for link in ticket.tag_links.all())


def all_tag_names() -> list[str]:
    """Every tag in use on some ticket, for the console's filter and suggestions."""
    return list(Tag.objects.filter(ticket_links__isnull=False).distinct().order_by("name")
                .values_list("name", flat=True))


def with_tags(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The tickets with their tags fetched in one more query (for lists)."""
    return tickets.prefetch_related("tag_links__tag")


def filter_by_tag(tickets: QuerySet[Ticket], tag: str) -> QuerySet[Ticket]:
    """The tickets carrying `tag` (normalised first)."""
    return tickets.filter(pk__in=TicketTag.objects.filter(tag__name=normalise(tag)).values("ticket_id"))


def _tag_rows(names: list[str]) -> list[Tag]:
    # get_or_create per name: two agents adding the same new tag at once both end up with the one row.
    return [Tag.objects.get_or_create(name=name)[0] for name in names]


@transaction.atomic
def change_tags(viewer: Viewer, ticket: Ticket, *, add: Iterable[str] = (), remove: Iterable[str] = (),
                at: dt.datetime | None = None, expected_version: int | None = None) -> Ticket:
    """Add and remove tags on one ticket (agents only). Adding a tag it has, or removing one it has
    not, is no change; when nothing changes, nothing is written. Returns the ticket as it is now."""
    _require_staff(viewer, _("tag tickets"))
    add, remove = clean_names(add), clean_names(remove)
    if set(add) & set(remove):
        raise DomainError(_("Add or remove %(tag)r, not both") % {
            "tag": sorted(set(add) & set(remove))[0]}, field="tags")
    ticket = _locked(viewer, ticket, expected_version)
    at = at or clock.now()
    current = set(TicketTag.objects.filter(ticket=ticket).values_list("tag__name", flat=True))
    added = [name for name in add if name not in current]
    removed = [name for name in remove if name in current]
    if not added and not removed:
        return ticket
    if added:
        TicketTag.objects.bulk_create([TicketTag(ticket=ticket, tag=tag, added_by=viewer.user, added_at=at)
                                       for tag in _tag_rows(added)])
    if removed:
        TicketTag.objects.filter(ticket=ticket, tag__name__in=removed).delete()
    save_change(ticket, at=at)
    before = {"tags": sorted(current)}
    after = {"tags": sorted((current | set(added)) - set(removed)), "added": added, "removed": removed}
    record(actor=viewer.label, actor_user=viewer.user, action="ticket.tags_changed", obj=ticket,
           ticket_id=ticket.pk, before=before, after=after, at=at)
    return ticket


def add_tags(viewer: Viewer, ticket: Ticket, names: Iterable[str], **kwargs) -> Ticket:
    return change_tags(viewer, ticket, add=names, **kwargs)


def remove_tags(viewer: Viewer, ticket: Ticket, names: Iterable[str], **kwargs) -> Ticket:
    return change_tags(viewer, ticket, remove=names, **kwargs)
