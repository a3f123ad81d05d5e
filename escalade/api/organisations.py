"""/api/organisations: the customers the caller may see (Viewer.organisations)."""

from __future__ import annotations

from ninja import Query, Router

from escalade.api.auth import viewer
from escalade.api.errors import LIST_ERRORS, ErrorOut
from escalade.api.pagination import paginate
from escalade.api.schemas import MAX_ID, OrganisationOut, OrganisationPage, PageParams
from escalade.errors import NotFound

router = Router(tags=["organisations"])


@router.get("", response={200: OrganisationPage, LIST_ERRORS: ErrorOut})
def list_organisations(request, paging: Query[PageParams]):
    """The organisations you can see, by name."""
    orgs = viewer(request).organisations().select_related("partner").order_by("name", "pk")
    return paginate(orgs, paging, OrganisationOut.of)


@router.get("/{organisation_id}", response={200: OrganisationOut, frozenset({401, 404, 422}): ErrorOut})
def get_organisation(request, organisation_id: int):
    org = None
    if 1 <= organisation_id <= MAX_ID:
        org = viewer(request).organisations().select_related("partner").filter(pk=organisation_id).first()
    if org is None:
        raise NotFound(f"No organisation {organisation_id} that you can see")
    return OrganisationOut.of(org)
