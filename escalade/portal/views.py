"""The demo pages: the viewer's tickets, one ticket, a new ticket.

Each view parses a form, calls one function of `escalade.tickets.services` and redirects. A
DomainError goes back on the form; a ticket the viewer may not see is a 404.
"""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from escalade import clock
from escalade.errors import DomainError, NotFound
from escalade.orgs.access import AccessDenied, Viewer
from escalade.policy.publish import active_version, policy_of
from escalade.portal.forms import (
    DecidePriorityForm,
    EscalationRequestForm,
    NewTicketForm,
    PriorityRequestForm,
    ReplyForm,
    StatusForm,
    TicketFilterForm,
    TicketUpdateForm,
    add_domain_error,
)
from escalade.sla.selectors import clocks_for
from escalade.tickets import lifecycle, priority_requests, selectors, services
from escalade.tickets.models import PriorityChangeRequest, Status, Ticket

PAGE_SIZE = 50


def _render(request, viewer: Viewer, template: str, context: dict, status: int = 200):
    """Render with the viewer in the context and times in the customer's own zone (UTC for staff)."""
    tz = zoneinfo.ZoneInfo(viewer.contact.organisation.timezone) if viewer.contact else zoneinfo.ZoneInfo("UTC")
    with timezone.override(tz):
        return render(request, template, {"viewer": viewer, **context}, status=status)


def _ticket_or_404(viewer: Viewer, number: str) -> Ticket:
    try:
        return selectors.get_ticket(viewer, number)
    except NotFound as exc:
        raise Http404(exc.message) from None


@login_required
def home(request):
    viewer = Viewer.of(request.user)
    filters = TicketFilterForm(request.GET)
    tickets = selectors.visible_tickets(viewer)
    if filters.is_valid():
        tickets = selectors.filter_tickets(tickets, status=filters.cleaned_data["status"],
                                           q=filters.cleaned_data["q"])
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    now = clock.now()
    promises = {t.pk: next(iter(clocks_for(t, staff=False, now=now)), None) for t in page.object_list}
    rows = [(t, promises[t.pk]) for t in page.object_list]
    return _render(request, viewer, "portal/home.html", {"filters": filters, "page": page, "rows": rows})


@login_required
def ticket_detail(request, number: str):
    viewer = Viewer.of(request.user)
    ticket = _ticket_or_404(viewer, number)
    if number != ticket.number:
        return redirect("portal:ticket", number=ticket.number)
    return _render_ticket(request, viewer, ticket)


def _ticket_policy(ticket: Ticket):
    return policy_of(ticket.policy_version) if ticket.policy_version_id else None


def _render_ticket(request, viewer: Viewer, ticket: Ticket, *, reply_form=None, status_form=None,
                   escalation_form=None, priority_form=None, update_form=None, status: int = 200):
    by_customer = viewer.kind == "customer"
    targets = lifecycle.allowed_targets(ticket.status, by_customer=by_customer)
    if status_form is None and targets:
        status_form = StatusForm(targets=targets, by_customer=by_customer)
    policy = _ticket_policy(ticket)
    is_open = ticket.status not in (Status.RESOLVED, Status.CLOSED)
    may_ask_priority = viewer.is_staff_side or bool(policy and policy.priority_change.customer_may_request)
    if update_form is None and viewer.is_staff_side:
        update_form = TicketUpdateForm(policy=policy, viewer=viewer, initial={
            "priority": ticket.priority, "level": ticket.level_id, "assignee": ticket.assignee_id})
    context = {
        "policy": policy,
        "escalation_form": (escalation_form or EscalationRequestForm()) if is_open else None,
        "priority_form": ((priority_form or PriorityRequestForm(policy=policy))
                          if is_open and may_ask_priority and not viewer.is_staff_side else None),
        "update_form": update_form,
        "pending_priority": ticket.priority_requests.filter(status=PriorityChangeRequest.Status.PENDING).first(),
        "decide_form": DecidePriorityForm() if viewer.is_staff_side else None,
        "ticket": ticket,
        "timeline": selectors.timeline(viewer, ticket),
        "clocks": clocks_for(ticket, staff=viewer.is_staff_side, now=clock.now()),
        "reply_form": reply_form or ReplyForm(viewer=viewer),
        "status_form": status_form,
    }
    return _render(request, viewer, "portal/ticket_detail.html", context, status=status)


@login_required
@require_POST
def reply(request, number: str):
    viewer = Viewer.of(request.user)
    ticket = _ticket_or_404(viewer, number)
    form = ReplyForm(request.POST, request.FILES, viewer=viewer)
    if not form.is_valid():
        return _render_ticket(request, viewer, ticket, reply_form=form, status=400)
    internal = form.cleaned_data.get("internal", False)
    attachment = form.cleaned_data["attachment"]
    try:
        services.add_message(viewer, ticket, body=form.cleaned_data["body"], internal=internal,
                             attachments=[attachment] if attachment else [])
    except DomainError as exc:
        add_domain_error(form, exc)
        ticket.refresh_from_db()
        return _render_ticket(request, viewer, ticket, reply_form=form, status=exc.http_status)
    messages.success(request, "Internal note added." if internal else "Reply sent.")
    return redirect("portal:ticket", number=ticket.number)


@login_required
@require_POST
def change_status(request, number: str):
    viewer = Viewer.of(request.user)
    ticket = _ticket_or_404(viewer, number)
    by_customer = viewer.kind == "customer"
    targets = lifecycle.allowed_targets(ticket.status, by_customer=by_customer)
    form = StatusForm(request.POST, targets=targets, by_customer=by_customer)
    if not form.is_valid():
        return _render_ticket(request, viewer, ticket, status_form=form, status=400)
    try:
        services.change_status(viewer, ticket, form.cleaned_data["to"],
                               resolution_type=form.cleaned_data.get("resolution_type", ""))
    except DomainError as exc:
        add_domain_error(form, exc)
        ticket.refresh_from_db()
        return _render_ticket(request, viewer, ticket, status_form=form, status=exc.http_status)
    messages.success(request, f"{ticket.number} is now {lifecycle.label(ticket.status)}.")
    return redirect("portal:ticket", number=ticket.number)


