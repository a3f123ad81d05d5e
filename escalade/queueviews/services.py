"""Saved views: who sees which (`visible_views`), and one write function per action — save, delete,
choose the default. Agents keep personal views; support managers (and admins) share views with
every agent or one team. A view only narrows the list: its tickets are `filters.tickets`, which
starts from what the person may see."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import DomainError, NotFound, PermissionDenied
from escalade.orgs.access import Viewer
from escalade.orgs.models import Team
from escalade.queueviews import filters
from escalade.queueviews.models import SavedView, ViewPreference

MAX_VIEWS = 100  # personal views per person


def _require_agent(viewer: Viewer) -> None:
    if not viewer.is_staff_side or viewer.user is None:
        raise PermissionDenied(_("Saved views are for agents."))


def visible_views(viewer: Viewer) -> QuerySet[SavedView]:
    """The views the viewer may use: their own, views shared with every agent, and views shared
    with a team they belong to (admins and managers: every shared view)."""
    _require_agent(viewer)
    shared = Q(shared=True, team__isnull=True)
    if viewer.is_manager:
        shared = Q(shared=True)
    elif viewer.agent is not None:
        shared |= Q(shared=True, team__in=viewer.agent.teams.all())
    return SavedView.objects.filter(Q(owner=viewer.user) | shared).select_related("team", "owner")


def get_view(viewer: Viewer, view_id: int) -> SavedView:
    """A view the viewer may use; NotFound otherwise (another agent's personal view included)."""
    view = visible_views(viewer).filter(pk=view_id).first() if 0 < view_id < 2**63 else None
    if view is None:
        raise NotFound(_("No saved view %(view_id)s that you can use") % {"view_id": view_id})
    return view


def spec_of(view: SavedView, ctx: filters.Context) -> filters.Spec:
    """The view's filters, sort order and columns, checked again under the policy now (a custom
    field the policy dropped makes it a DomainError naming it)."""
    return filters.parse({**view.filters, "sort": view.sort, "cols": view.columns}, ctx)


def tickets_of(viewer: Viewer, view: SavedView, now: dt.datetime | None = None):
    """The tickets of a view, for the viewer: never more than the viewer may see."""
    ctx = filters.context(viewer, now)
    return filters.tickets(ctx, spec_of(view, ctx))


@transaction.atomic
def save_view(viewer: Viewer, *, name: str, spec: filters.Spec, shared: bool = False, team: Team | None = None,
              at: dt.datetime | None = None) -> SavedView:
    """Save a view. Shared views (`shared`, optionally for one `team`) are made by support managers
    and admins, and recorded in the audit trail; personal ones by any agent."""
    _require_agent(viewer)
    name = name.strip()
    if not name:
        raise DomainError(_("Give the view a name"), field="name")
    if len(name) > 100:
        raise DomainError(_("A view's name has at most 100 characters"), field="name")
    if team is not None and not shared:
        raise DomainError(_("Only a shared view is for a team"), field="team")
    if shared and not viewer.is_manager:
        raise PermissionDenied(_("Only support managers share views with other agents."))
    if not shared and SavedView.objects.filter(owner=viewer.user, shared=False).count() >= MAX_VIEWS:
        raise DomainError(_("You have %(count)s views already; delete one first") % {"count": MAX_VIEWS}, field="name")
    if visible_views(viewer).filter(name__iexact=name, shared=shared, owner=viewer.user).exists():
        raise DomainError(_("You already have a view called %(name)r") % {"name": name}, field="name")
    at = at or clock.now()
    view = SavedView.objects.create(name=name, owner=viewer.user, shared=shared, team=team,
                                    filters=spec.filters, sort=spec.sort, columns=spec.columns,
                                    created_at=at, updated_at=at)
    if shared:
        record(actor=viewer.label, actor_user=viewer.user, action="view.shared", obj=view, at=at,
               after={"name": name, "team": team.key if team else None, "filters": spec.filters})
    return view


@transaction.atomic
def delete_view(viewer: Viewer, view: SavedView, at: dt.datetime | None = None) -> None:
    """Delete a view: your own personal one, or (managers) a shared one."""
    view = get_view(viewer, view.pk)
    if view.shared and not viewer.is_manager:
        raise PermissionDenied(_("Only support managers delete shared views."))
    if not view.shared and view.owner_id != viewer.user.pk:
        raise NotFound(_("No saved view %(pk)s that you can use") % {"pk": view.pk})
    if view.shared:
        record(actor=viewer.label, actor_user=viewer.user, action="view.unshared", obj=view, at=at or clock.now(),
               before={"name": view.name, "team": view.team.key if view.team else None})
    view.delete()


@transaction.atomic
def set_default_view(viewer: Viewer, view: SavedView | None) -> None:
    """The view the ticket list opens with (None: no default)."""
    if view is not None:
        view = get_view(viewer, view.pk)
    else:
        _require_agent(viewer)
    ViewPreference.objects.update_or_create(user=viewer.user, defaults={"default_view": view})


def default_view(viewer: Viewer) -> SavedView | None:
    """The viewer's default view, if they still may use it."""
    pref = ViewPreference.objects.filter(user=viewer.user).select_related("default_view").first()
    view = pref.default_view if pref else None
    if view is None or not visible_views(viewer).filter(pk=view.pk).exists():
        return None
    return view
