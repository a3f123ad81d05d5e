"""Page-number pagination: `?page=2&page_size=50` → count, page numbers and one page of items."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from escalade.api.schemas import PageParams


def paginate(qs: QuerySet, params: PageParams, serialize: Callable[[Any], Any]) -> dict:
    """One page of `qs` (already ordered) as the fields of a `PageMeta` plus `items`. A page past
    the last is empty rather than an error, so a client looping on `next` never trips."""
    count = qs.count()
    size = params.page_size
    start = (params.page - 1) * size
    items = [serialize(obj) for obj in qs[start:start + size]] if start < count else []
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
