"""The Support & Escalation Guide on the portal: the guide of the active policy, generated from it,
with the reader's own plan marked (a customer's organisation's plan; staff see every plan alike).
`?format=pdf` or `?format=md` downloads it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.safestring import mark_safe

from escalade.errors import NotFound
from escalade.guide import document, publish
from escalade.guide.build import build
from escalade.orgs.access import Viewer
from escalade.portal.views import _render


@login_required
def guide(request):
    viewer = Viewer.of(request.user)
    plan = viewer.contact.organisation.plan if viewer.contact else None
    try:
        version, policy = publish.active()
    except NotFound as exc:
        return _render(request, viewer, "portal/guide.html", {"missing": exc.message}, status=404)
    fmt = request.GET.get("format", "")
    if fmt in ("pdf", "md"):
        body = publish.render(policy, fmt, plan=plan, version=publish.describe(version))
        response = HttpResponse(body, content_type=publish.FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="support-and-escalation-guide.{fmt}"'
        return response
    article = document.html_fragment(build(policy, plan=plan, version=publish.describe(version)))
    # The fragment is built by escaping every text of the policy (guide/document.py).
    return _render(request, viewer, "portal/guide.html", {"article": mark_safe(article)})
