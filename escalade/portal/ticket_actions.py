"""The forms on a ticket page: reply, status, escalation and priority requests, triage, survey,
links, a manager's answer to a management escalation. Each parses its form, calls one domain
function and redirects back to the ticket; a DomainError goes back on the form with its status
code; a ticket the viewer may not see is a 404.

Each form carries the version of the ticket it was made from (a hidden `version` field): when the
ticket changed since, nothing is done and the page, showing the ticket as it is now, says who
changed it, with what the person typed still in the form (409)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from escalade.errors import DomainError, NotFound
from escalade.escalation import management
from escalade.orgs.access import Viewer
from escalade.portal import merge_live
from escalade.portal.forms import (
    DecidePriorityForm,
    EscalationRequestForm,
    LinkForm,
    ManagementAnswerForm,
    PriorityRequestForm,
    ReplyForm,
    StatusForm,
    SurveyForm,
    TicketUpdateForm,
    add_domain_error,
)
from escalade.portal.views import render_ticket, ticket_or_404, ticket_policy
from escalade.surveys import selectors as survey_selectors
from escalade.surveys import services as surveys
from escalade.tickets import lifecycle, priority_requests, selectors, services
from escalade.tickets.locking import TicketChanged
from escalade.tickets.models import Status, Ticket

# What a new link says, from the ticket it was made on.
LINKED = {"related": lambda: _("%(number)s: related to %(other)s."),
          "duplicate": lambda: _("%(number)s: duplicate of %(other)s."),
          "parent": lambda: _("%(number)s: child of %(other)s.")}


def seen_version(request) -> int | None:
    """The ticket version the submitted form was made from (None from a form without one)."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def changed_since(viewer: Viewer, ticket: Ticket) -> str:
    return _("%(number)s was changed by %(who)s since you opened it. Nothing was saved: check the ticket below as "
             "it is now; what you entered is kept, send it again if it still applies.") % {
        "number": ticket.number, "who": selectors.last_changed_by(viewer, ticket)}


def _act(request, number: str, form_name: str, make_form: Callable[[Viewer, Ticket], Any],
         act: Callable[[Viewer, Ticket, Any, int | None], str], *, agents_only: bool = False):
    """The shape every ticket form shares: `act(viewer, ticket, form, version)` does the work with
    the valid form and the version the form was made from, and returns the success message."""
    viewer = Viewer.of(request.user)
    ticket = ticket_or_404(viewer, number)
    if agents_only and not viewer.is_staff_side:
        raise PermissionDenied
    version = seen_version(request)

    def changed_page():
        form = make_form(viewer, ticket)  # what was entered, on the form as it is for the ticket now
        form.is_valid()
        return render_ticket(request, viewer, ticket, status=409, changed=changed_since(viewer, ticket),
                             changes=merge_live.changes_for_form(viewer, ticket, request.POST.get("seen_at")),
                             **{form_name: form})

    if version is not None and version != ticket.version:
        return changed_page()  # before validating: the form's choices may have changed with the ticket
    form = make_form(viewer, ticket)
    if not form.is_valid():
        return render_ticket(request, viewer, ticket, status=400, **{form_name: form})
    try:
        done = act(viewer, ticket, form, version)
    except TicketChanged:  # changed between reading the ticket above and locking it
        ticket.refresh_from_db()
        return changed_page()
    except DomainError as exc:
        add_domain_error(form, exc)
        ticket.refresh_from_db()
        return render_ticket(request, viewer, ticket, status=exc.http_status, **{form_name: form})
    messages.success(request, done)
    return redirect("portal:ticket", number=ticket.number)


@login_required
@require_POST
def reply(request, number: str):
    def act(viewer, ticket, form, version):
        data = form.cleaned_data
        attachment = data["attachment"]
        services.add_message(viewer, ticket, body=data["body"], internal=data.get("internal", False),
                             attachments=[attachment] if attachment else [], expected_version=version)
        return _("Internal note added.") if data.get("internal") else _("Reply sent.")

    return _act(request, number, "reply_form",
                lambda viewer, _: ReplyForm(request.POST, request.FILES, viewer=viewer), act)


@login_required
@require_POST
def change_status(request, number: str):
    def make_form(viewer, ticket):
        by_customer = viewer.kind == "customer"
        return StatusForm(request.POST, targets=lifecycle.allowed_targets(ticket.status, by_customer=by_customer),
                          by_customer=by_customer)

    def act(viewer, ticket, form, version):
        data = form.cleaned_data
        ticket = services.change_status(viewer, ticket, data["to"], resolution_type=data.get("resolution_type", ""),
                                        expected_version=version)
        return _("%(number)s is now %(status)s.") % {"number": ticket.number, "status": Status(ticket.status).label}

    return _act(request, number, "status_form", make_form, act)


@login_required
@require_POST
def request_escalation(request, number: str):
    def act(viewer, ticket, form, version):
        data = form.cleaned_data
        services.request_escalation(viewer, ticket, business_impact=data["business_impact"], level=data["level"],
                                    expected_version=version)
        return _("Escalation requested. A support manager will review it.")

    return _act(request, number, "escalation_form",
                lambda _, ticket: EscalationRequestForm(request.POST, ticket=ticket), act)


