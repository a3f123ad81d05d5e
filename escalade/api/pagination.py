"""Page-number pagination: `?page=2&page_size=50` → count, page numbers and one page of items."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from escalade.api.schemas import PageParams, TicketOut, TicketPage
from escalade.orgs.access import Viewer
from escalade.policy.publish import policy_of
from escalade.tags.models import TicketTag
from escalade.tickets import custom_fields


def paginate(qs: QuerySet, params: PageParams, serialize: Callable[[Any], Any],
             prepare: Callable[[list], None] | None = None) -> dict:
    """One page of `qs` (already ordered) as the fields of a `PageMeta` plus `items`. A page past
    the last is empty rather than an error, so a client looping on `next` never trips. `prepare`
    gets the page's objects before they are serialized (to fetch what they need in one go)."""
    count = qs.count()
    size = params.page_size
    start = (params.page - 1) * size
    objects = list(qs[start:start + size]) if start < count else []
    if prepare is not None and objects:
        prepare(objects)
    items = [serialize(obj) for obj in objects]
    pages = max(1, -(-count // size))
    return {
        "count": count,
        "page": params.page,
        "page_size": size,
        "pages": pages,
        "next": params.page + 1 if params.page < pages else None,
        "previous": min(params.page - 1, pages) if params.page > 1 else None,
        "items": items,
    }


def ticket_page(tickets: QuerySet, params: PageParams, who: Viewer) -> TicketPage:
    """One page of tickets (a query from `selectors.visible_tickets`, ordered) as TicketOuts. The
    page's clocks, its tags (for agents) and its custom field values (only when a policy of the page
    declares fields the viewer sees) come in one query each."""

    def prepare(page: list) -> None:
        related = ["clocks"]
        if who.is_staff_side:
            related.append(Prefetch("tag_links", queryset=TicketTag.objects.select_related("tag")))
        customer = who.kind == "customer"
        if any(t.policy_version_id and custom_fields.visible(policy_of(t.policy_version), customer=customer)
               for t in page):
            related.append("field_values")
        prefetch_related_objects(page, *related)

    page = paginate(tickets, params, lambda t: TicketOut.of(t, who), prepare)
    return TicketPage.model_construct(**page)  # its items are validated TicketOuts: not validated again
