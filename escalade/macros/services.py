"""Macros: who sees and manages which, saving them, and applying one to a ticket.

Applying a macro posts its filled text (a public reply or an internal note) and carries out its
actions (status, priority, tags) in ONE transaction under the ticket's lock: either all of it
happens or none (a status the ticket cannot move to refuses the whole macro). The single steps go
through the ticket services, each audited as usual, and the whole is one `ticket.macro_applied`
event naming the macro and what it did."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import DomainError, NotFound, PermissionDenied
from escalade.macros import placeholders
from escalade.macros.models import Macro
from escalade.orgs.access import Viewer
from escalade.orgs.models import Team
from escalade.policy.publish import active_version
from escalade.tickets import services, tags
from escalade.tickets.models import ResolutionType, Status, Ticket
from escalade.tickets.services import _locked, _policy_keys, _require_staff

# -- who sees what --------------------------------------------------------------------------------


def visible_macros(viewer: Viewer) -> QuerySet[Macro]:
    """The macros an agent may use: their own, the shared ones for every agent, and those shared
    with one of their teams. Customers and anyone else: none."""
    if not viewer.is_staff_side:
        return Macro.objects.none()
    shared = Q(owner__isnull=True, team__isnull=True)
    if viewer.agent is not None:
        shared |= Q(owner=viewer.agent) | Q(owner__isnull=True, team__in=viewer.agent.teams.all())
    elif viewer.kind == "admin":
        shared |= Q(owner__isnull=True)  # an admin without an agent manages every shared macro
    return Macro.objects.filter(shared).select_related("owner", "team")


def get_macro(viewer: Viewer, macro_id: int | str, *, field: str | None = None) -> Macro:
    """A macro the viewer may use; NotFound (on `field`) otherwise."""
    try:
        pk = int(macro_id)
    except (TypeError, ValueError):
        pk = 0
    macro = visible_macros(viewer).filter(pk=pk).first() if 0 < pk < 2**63 else None
    if macro is None:
        raise NotFound(_("No macro %(macro_id)s that you can use") % {"macro_id": macro_id}, field=field)
    return macro


def may_manage(viewer: Viewer, macro: Macro) -> bool:
    """Personal macros: their owner. Shared ones: support managers and admins."""
    if macro.owner_id is not None:
        return viewer.agent is not None and macro.owner_id == viewer.agent.pk
    return viewer.is_manager


def _require_manage(viewer: Viewer, macro: Macro) -> None:
    if not may_manage(viewer, macro):
        raise PermissionDenied(_("Only its owner changes a personal macro; shared macros are changed by support "
                                 "managers and admins."))


# -- saving ---------------------------------------------------------------------------------------

FIELDS = ("name", "body", "internal", "set_status", "resolution_type", "set_priority", "add_tags")


def _clean(values: dict) -> dict:
    name = str(values.get("name") or "").strip()
    if not name:
        raise DomainError(_("A macro needs a name"), field="name")
    if len(name) > 200:
        raise DomainError(_("The name is longer than 200 characters"), field="name")
    body = str(values.get("body") or "")
    placeholders.check(body)
    status = values.get("set_status") or ""
    if status and status not in Status.values:
        raise DomainError(_("%(status)r is not a status") % {"status": status}, field="set_status")
    resolution = values.get("resolution_type") or ""
    if status == Status.RESOLVED and resolution not in ResolutionType.values:
        raise DomainError(_("A macro that resolves needs a resolution type"), field="resolution_type")
    if status != Status.RESOLVED:
        resolution = ""
    priority = (values.get("set_priority") or "").strip()
    if priority:
        priority, _category = _policy_keys(active_version(), priority, "")
        if active_version() is None and len(priority) > 20:
            raise DomainError(_("A priority key has at most 20 characters"), field="set_priority")
    add_tags = tags.clean_names(tags.split(values.get("add_tags") or ""), field="add_tags")
    if not body.strip() and not (status or priority or add_tags):
        raise DomainError(_("A macro needs a text or at least one action"), field="body")
    return {"name": name, "body": body, "internal": bool(values.get("internal")), "set_status": status,
            "resolution_type": resolution, "set_priority": priority, "add_tags": ", ".join(add_tags)}


@transaction.atomic
def save_macro(viewer: Viewer, macro: Macro | None = None, *, shared: bool = False, team: Team | None = None,
               at: dt.datetime | None = None, **values) -> Macro:
    """Create (`macro` None) or change a macro. `shared` (managers and admins) makes it for every
    agent, or for `team`'s; otherwise it is the agent's own. Audited as `macro.created|changed`."""
    _require_staff(viewer, _("write macros"))
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise DomainError(_("Unknown macro field %(field)r") % {"field": sorted(unknown)[0]}, field=sorted(unknown)[0])
    cleaned = _clean(values)
    at = at or clock.now()
    if macro is not None:
        macro = Macro.objects.select_for_update().get(pk=macro.pk)
        _require_manage(viewer, macro)
    if shared or team is not None:
        if not viewer.is_manager:
            raise PermissionDenied(_("Only support managers and admins write shared macros."))
        owner = None
    else:
        if viewer.agent is None:
            raise PermissionDenied(_("A personal macro belongs to an agent; as an admin, make it shared."))
        owner = viewer.agent
    before = {f: getattr(macro, f) for f in FIELDS} if macro else {}
    if macro is not None:
        before.update(owner=str(macro.owner or ""), team=str(macro.team or ""))
    if macro is None:
        macro = Macro(created_by=viewer.user, created_at=at)
    for key, value in cleaned.items():
        setattr(macro, key, value)
    macro.owner, macro.team, macro.updated_at = owner, (team if owner is None else None), at
    macro.save()
    after = {**cleaned, "owner": str(macro.owner or ""), "team": str(macro.team or "")}
    record(actor=viewer.label, actor_user=viewer.user, action="macro.changed" if before else "macro.created",
           obj=macro, before=before, after=after, at=at)
    return macro


@transaction.atomic
def delete_macro(viewer: Viewer, macro: Macro, *, at: dt.datetime | None = None) -> None:
    _require_staff(viewer, _("delete macros"))
    macro = Macro.objects.select_for_update().filter(pk=macro.pk).first()
    if macro is None:
        raise NotFound(_("That macro is gone already"))
    _require_manage(viewer, macro)
    record(actor=viewer.label, actor_user=viewer.user, action="macro.deleted", object_type="macro",
           object_id=str(macro.pk), before={"name": macro.name, "body": macro.body}, at=at)
    macro.delete()


# -- applying -------------------------------------------------------------------------------------


@dataclass
class Preview:
    """What applying a macro to a ticket would do, without doing it."""

    macro: Macro
    text: str
    internal: bool
    actions: list[str] = field(default_factory=list)


def describe_actions(macro: Macro) -> list[str]:
    out = []
    if macro.set_status:
        status = str(Status(macro.set_status).label)
        if macro.resolution_type:
            status = _("%(status)s (%(resolution)s)") % {
                "status": status, "resolution": ResolutionType(macro.resolution_type).label}
        out.append(_("Status → %(status)s") % {"status": status})
    if macro.set_priority:
        out.append(_("Priority → %(priority)s") % {"priority": macro.set_priority})
    if macro.tag_list:
        out.append(_("Add tags: %(tags)s") % {"tags": ", ".join(macro.tag_list)})
    return out


def preview(viewer: Viewer, ticket: Ticket, macro: Macro) -> Preview:
    """The macro's text filled for this ticket and its actions in words (nothing is written)."""
    _require_staff(viewer, _("use macros"))
    services._require_visible(viewer, ticket)
    return Preview(macro, placeholders.fill(macro.body, ticket, viewer), macro.internal, describe_actions(macro))


