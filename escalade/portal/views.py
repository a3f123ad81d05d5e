"""The customer and agent pages around tickets: the list, one ticket, a new ticket, attachment
downloads and "who to contact". The forms on a ticket page are handled in ticket_actions.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from escalade import clock
from escalade.errors import DomainError, NotFound
from escalade.escalation.models import Firing
from escalade.notifications.selectors import deliveries_for
from escalade.orgs.access import AccessDenied, Viewer
from escalade.orgs.zones import time_zone, time_zone_name
from escalade.policy import names
from escalade.policy.publish import active_version, policy_of
from escalade.policy.schema import CUSTOMER_TZ
from escalade.portal import merge_live, tools, words
from escalade.portal.console import open_management_concern, ticket_links
from escalade.portal.custom_field_forms import custom_field_context
from escalade.portal.forms import (
    DecidePriorityForm,
    EscalationRequestForm,
    LinkForm,
    ManagementAnswerForm,
    NewTicketForm,
    NotFixedForm,
    PriorityRequestForm,
    ReplyForm,
    StatusForm,
    SurveyForm,
    TicketFilterForm,
    TicketUpdateForm,
    add_domain_error,
)
from escalade.portal.htmx import render_block
from escalade.sla.selectors import clocks_for
from escalade.sla.words import IN_ACTIVE_LANGUAGE
from escalade.surveys import selectors as survey_selectors
from escalade.surveys import services as surveys
from escalade.tickets import lifecycle, matrix_review, priority_matrix, selectors, services
from escalade.tickets.models import Attachment, PriorityChangeRequest, Status, Ticket

PAGE_SIZE = 50


def _render(request, viewer: Viewer, template: str, context: dict, status: int = 200):
    """Render with the viewer in the context and times in the viewer's own zone (orgs.zones)."""
    with timezone.override(time_zone(viewer)):
        return render(request, template, {"viewer": viewer, **context}, status=status)


def _promise(ticket: Ticket, now, tz: str) -> str:
    """The customer's "Our promise": the next promise still ahead, else what is happening now
    ("We are working on it", "Waiting for your reply"); never a date in the past."""
    running = next(iter(clocks_for(ticket, staff=False, now=now, tz=tz)), None)
    return running.text[:1].upper() + running.text[1:] if running else words.happening_now(ticket.status)


def ticket_or_404(viewer: Viewer, number: str) -> Ticket:
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
    tz = time_zone_name(viewer)
    rows = [(t, _promise(t, now, tz)) for t in page.object_list]
    return _render(request, viewer, "portal/home.html", {"filters": filters, "page": page, "rows": rows})


@login_required
def ticket_detail(request, number: str):
    viewer = Viewer.of(request.user)
    ticket = ticket_or_404(viewer, number)
    if number != ticket.number:
        return redirect("portal:ticket", number=ticket.number)
    return render_ticket(request, viewer, ticket)


def ticket_policy(ticket: Ticket):
    return policy_of(ticket.policy_version) if ticket.policy_version_id else None


def _timeline(viewer: Viewer, ticket: Ticket) -> list:
    """The ticket's timeline, each message with its attachments (for the download links)."""
    files = {m.pk: list(m.attachments.all()) for m in selectors.visible_messages(viewer, ticket)}
    entries = selectors.timeline(viewer, ticket)
    policy, tz = ticket_policy(ticket), time_zone(viewer)
    firings = {str(f.pk): f.actions for f in Firing.objects.filter(ticket=ticket)}
    shown = []
    for entry in entries:
        if entry.kind != "event":
            entry.data["files"] = files.get(entry.data.get("id"), [])
            shown.append(entry)
            continue
        # In words for this reader; a customer is not told of internal events.
        data = entry.data
        sentence = words.describe(data["action"], data["before"], data["after"], entry.actor,
                                  customer=not viewer.is_staff_side, policy=policy, tz=tz,
                                  firing=firings.get(str(data.get("object_id"))))
        if sentence is not None:
            entry.text, entry.actor, data["hint"] = sentence.text, sentence.actor, sentence.hint
            shown.append(entry)
    return shown


