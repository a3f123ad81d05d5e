"""The agents' ticket list: filters, sort order and columns from the query string or a saved view
(`escalade.queueviews`), and the forms that save, delete and choose a default view. Thin: parse,
call one function, render or redirect."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from escalade.errors import DomainError, NotFound, PermissionDenied
from escalade.orgs.access import Viewer
from escalade.orgs.models import Agent, Level, Team
from escalade.portal.badges import most_urgent
from escalade.portal.htmx import htmx_block
from escalade.queueviews import filters, services
from escalade.tickets import custom_fields
from escalade.tickets.models import Status

PAGE_SIZE = 50
LIST = "portal:ticket_list"


def _forbidden(request, viewer, exc):
    return TemplateResponse(request, "portal/forbidden.html", {"viewer": viewer, "message": exc.message},
                            status=403)


def _cell(ticket, column: str, heading: str, badge, values: dict) -> dict:
    value: object
    if column.startswith("field."):
        value = custom_fields.display(values.get(column.removeprefix("field."))) if \
            column.removeprefix("field.") in values else "—"
    else:
        value = {
            "number": ticket.number, "subject": ticket.subject, "customer": ticket.organisation.name,
            "priority": ticket.priority, "status": ticket.get_status_display(),
            "level": ticket.level.key if ticket.level else "—", "team": ticket.team.name if ticket.team else "—",
            "assignee": ticket.assignee.name if ticket.assignee else "—", "category": ticket.category or "—",
            "created": ticket.created_at, "updated": ticket.updated_at, "sla": badge,
        }[column]
    return {"column": column, "heading": heading, "value": value}


def _options(viewer: Viewer, ctx: filters.Context) -> dict:
    policy = ctx.policy
    agents = Agent.objects.order_by("name")
    if viewer.kind == "partner_agent":
        agents = agents.filter(partner_id=viewer.agent.partner_id)
    return {
        "statuses": Status.choices,
        "priorities": [(p.key, f"{p.key} · {p.name}") for p in policy.priorities.values()] if policy else [],
        "levels": [(lv.key, f"{lv.key} · {lv.name}") for lv in Level.objects.order_by("rank")],
        "teams": [(t.key, t.name) for t in Team.objects.order_by("name")],
        "organisations": [(str(o.pk), o.name) for o in viewer.organisations().order_by("name")],
        "assignees": [("me", _("Me")), ("none", _("Unassigned")), *((str(a.pk), a.name) for a in agents)],
        "sla_states": list(filters.SLA_STATES.items()),
        "sorts": [(k, label) for k, (label, _) in filters.SORTS.items()],
        "columns": list(filters.available_columns(policy).items()),
        "all_teams": Team.objects.order_by("name"),
    }


@login_required
@htmx_block("list")
def ticket_list(request):
    viewer = Viewer.of(request.user)
    if not viewer.is_staff_side:
        return _forbidden(request, viewer, PermissionDenied(_("The ticket list is for agents.")))
    ctx = filters.context(viewer)
    views = list(services.visible_views(viewer))
    view, error, status = None, "", 200
    given = [k for k in request.GET if k != "page"]
    try:
        if "view" in request.GET:
            raw = request.GET["view"]
            view = services.get_view(viewer, int(raw) if raw.isdigit() and len(raw) < 19 else 0)
        elif not given:
            view = services.default_view(viewer)
        spec = services.spec_of(view, ctx) if view else filters.parse(request.GET, ctx)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:
        error, status, spec = exc.message, 400, filters.Spec()
    tickets = filters.tickets(ctx, spec).select_related("team").prefetch_related("clocks", "field_values")
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    headings = dict(filters.available_columns(ctx.policy))
    rows = []
    for ticket in page.object_list:
        badge = most_urgent(ticket.clocks.all(), ctx.now)
        values = custom_fields.values_of(ticket)
        rows.append({"ticket": ticket,
                     "cells": [_cell(ticket, c, headings[c], badge, values) for c in spec.columns]})
    query = urlencode(spec.as_query())
    context = {
        "viewer": viewer, "views": views, "view": view, "spec": spec, "error": error, "page": page, "rows": rows,
        "headings": [(c, headings[c]) for c in spec.columns], "query": query,
        "default_view": services.default_view(viewer), "selected": _selected(spec),
        "field_filters": _field_filters(ctx.policy, spec),
        **_options(viewer, ctx),
    }
    return TemplateResponse(request, "portal/console_list.html", context, status=status)


def _field_filters(policy, spec: filters.Spec) -> list[dict]:
    """One filter per custom field: its current value, and the values to choose from (choice, yes/no)."""
    chosen = spec.filters.get("fields", {})
    out = []
    for key, f in custom_fields.visible(policy, customer=False).items():
        options = [(o, o) for o in f.options] if f.type == "choice" else \
            [("true", _("Yes")), ("false", _("No"))] if f.type == "boolean" else []
        value = chosen.get(key, "")
        if options:
            options.append(("-", _("None given")))
            if f.type == "boolean" and value:
                value = custom_fields.as_text(custom_fields.clean_value(f, value)) if value != "-" else value
            elif f.type == "choice" and value and value != "-":
                value = custom_fields.clean_value(f, value)
        out.append({"key": key, "name": f.name, "value": value, "options": options})
    return out


def _selected(spec: filters.Spec) -> dict:
    """What the filter form shows as chosen: name → values; `field.<key>` → value."""
    chosen = {name: values for name, values in spec.filters.items() if name != "fields"}
    chosen.update({f"field.{k}": v for k, v in spec.filters.get("fields", {}).items()})
    chosen["q"] = (chosen.get("q") or [""])[0]
    chosen["sla"] = (chosen.get("sla") or [""])[0]
    return chosen


@login_required
@require_POST
def save_view(request):
    """Save the list as it is (the `query` it was shown with) under a name."""
    viewer = Viewer.of(request.user)
    query = QueryDict(request.POST.get("query", ""))
    try:
        ctx = filters.context(viewer)
        spec = filters.parse(query, ctx)
        team_key = request.POST.get("team", "")
        team = Team.objects.filter(key=team_key).first() if team_key else None
        if team_key and team is None:
            raise DomainError(_("No team %(team_key)r") % {"team_key": team_key}, field="team")
        view = services.save_view(viewer, name=request.POST.get("name", ""), spec=spec,
                                  shared=request.POST.get("shared") == "on", team=team)
    except PermissionDenied as exc:
        return _forbidden(request, viewer, exc)
    except DomainError as exc:
        messages.error(request, _("The view was not saved: %(problem)s") % {"problem": exc.message})
        return redirect(f"{reverse(LIST)}?{query.urlencode()}")
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(f"{reverse(LIST)}?view={view.pk}")


def _view_or_404(viewer: Viewer, view_id: int):
    try:
        return services.get_view(viewer, view_id)
    except NotFound as exc:
        raise Http404(exc.message) from None


@login_required
@require_POST
def delete_view(request, view_id: int):
    viewer = Viewer.of(request.user)
    try:
        view = _view_or_404(viewer, view_id)
        services.delete_view(viewer, view)
    except PermissionDenied as exc:
        return _forbidden(request, viewer, exc)
    except NotFound as exc:
        raise Http404(exc.message) from None
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect(LIST)


@login_required
@require_POST
def set_default_view(request):
    """Make a view (the `view` field; empty: none) the one the list opens with."""
    viewer = Viewer.of(request.user)
    raw = request.POST.get("view", "")
    try:
        view = _view_or_404(viewer, int(raw) if raw.isdigit() and len(raw) < 19 else 0) if raw else None
        services.set_default_view(viewer, view)
    except PermissionDenied as exc:
        return _forbidden(request, viewer, exc)
    messages.success(request, _("The list now opens with “%(name)s”.") % {"name": view.name} if view
                     else _("No default view."))
    return redirect(f"{reverse(LIST)}?view={view.pk}" if view else LIST)
