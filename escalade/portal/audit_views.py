"""The customer's own audit trail (/audit/): what the log is, the key and latest checkpoint, and a
download of the organisation's events with proofs (POST: each export is itself audited). Primary
contacts only: the bundle holds every event about the organisation, internal or not."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from escalade import clock
from escalade.audit import signing
from escalade.audit.export import organisation_bundle
from escalade.audit.sequencer import latest_checkpoint
from escalade.errors import DomainError
from escalade.orgs.access import Viewer


def _primary_contact(request) -> Viewer:
    viewer = Viewer.of(request.user)
    if viewer.kind != "customer" or not viewer.contact.is_primary:
        raise PermissionDenied(_("Only your organisation's primary contact can download its audit trail."))
    return viewer


@login_required
@require_http_methods(["GET", "HEAD"])
def audit_page(request) -> HttpResponse:
    viewer = _primary_contact(request)
    return render(request, "portal/audit.html", {
        "viewer": viewer, "checkpoint": latest_checkpoint(), "public_key": signing.public_key_text(),
        "organisation": viewer.contact.organisation,
    })


@login_required
@require_POST
def audit_export(request) -> HttpResponse:
    viewer = _primary_contact(request)
    org = viewer.contact.organisation
    try:
        data = organisation_bundle(organisation_id=org.pk, key=org.slug, name=org.name, actor=viewer.label,
                                   actor_user=request.user)
    except DomainError as exc:
        return render(request, "portal/audit.html", {
            "viewer": viewer, "checkpoint": latest_checkpoint(), "public_key": signing.public_key_text(),
            "organisation": org, "error": exc.message}, status=409)
    response = HttpResponse(data, content_type="application/json")
    name = f"escalade-audit-{org.slug}-{clock.now():%Y%m%d-%H%M%S}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