def render_ticket(request, viewer: Viewer, ticket: Ticket, *, reply_form=None, status_form=None,
                   escalation_form=None, priority_form=None, update_form=None, survey_form=None,
                   link_form=None, management_form=None, confirm_form=None, not_fixed_form=None,
                   fields_form=None, changed: str = "", status: int = 200, merge_form=None, changes=None):
    """The ticket page; `changed`: why a submitted form was not saved (the ticket changed since)."""
    by_customer = viewer.kind == "customer"
    targets = lifecycle.allowed_targets(ticket.status, by_customer=by_customer)
    if not targets:
        status_form = None  # nowhere to go (any more)
    elif status_form is None:
        status_form = StatusForm(targets=targets, by_customer=by_customer)
    policy = ticket_policy(ticket)
    # A customer answers a resolution with two buttons (resolution_views), not a "Move to" list.
    answer_fix = by_customer and ticket.status == Status.RESOLVED
    if answer_fix:
        status_form = None
        may_reopen = Status.IN_PROGRESS in targets and (policy is None or policy.lifecycle.customer_may_reopen)
        not_fixed_form = (not_fixed_form or NotFixedForm()) if may_reopen else None
    is_open = ticket.status not in (Status.RESOLVED, Status.CLOSED)
    may_ask_priority = viewer.is_staff_side or bool(policy and policy.priority_change.customer_may_request)
    if update_form is None and viewer.is_staff_side:
        update_form = TicketUpdateForm(policy=policy, viewer=viewer, initial={
            "priority": ticket.priority, "level": ticket.level_id, "assignee": ticket.assignee_id})
    deliveries = list(deliveries_for(viewer, ticket)) if viewer.is_staff_side else None
    survey_response = survey_selectors.response_for(viewer, ticket)
    if survey_form is None and surveys.may_answer(viewer, ticket):
        survey_form = SurveyForm(initial={"rating": survey_response.rating, "comment": survey_response.comment}
                                 if survey_response else None)
    context = {
        "policy": policy,
        "category_name": names.category_name(policy, ticket.category),
        "escalation_form": (escalation_form or EscalationRequestForm(ticket=ticket)) if is_open else None,
        "priority_form": ((priority_form or PriorityRequestForm(policy=policy))
                          if is_open and may_ask_priority and not viewer.is_staff_side else None),
        "update_form": update_form,
        "pending_priority": ticket.priority_requests.filter(status=PriorityChangeRequest.Status.PENDING).first(),
        "decide_form": DecidePriorityForm() if viewer.is_staff_side else None,
        "ticket": ticket,
        "timeline": _timeline(viewer, ticket),
        "deliveries": deliveries,
        "failed_deliveries": sum(1 for m in deliveries or [] if m.status == "failed"),
        "links": ticket_links(viewer, ticket),
        "link_form": (link_form or LinkForm()) if viewer.is_staff_side else None,
        "may_assign_to_me": bool(viewer.is_staff_side and viewer.agent and ticket.assignee_id != viewer.agent.pk
                                 and ticket.status != Status.CLOSED),
        "matrix_answers": priority_matrix.answers_on(viewer, ticket),
        "concern": (concern := open_management_concern(viewer, ticket)),
        "management_form": (management_form or ManagementAnswerForm()) if concern else None,
        "survey_response": survey_response,
        "survey_form": survey_form,
        "clocks": clocks_for(ticket, staff=viewer.is_staff_side, now=clock.now(), tz=time_zone_name(viewer)),
        "reply_form": reply_form or ReplyForm(viewer=viewer),
        "status_form": status_form,
        "answer_fix": answer_fix,
        "confirm_form": confirm_form,
        "not_fixed_form": not_fixed_form if answer_fix else None,
        "changed": changed,
        **custom_field_context(viewer, ticket, policy, fields_form),
        **merge_live.ticket_extras(viewer, ticket, merge_form=merge_form, changes=changes),
        **tools.ticket_context(request, viewer, ticket),  # tags and macros (agents)
    }
    return _render(request, viewer, "portal/ticket_detail.html", context, status=status)


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
    version = active_version()
    policy = policy_of(version) if version else None
    # The information required may depend on the category (intake.by_category).
    category = request.POST.get("category", "")
    category = category if policy is not None and category in policy.categories else ""
    form = NewTicketForm(request.POST or None, viewer=viewer, policy=policy, category=category,
                         required=services.required_information(version, category))
    context = {"form": form, **_priority_context(viewer, policy, request.POST)}
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data.get("organisation") or viewer.contact.organisation
        try:
            ticket = services.open_ticket(viewer, organisation=organisation, intake=True, **form.ticket_fields())
        except DomainError as exc:
            add_domain_error(form, exc)
            return _render(request, viewer, "portal/new_ticket.html", context, status=exc.http_status)
        messages.success(request, _("%(number)s opened. You can follow it here.") % {"number": ticket.number})
        return redirect("portal:ticket", number=ticket.number)
    status = 400 if form.is_bound else 200
    return _render(request, viewer, "portal/new_ticket.html", context, status=status)


