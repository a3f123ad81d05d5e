"""Merging from the ticket page, who else is on a ticket, and the console queue's live updates.
Thin views: parse, call one domain function, render (see `merge_live` for what they render)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from escalade import clock
from escalade.errors import DomainError, NotFound
from escalade.orgs.access import Viewer
from escalade.portal import console_views, merge_live
from escalade.portal.forms import add_domain_error
from escalade.portal.ticket_actions import changed_since, seen_version
from escalade.portal.views import render_ticket, ticket_or_404
from escalade.tickets import collisions, selectors
from escalade.tickets.locking import TicketChanged
from escalade.tickets.merge import merge_tickets


def _agent_ticket(request, number: str):
    viewer = Viewer.of(request.user)
    ticket = ticket_or_404(viewer, number)
    if not viewer.is_staff_side:
        raise PermissionDenied
    return viewer, ticket


@login_required
@require_POST
def merge(request, number: str):
    """Merge this ticket into the one named (tickets.merge.merge_tickets) and go there; a refusal
    goes back on the form."""
    viewer, ticket = _agent_ticket(request, number)
    version = seen_version(request)
    form = merge_live.MergeForm(request.POST)
    if version is not None and version != ticket.version:
        form.is_valid()
        return render_ticket(request, viewer, ticket, status=409, changed=changed_since(viewer, ticket),
                             merge_form=form)
    if not form.is_valid():
        return render_ticket(request, viewer, ticket, status=400, merge_form=form)
    try:
        try:
            into = selectors.get_ticket(viewer, form.cleaned_data["number"])
        except NotFound as exc:
            raise DomainError(exc.message, field="into") from None
        kept = merge_tickets(viewer, into, [ticket], expected_versions={ticket.pk: version})
    except TicketChanged:
        ticket.refresh_from_db()
        return render_ticket(request, viewer, ticket, status=409, changed=changed_since(viewer, ticket),
                             merge_form=form)
    except DomainError as exc:
        add_domain_error(form, exc)
        ticket.refresh_from_db()
        return render_ticket(request, viewer, ticket, status=exc.http_status, merge_form=form)
    messages.success(request, _("%(number)s was merged into %(kept)s; its customer has been told.") % {
        "number": ticket.number, "kept": kept.number})
    return redirect("portal:ticket", number=kept.number)


@login_required
@require_GET
def merge_candidates(request, number: str):
    """The tickets this one could be merged into, matching what the agent typed (htmx fragment)."""
    viewer, ticket = _agent_ticket(request, number)
    q = request.GET.get("into", "")[:100]
    candidates = merge_live.merge_candidates(viewer, ticket, q)
    return render(request, "portal/_merge_candidates.html", {"ticket": ticket, "candidates": candidates, "q": q})


@login_required
@require_POST
def presence(request, number: str):
    """The open ticket page says "I am here" (and whether a reply is being written) every few
    seconds, and gets back who else is (htmx fragment)."""
    viewer, ticket = _agent_ticket(request, number)
    now = clock.now()
    collisions.touch(viewer, ticket, replying=request.POST.get("replying") == "1", now=now)
    collisions.forget_stale(ticket, now=now)
    others = collisions.others_on(viewer, ticket, now=now)
    return render(request, "portal/_presence.html", {"others": others})


@login_required
@require_GET
def queue_changes(request):
    """The console queue asks "anything new since my token?": 204 (htmx leaves the page alone)
    when no ticket the agent can see changed, else the queue again with its filters and a new token."""
    viewer = Viewer.of(request.user)
    if not viewer.is_staff_side:
        raise PermissionDenied
    if not merge_live.queue_changed(viewer, request.GET, clock.now()):
        return HttpResponse(status=204)
    return console_views.queues(request)