@transaction.atomic
def apply_macro(viewer: Viewer, ticket: Ticket, macro: Macro, *, at: dt.datetime | None = None,
                expected_version: int | None = None) -> Ticket:
    """Apply `macro` to `ticket`: post its filled text, then set the status and priority and add the
    tags, all or nothing, under the ticket's lock. A status the ticket already has is no change (the
    reply may just have moved an Open ticket to In Progress). Returns the ticket as it is now."""
    _require_staff(viewer, _("use macros"))
    ticket = _locked(viewer, ticket, expected_version)
    macro = get_macro(viewer, macro.pk, field="macro")  # still there, and still one the agent may use
    at = at or clock.now()
    done: dict = {"macro": macro.name, "macro_id": macro.pk}
    text = placeholders.fill(macro.body, ticket, viewer)
    if text.strip():
        message = services.add_message(viewer, ticket, body=text, internal=macro.internal, at=at)
        done["posted"] = "note" if macro.internal else "reply"
        done["message_id"] = message.pk
    if macro.set_status and ticket.status != macro.set_status:
        services.change_status(viewer, ticket, macro.set_status, resolution_type=macro.resolution_type, at=at)
        done["status"] = macro.set_status
    if macro.set_priority and ticket.priority != macro.set_priority:
        services.update_ticket(viewer, ticket, priority=macro.set_priority, at=at)
        done["priority"] = ticket.priority
    if macro.tag_list:
        tags.add_tags(viewer, ticket, macro.tag_list, at=at)
        done["tags"] = macro.tag_list
    record(actor=viewer.label, actor_user=viewer.user, action="ticket.macro_applied", obj=ticket,
           ticket_id=ticket.pk, after=done, at=at)
    return ticket


def apply_macro_in_bulk(viewer: Viewer, ticket: Ticket, params: Mapping) -> str:
    """The bulk action "Apply a macro" (tickets.bulk): `params["macro"]` is the Macro."""
    apply_macro(viewer, ticket, params["macro"])
    return f"macro “{params['macro'].name}” applied"


def prepare_bulk_macro(viewer: Viewer, params: Mapping) -> Mapping:
    return {"macro": get_macro(viewer, params.get("macro") or "", field="macro")}