def _priority_context(viewer: Viewer, policy, data) -> dict:
    """The priority a new ticket would get from what the form says so far (priority_matrix.suggest):
    the answers to the matrix's questions, the category, and (agents only) a priority chosen."""
    if policy is None:
        return {}
    prefix = priority_matrix.FIELD_PREFIX
    answers = {key.removeprefix(prefix): value for key, value in data.items() if key.startswith(prefix)}
    context = {"has_matrix": priority_matrix.has_matrix(policy),
               "may_request_priority": policy.priority_change.customer_may_request}
    try:
        context["suggestion"] = suggestion = priority_matrix.suggest(
            policy, answers, category=data.get("category", ""),
            chosen=data.get("priority") if viewer.is_staff_side else None)
    except DomainError as exc:
        context["suggestion_error"] = exc.message
        return context
    if matrix_review.needs_review(policy, suggestion):
        held = matrix_review.held_priority(policy)
        context["review"] = {"held": held if not viewer.is_staff_side and held != suggestion.key else ""}
    return context


@login_required
def new_ticket_priority(request):
    """The htmx fragment under the priority questions of the new-ticket page: "Suggested priority:
    P2 · High — …" for the answers so far (GET, nothing is written)."""
    viewer = Viewer.of(request.user)
    if not viewer.is_staff_side:
        try:
            viewer.may_open_ticket_for(viewer.contact.organisation if viewer.contact else None)
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from None
    version = active_version()
    context = {"viewer": viewer, **_priority_context(viewer, policy_of(version) if version else None, request.GET)}
    return render_block(request, "portal/new_ticket.html", "priority_suggestion", context)


# Types a browser may be told; anything else (HTML, SVG, scripts) is sent as plain bytes.
SAFE_CONTENT_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "text/plain", "text/csv",
                      "application/zip", "application/json"}


@login_required
def download_attachment(request, number: str, attachment_id: int):
    """One attachment of a message the viewer may see (customers never reach internal notes'
    files); always a download, never rendered by the browser. Anything else is a 404."""
    viewer = Viewer.of(request.user)
    ticket = ticket_or_404(viewer, number)
    attachment = (Attachment.objects.filter(pk=attachment_id, message__in=selectors.visible_messages(viewer, ticket))
                  .first())
    if attachment is None:
        raise Http404(_("No such attachment on this ticket"))
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("The attachment's file is missing")) from None
    content_type = attachment.content_type if attachment.content_type in SAFE_CONTENT_TYPES else \
        "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=attachment.filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


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
            if tz is None and policy.calendar_spec(key).tz == CUSTOMER_TZ:
                # An agent reads hours that follow each customer's own clock.
                return policy.calendar(key, "UTC").explain(IN_ACTIVE_LANGUAGE).replace(
                    " UTC", " " + _("in each customer's time zone"), 1)
            return policy.calendar(key, tz).explain(IN_ACTIVE_LANGUAGE)

        context.update(
            plans=[(plan, hours(plan.coverage)) for plan in policy.plans.values()],
            channels=[(ch, names.channel_name(policy, ch.key), hours(ch.hours),
                       [names.plan_name(policy, p) for p in ch.plans]) for ch in policy.channels.values()],
            emergency_channel=names.channel_name(policy, policy.emergency.channel) if policy.emergency else "",
            emergency_hours=hours(policy.emergency.coverage) if policy.emergency else "",
            roles=[(role, [policy.contacts[c] for c in role.contacts if c in policy.contacts])
                   for role in policy.roles.values()],
        )
    return _render(request, viewer, "portal/contact.html", context)
