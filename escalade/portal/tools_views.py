"""The agent's tools in the console: tags and macros on the ticket page, the macros list and form,
and bulk actions on the queue. Thin views: parse, call one service, redirect or render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from escalade.errors import DomainError, NotFound
from escalade.macros import services as macros
from escalade.orgs.access import Viewer
from escalade.portal.forms import add_domain_error
from escalade.portal.ticket_actions import changed_since, seen_version
from escalade.portal.tools import ticket_context
from escalade.portal.tools_forms import ApplyMacroForm, BulkForm, MacroForm, TagForm
from escalade.portal.views import render_ticket, ticket_or_404
from escalade.tickets import bulk, tags
from escalade.tickets.locking import TicketChanged


def _agent(request) -> Viewer:
    viewer = Viewer.of(request.user)
    if not viewer.is_staff_side:
        raise PermissionDenied(_("For agents only."))
    return viewer


# -- on the ticket page -----------------------------------------------------------------------------


def _back(number: str):
    return redirect("portal:ticket", number=number)


@login_required
@require_POST
def change_tags(request, number: str):
    viewer = _agent(request)
    ticket = ticket_or_404(viewer, number)
    form = TagForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tags: %(problems)s") % {
            "problems": "; ".join(e for errors in form.errors.values() for e in errors)})
        return _back(ticket.number)
    try:
        tags.change_tags(viewer, ticket, add=tags.split(form.cleaned_data["add"]),
                         remove=tags.split(form.cleaned_data["remove"]), expected_version=seen_version(request))
    except TicketChanged:
        messages.error(request, changed_since(viewer, ticket))
    except DomainError as exc:
        messages.error(request, _("Tags not changed: %(problem)s") % {"problem": exc.message})
    else:
        names = ", ".join(tags.tag_names(ticket))
        messages.success(request, _("Tags of %(number)s: %(tags)s.") % {"number": ticket.number, "tags": names}
                         if names else _("Tags of %(number)s: none.") % {"number": ticket.number})
    return _back(ticket.number)


@login_required
def macro_preview(request, number: str):
    """The chosen macro filled in for this ticket, nothing changed: the fragment under the macro
    picker for htmx (GET on change), else the ticket page with the preview (the Preview button)."""
    viewer = _agent(request)
    ticket = ticket_or_404(viewer, number)
    if not request.headers.get("HX-Request"):
        return render_ticket(request, viewer, ticket)
    context = {"viewer": viewer, "ticket": ticket, **ticket_context(request, viewer, ticket)}
    return TemplateResponse(request, "portal/_macro_preview.html", context)


@login_required
@require_POST
def apply_macro(request, number: str):
    viewer = _agent(request)
    ticket = ticket_or_404(viewer, number)
    form = ApplyMacroForm(request.POST, macros=macros.visible_macros(viewer))
    if not form.is_valid():
        messages.error(request, _("Choose a macro you may use."))
        return _back(ticket.number)
    macro = form.cleaned_data["macro"]
    try:
        macros.apply_macro(viewer, ticket, macro, expected_version=seen_version(request))
    except TicketChanged:
        messages.error(request, changed_since(viewer, ticket))
    except DomainError as exc:
        messages.error(request, _("Macro “%(name)s” not applied, nothing was changed: %(problem)s") % {
            "name": macro.name, "problem": exc.message})
    else:
        messages.success(request, _("Macro “%(name)s” applied to %(number)s.") % {
            "name": macro.name, "number": ticket.number})
    return _back(ticket.number)


# -- macros ---------------------------------------------------------------------------------------


@login_required
def macro_list(request):
    viewer = _agent(request)
    rows = [(m, macros.may_manage(viewer, m)) for m in macros.visible_macros(viewer)]
    return TemplateResponse(request, "portal/macros.html", {"viewer": viewer, "rows": rows})


@login_required
def macro_form(request, pk: int | None = None):
    viewer = _agent(request)
    macro = None
    if pk is not None:
        macro = macros.visible_macros(viewer).filter(pk=pk).first()
        if macro is None:
            raise Http404(_("No such macro"))
        if not macros.may_manage(viewer, macro):
            raise PermissionDenied(_("Only its owner, or a manager for a shared macro, can change it."))
    initial = MacroForm.initial_for(macro) if macro else None
    form = MacroForm(request.POST or None, viewer=viewer, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values, shared, team = form.values()
            try:
                saved = macros.save_macro(viewer, macro, shared=shared, team=team, **values)
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.http_status
            else:
                messages.success(request, _("Macro “%(name)s” saved.") % {"name": saved.name})
                return redirect("portal:macros")
    return TemplateResponse(request, "portal/macro_form.html", {"viewer": viewer, "form": form, "macro": macro},
                            status=status)


@login_required
@require_POST
def macro_delete(request, pk: int):
    viewer = _agent(request)
    macro = macros.visible_macros(viewer).filter(pk=pk).first()
    if macro is None:
        raise Http404(_("No such macro"))
    try:
        macros.delete_macro(viewer, macro)
    except NotFound:
        pass  # gone already: the list shows it is gone
    except DomainError as exc:
        raise PermissionDenied(exc.message) from None
    else:
        messages.success(request, _("Macro “%(name)s” deleted.") % {"name": macro.name})
    return redirect("portal:macros")


# -- bulk actions ---------------------------------------------------------------------------------


@login_required
@require_POST
def bulk_change(request):
    """Carry out the bulk action on the ticked tickets (tickets.bulk.run_bulk) and show, per ticket,
    what changed and what was refused and why."""
    viewer = _agent(request)
    form = BulkForm(request.POST, viewer=viewer, macros=macros.visible_macros(viewer))
    back = request.POST.get("next", "")
    back = back if back.startswith(reverse("portal:queues")) else reverse("portal:queues")
    context = {"viewer": viewer, "back": back, "form": form}
    if not form.is_valid():
        return TemplateResponse(request, "portal/bulk_result.html", {**context, "error": _("Choose an action.")},
                                status=400)
    action = form.cleaned_data["action"]
    try:
        outcomes = bulk.run_bulk(viewer, form.numbers(), action, form.params())
    except DomainError as exc:
        return TemplateResponse(request, "portal/bulk_result.html", {**context, "error": exc.message},
                                status=exc.http_status)
    context.update(action=bulk.ACTIONS[action].label, outcomes=outcomes,
                   counts={kind: sum(1 for o in outcomes if o.result == kind)
                           for kind in ("changed", "unchanged", "refused")})
    return TemplateResponse(request, "portal/bulk_result.html", context)