@login_required
def new_ticket(request):
    viewer = Viewer.of(request.user)
    if not viewer.is_staff_side:
        # Customers without authority, and users who are neither contact nor agent, are told why
        # before they write anything.
        try:
            viewer.may_open_ticket_for(viewer.contact.organisation if viewer.contact else None)
        except AccessDenied as exc:
            return _render(request, viewer, "portal/new_ticket.html", {"denied": exc.message}, status=403)
    form = NewTicketForm(request.POST or None, viewer=viewer)
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data.get("organisation") or viewer.contact.organisation
        try:
            ticket = services.open_ticket(viewer, organisation=organisation, **form.ticket_fields())
        except DomainError as exc:
            add_domain_error(form, exc)
            return _render(request, viewer, "portal/new_ticket.html", {"form": form}, status=exc.http_status)
        messages.success(request, f"{ticket.number} opened. You can follow it here.")
        return redirect("portal:ticket", number=ticket.number)
    status = 400 if form.is_bound else 200
    return _render(request, viewer, "portal/new_ticket.html", {"form": form}, status=status)


def _domain_error_page(request, viewer: Viewer, ticket: Ticket, exc: DomainError, **forms):
    ticket.refresh_from_db()
    return _render_ticket(request, viewer, ticket, status=exc.http_status, **forms)


@login_required
@require_POST
def request_escalation(request, number: str):
    viewer = Viewer.of(request.user)
    ticket = _ticket_or_404(viewer, number)
    form = EscalationRequestForm(request.POST)
    if not form.is_valid():
        return _render_ticket(request, viewer, ticket, escalation_form=form, status=400)
    try:
        services.request_escalation(viewer, ticket, business_impact=form.cleaned_data["business_impact"])
    except DomainError as exc:
        add_domain_error(form, exc)
        return _domain_error_page(request, viewer, ticket, exc, escalation_form=form)
    messages.success(request, "Escalation requested. A support manager will review it.")
    return redirect("portal:ticket", number=ticket.number)


@login_required
@require_POST
def request_priority(request, number: str):
    viewer = Viewer.of(request.user)
    ticket = _ticket_or_404(viewer, number)
    form = PriorityRequestForm(request.POST, policy=_ticket_policy(ticket))
    if not form.is_valid():
        return _render_ticket(request, viewer, ticket, priority_form=form, status=400)
    try:
        priority_requests.request_priority_change(viewer, ticket, form.cleaned_data["priority"],
                                                  form.cleaned_data["justification"])
    except DomainError as exc:
        add_domain_error(form, exc)
        return _domain_error_page(request, viewer, ticket, exc, priority_form=form)
    messages.success(request, "Priority change requested. An agent will accept or decline it.")
    return redirect("portal:ticket", number=ticket.number)


@login_required
@require_POST
def update_ticket(request, number: str):
    viewer = Viewer.of(request.user)
    ticket = _ticket_or_404(viewer, number)
    if not viewer.is_staff_side:
        raise PermissionDenied
    form = TicketUpdateForm(request.POST, policy=_ticket_policy(ticket), viewer=viewer)
    if not form.is_valid():
        return _render_ticket(request, viewer, ticket, update_form=form, status=400)
    try:
        services.update_ticket(viewer, ticket, **form.changes())
    except DomainError as exc:
        add_domain_error(form, exc)
        return _domain_error_page(request, viewer, ticket, exc, update_form=form)
    messages.success(request, f"{ticket.number} updated.")
    return redirect("portal:ticket", number=ticket.number)


@login_required
@require_POST
def decide_priority(request, number: str, request_id: int):
    viewer = Viewer.of(request.user)
    ticket = _ticket_or_404(viewer, number)
    if not viewer.is_staff_side:
        raise PermissionDenied
    change = ticket.priority_requests.filter(pk=request_id).first()
    form = DecidePriorityForm(request.POST)
    if change is None:
        raise Http404("No such priority change request")
    if not form.is_valid():
        return _render_ticket(request, viewer, ticket, status=400)
    try:
        priority_requests.decide_priority_change(viewer, change, form.cleaned_data["accept"],
                                                 form.cleaned_data["note"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("portal:ticket", number=ticket.number)
    messages.success(request, "Priority change accepted." if form.cleaned_data["accept"]
                     else "Priority change declined.")
    return redirect("portal:ticket", number=ticket.number)


@login_required
def contact_us(request):
    """Who to contact: generated from the active policy (support hours, channels, emergencies,
    escalation roles)."""
    viewer = Viewer.of(request.user)
    version = active_version()
    policy = policy_of(version) if version else None
    context = {"policy": policy, "version": version}
    if policy is not None:
        tz = viewer.contact.organisation.timezone if viewer.contact else None

        def hours(key: str) -> str:
            return policy.calendar(key, tz).explain()

        context.update(
            plans=[(plan, hours(plan.coverage)) for plan in policy.plans.values()],
            channels=[(ch, hours(ch.hours)) for ch in policy.channels.values()],
            emergency_hours=hours(policy.emergency.coverage) if policy.emergency else "",
            roles=[(role, [policy.contacts[c] for c in role.contacts if c in policy.contacts])
                   for role in policy.roles.values()],
        )
    return _render(request, viewer, "portal/contact.html", context)