@login_required
@require_POST
def request_priority(request, number: str):
    def act(viewer, ticket, form, version):
        data = form.cleaned_data
        priority_requests.request_priority_change(viewer, ticket, data["priority"], data["justification"],
                                                  expected_version=version)
        return _("Priority change requested. An agent will accept or decline it.")

    return _act(request, number, "priority_form",
                lambda _, ticket: PriorityRequestForm(request.POST, policy=ticket_policy(ticket)), act)


@login_required
@require_POST
def update_ticket(request, number: str):
    def make_form(viewer, ticket):
        return TicketUpdateForm(request.POST, policy=ticket_policy(ticket), viewer=viewer)

    def act(viewer, ticket, form, version):
        services.update_ticket(viewer, ticket, expected_version=version, **form.changes())
        return _("%(number)s updated.") % {"number": ticket.number}

    return _act(request, number, "update_form", make_form, act, agents_only=True)


@login_required
@require_POST
def rate_support(request, number: str):
    """The customer's satisfaction survey on a resolved ticket (surveys.services.answer_survey)."""
    def act(viewer, ticket, form, version):  # a rating is the customer's own, not a change of the ticket
        data = form.cleaned_data
        answered_before = survey_selectors.response_for(viewer, ticket) is not None
        surveys.answer_survey(viewer, ticket, rating=data["rating"], comment=data["comment"])
        return _("Your rating was updated. Thank you.") if answered_before else _("Thank you for your rating.")

    return _act(request, number, "survey_form", lambda *_: SurveyForm(request.POST), act)


@login_required
@require_POST
def link_ticket(request, number: str):
    """Agents link this ticket to another one (services.link_tickets); an unknown ticket, or one the
    agent may not see, is an error on the number field (a mistake in the form, not a missing page)."""
    def act(viewer, ticket, form, version):
        data = form.cleaned_data
        try:
            other = selectors.get_ticket(viewer, data["number"])
        except NotFound as exc:
            raise DomainError(exc.message, field="number") from None
        link = services.link_tickets(viewer, ticket, other, data["kind"], expected_version=version)
        return LINKED[link.kind]() % {"number": ticket.number, "other": other.number}

    return _act(request, number, "link_form", lambda *_: LinkForm(request.POST), act, agents_only=True)


@login_required
@require_POST
def decide_priority(request, number: str, request_id: int):
    viewer = Viewer.of(request.user)
    ticket = ticket_or_404(viewer, number)
    if not viewer.is_staff_side:
        raise PermissionDenied
    change = ticket.priority_requests.filter(pk=request_id).first()
    if change is None:
        raise Http404(_("No such priority change request"))
    form = DecidePriorityForm(request.POST)
    if not form.is_valid():
        return render_ticket(request, viewer, ticket, status=400)
    accept = form.cleaned_data["accept"]
    try:
        priority_requests.decide_priority_change(viewer, change, accept, form.cleaned_data["note"],
                                                 expected_version=seen_version(request))
    except TicketChanged:
        messages.error(request, changed_since(viewer, ticket))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Priority change accepted.") if accept else _("Priority change declined."))
    return redirect("portal:ticket", number=ticket.number)


@login_required
@require_POST
def assign_to_me(request, number: str):
    viewer = Viewer.of(request.user)
    ticket = ticket_or_404(viewer, number)
    if not viewer.is_staff_side or viewer.agent is None:
        raise PermissionDenied
    try:
        services.update_ticket(viewer, ticket, assignee=viewer.agent, expected_version=seen_version(request))
    except TicketChanged:
        messages.error(request, changed_since(viewer, ticket))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(number)s is assigned to you.") % {"number": ticket.number})
    return redirect("portal:ticket", number=ticket.number)


@login_required
@require_POST
def answer_management_escalation(request, number: str):
    """A support manager answers the ticket's open management escalation from the ticket page: the
    same `escalation.management.answer_concern` as the API. Anyone else: 403 (404 for a ticket they
    cannot see); no open escalation: an error message."""
    viewer = Viewer.of(request.user)
    ticket = ticket_or_404(viewer, number)
    if not viewer.is_manager:
        raise PermissionDenied
    form = ManagementAnswerForm(request.POST)
    if not form.is_valid():
        return render_ticket(request, viewer, ticket, management_form=form, status=400)
    try:
        concern = management.answer_concern(viewer, ticket, answer=form.cleaned_data["answer"],
                                            expected_version=seen_version(request))
    except TicketChanged:
        ticket.refresh_from_db()
        return render_ticket(request, viewer, ticket, management_form=form, status=409,
                             changed=changed_since(viewer, ticket))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Management escalation of %(number)s answered at %(role)s: it stops here.") % {
            "number": ticket.number, "role": concern.role})
    return redirect("portal:ticket", number=ticket.number)
