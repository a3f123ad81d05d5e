"""Reading received alert payloads, scoped to the organisations the viewer may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from escalade.errors import PermissionDenied
from escalade.monitoring.models import AlertPayload
from escalade.orgs.access import Viewer


def recent_alerts(viewer: Viewer) -> QuerySet[AlertPayload]:
    """Alert payloads about the viewer's organisations' systems, newest first (agents only)."""
    if not viewer.is_staff_side:
        raise PermissionDenied(_("Only agents see received alerts"))
    return (AlertPayload.objects.filter(asset__organisation__in=viewer.organisations())
            .select_related("asset__organisation").order_by("-received_at", "-pk"))
