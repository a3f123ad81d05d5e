"""/api/me: who the API takes you for."""

from __future__ import annotations

from ninja import Router

from escalade.api.auth import viewer
from escalade.api.errors import ErrorOut
from escalade.api.schemas import MeOut

router = Router(tags=["me"])


@router.get("", response={200: MeOut, 401: ErrorOut})
def me(request):
    """Your side of each boundary: admin, vendor_agent, partner_agent, customer or nobody."""
    return MeOut.of(viewer(request))
