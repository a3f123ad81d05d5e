"""Bulk actions on tickets from the console's queue and the API: assign, change status or
priority, add or remove a tag, apply a macro, merge into one ticket.

Each ticket is changed through the same single-ticket service as on its own page (its lock, its
permission checks, its audit event), each in its own transaction: a ticket that cannot be changed
(a transition the lifecycle does not allow, a conflict) is refused with the reason and the others
still change. Tickets the agent cannot see are refused without being read or changed.

Adding an action: write `run(viewer, ticket, params) -> str` (what changed, in words; raise a
DomainError to refuse) and, when its parameters need checking once for all tickets,
`prepare(viewer, raw_params) -> params`; then `register(BulkAction(...))`. The macros app registers
"apply_macro" that way (macros/apps.py). An action that takes its own locks (merge: every ticket
involved, in ascending pk order) says `locks_itself=True`, so no lock is taken before it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from django.db import OperationalError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from escalade.errors import DomainError
from escalade.orgs.access import Viewer
from escalade.orgs.models import Agent, Team
from escalade.tickets import merge, services, tags
from escalade.tickets.locking import lock_ticket
from escalade.tickets.models import ResolutionType, Status, Ticket, format_number, parse_number
from escalade.tickets.selectors import visible_tickets

#: The most tickets one bulk request may change.
MAX_TICKETS = 200


@dataclass(frozen=True)
class BulkAction:
    name: str
    label: str  # what an agent reads (gettext_lazy)
    run: Callable[[Viewer, Ticket, Mapping], str]
    prepare: Callable[[Viewer, Mapping], Mapping] = lambda viewer, params: params
    locks_itself: bool = False


@dataclass(frozen=True)
class Outcome:
    """What happened to one ticket: `changed` (with what), `unchanged` (it already was so) or
    `refused` (with why)."""

    number: str
    result: Literal["changed", "unchanged", "refused"]
    message: str


ACTIONS: dict[str, BulkAction] = {}


def register(action: BulkAction) -> None:
    ACTIONS[action.name] = action


# -- the actions ------------------------------------------------------------------------------------


def _prepare_assign(viewer: Viewer, params: Mapping) -> Mapping:
    """`assignee`: "me", an agent id or "" (leave); `team`: a team key or id, or "" (leave)."""
    out: dict = {}
    assignee = str(params.get("assignee") or "").strip()
    if assignee == "me":
        if viewer.agent is None:
            raise DomainError(_("Only an agent can take tickets; choose an agent instead"), field="assignee")
        out["assignee"] = viewer.agent
    elif assignee:
        agent = Agent.objects.filter(pk=int(assignee)).first() if assignee.isdigit() and len(assignee) < 18 else None
        if agent is None:
            raise DomainError(_("No agent %(assignee)s") % {"assignee": assignee}, field="assignee")
        out["assignee"] = agent
    team = str(params.get("team") or "").strip()
    if team:
        found = Team.objects.filter(key=team).first() or (
            Team.objects.filter(pk=int(team)).first() if team.isdigit() and len(team) < 18 else None)
        if found is None:
            raise DomainError(_("No team %(team)r") % {"team": team}, field="team")
        out["team"] = found
    if not out:
        raise DomainError(_("Choose an agent, yourself or a team to assign to"), field="assignee")
    return out


def _assign(viewer: Viewer, ticket: Ticket, params: Mapping) -> str:
    services.update_ticket(viewer, ticket, **params)
    return "assigned to " + " and ".join(str(v) for v in params.values())


def _prepare_status(viewer: Viewer, params: Mapping) -> Mapping:
    status = str(params.get("status") or "")
    if status not in Status.values:
        raise DomainError(_("Choose a status: one of %(known)s") % {"known": ", ".join(Status.values)}, field="status")
    resolution = str(params.get("resolution_type") or "")
    if status == Status.RESOLVED and resolution not in ResolutionType.values:
        raise DomainError(_("Resolving needs a resolution type"), field="resolution_type")
    return {"status": status, "resolution_type": resolution if status == Status.RESOLVED else ""}


def _status(viewer: Viewer, ticket: Ticket, params: Mapping) -> str:
    if ticket.status == params["status"]:
        return ""
    services.change_status(viewer, ticket, params["status"], resolution_type=params["resolution_type"])
    return f"now {ticket.get_status_display()}"


def _prepare_priority(viewer: Viewer, params: Mapping) -> Mapping:
    priority = str(params.get("priority") or "").strip()
    if not priority or len(priority) > 20:
        raise DomainError(_("Choose a priority"), field="priority")
    return {"priority": priority}


def _priority(viewer: Viewer, ticket: Ticket, params: Mapping) -> str:
    services.update_ticket(viewer, ticket, priority=params["priority"])
    return f"priority {ticket.priority}"


def _prepare_tag(viewer: Viewer, params: Mapping) -> Mapping:
    names = tags.clean_names(tags.split(params.get("tag") or ""), field="tag")
    if not names:
        raise DomainError(_("Type the tag"), field="tag")
    return {"tags": names}


def _add_tag(viewer: Viewer, ticket: Ticket, params: Mapping) -> str:
    tags.add_tags(viewer, ticket, params["tags"])
    return "tagged " + ", ".join(params["tags"])


def _remove_tag(viewer: Viewer, ticket: Ticket, params: Mapping) -> str:
    tags.remove_tags(viewer, ticket, params["tags"])
    return "untagged " + ", ".join(params["tags"])


register(BulkAction("assign", gettext_lazy("Assign"), _assign, _prepare_assign))
register(BulkAction("status", gettext_lazy("Change status"), _status, _prepare_status))
register(BulkAction("priority", gettext_lazy("Change priority"), _priority, _prepare_priority))
register(BulkAction("add_tag", gettext_lazy("Add a tag"), _add_tag, _prepare_tag))
register(BulkAction("remove_tag", gettext_lazy("Remove a tag"), _remove_tag, _prepare_tag))


def _prepare_merge(viewer: Viewer, params: Mapping) -> Mapping:
    """`into`: the ticket to keep (ESC-000123 or 123), one the agent can see."""
    into = str(params.get("into") or "").strip()[:30]
    pk = parse_number(into) if into else None
    target = visible_tickets(viewer).filter(pk=pk).first() if pk else None
    if target is None:
        if into:
            raise DomainError(_("No ticket %(number)s that you can see to merge into") % {"number": into},
                              field="into")
        raise DomainError(_("Type the number of the ticket to merge into"), field="into")
    return {"into": target.pk, "number": target.number}


def _merge(viewer: Viewer, ticket: Ticket, params: Mapping) -> str:
    if ticket.pk == params["into"]:
        return ""  # the ticket kept, ticked with the others
    merge.merge_tickets(viewer, params["into"], [ticket])
    return f"merged into {params['number']}"


register(BulkAction("merge", gettext_lazy("Merge into one ticket"), _merge, _prepare_merge, locks_itself=True))
# "apply_macro" is registered by the macros app.


# -- running one ------------------------------------------------------------------------------------


def run_bulk(viewer: Viewer, numbers: Iterable[str | int], action: str, params: Mapping | None = None
             ) -> list[Outcome]:
    """Carry out `action` with `params` on each ticket named in `numbers` (ESC-000123 or 123), one
    ticket per transaction in ascending number order (the lock order), and say what became of each:
    one Outcome per distinct number asked for. Bad parameters (an unknown agent, a status that does
    not exist) refuse the whole request before any ticket is touched (DomainError)."""
    services._require_staff(viewer, _("change tickets in bulk"))
    chosen = ACTIONS.get(action)
    if chosen is None:
        raise DomainError(_("Unknown action %(action)r; use one of %(known)s") % {
            "action": action, "known": ", ".join(ACTIONS)}, field="action")
    asked = list(dict.fromkeys(str(n).strip() for n in numbers if str(n).strip()))
    if not asked:
        raise DomainError(_("Choose at least one ticket"), field="tickets")
    if len(asked) > MAX_TICKETS:
        raise DomainError(_("At most %(limit)s tickets at once") % {"limit": MAX_TICKETS}, field="tickets")
    prepared = chosen.prepare(viewer, params or {})
    pks = {raw: parse_number(raw) for raw in asked}
    found = {t.pk: t for t in visible_tickets(viewer).filter(pk__in=[pk for pk in pks.values() if pk])}
    outcomes: dict[str, Outcome] = {}
    for raw, pk in pks.items():
        if pk not in found:
            outcomes[raw] = Outcome(format_number(pk) if pk else raw, "refused", f"No ticket {raw} that you can see")
    for pk in sorted(found):
        ticket = found[pk]
        raw = next(r for r, p in pks.items() if p == pk and r not in outcomes)
        outcomes[raw] = _one(viewer, ticket, chosen, prepared)
        for other in [r for r, p in pks.items() if p == pk and r not in outcomes]:  # "12" and "ESC-000012"
            outcomes[other] = outcomes[raw]
    return list({o.number: o for o in (outcomes[raw] for raw in asked)}.values())


def _one(viewer: Viewer, ticket: Ticket, action: BulkAction, params: Mapping) -> Outcome:
    """One ticket in its own transaction: locked first, so the action decides on the ticket as stored
    now and its version tells whether the action changed it; the service takes the (same) lock again
    and does its own checks and audit."""
    number = ticket.number
    try:
        with transaction.atomic():
            if not action.locks_itself:
                ticket = lock_ticket(ticket)
            version = ticket.version
            done = action.run(viewer, ticket, params)
            if action.locks_itself and done:
                return Outcome(number, "changed", done)
    except DomainError as exc:  # incl. InvalidTransition, PermissionDenied, NotFound
        return Outcome(number, "refused", exc.message)
    except Ticket.DoesNotExist:
        return Outcome(number, "refused", f"{number} no longer exists")
    except OperationalError:  # a lock or statement timeout: this ticket only, the others go on
        return Outcome(number, "refused", f"{number} is busy (someone is changing it); try again")
    if not done or ticket.version == version:
        return Outcome(number, "unchanged", "no change needed")
    return Outcome(number, "changed", done)
