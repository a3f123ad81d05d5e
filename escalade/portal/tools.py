"""What the ticket page and the console's queue show of the agent's tools (tags, macros, bulk
actions); the views that change things are in tools_views.py."""

from __future__ import annotations

from escalade.errors import DomainError
from escalade.macros import services as macros
from escalade.orgs.access import Viewer
from escalade.portal.tools_forms import ApplyMacroForm, BulkForm, TagForm
from escalade.tickets import tags
from escalade.tickets.models import Ticket


def ticket_context(request, viewer: Viewer, ticket: Ticket) -> dict:
    """What the ticket page shows of tags and macros (agents only): the tags, the forms, and the
    preview of the macro chosen (`macro`: the preview button's POST or ?macro=ID)."""
    if not viewer.is_staff_side:
        return {}
    visible = macros.visible_macros(viewer)
    context = {"ticket_tags": tags.tag_names(ticket), "tag_form": TagForm(), "known_tags": tags.all_tag_names(),
               "macro_form": ApplyMacroForm(macros=visible)}
    chosen = request.POST.get("macro") or request.GET.get("macro", "")
    if chosen:
        try:
            context["macro_preview"] = macros.preview(viewer, ticket, macros.get_macro(viewer, chosen))
        except DomainError as exc:
            context["macro_error"] = exc.message
    return context


def bulk_form(viewer: Viewer) -> BulkForm:
    """The bulk action bar under the console's queue."""
    return BulkForm(viewer=viewer, macros=macros.visible_macros(viewer))


