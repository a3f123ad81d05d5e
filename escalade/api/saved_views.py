"""/api/views: saved views of the ticket list (escalade.queueviews) — list, create, delete, and the
tickets of one view. A view never shows more than the caller may see; another agent's personal
view is a 404."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Path, Query, Router, Schema

from escalade.api.auth import viewer
from escalade.api.errors import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut, UnknownReference
from escalade.api.pagination import ticket_page
from escalade.api.schemas import MAX_ID, InputSchema, PageParams, TicketPage, utc
from escalade.errors import DomainError, NotFound
from escalade.orgs.models import Team
from escalade.queueviews import filters as queue_filters
from escalade.queueviews import services
from escalade.queueviews.models import SavedView

router = Router(tags=["views"])

ViewId = Path[int, {"description": "A saved view's id."}]
_Values = list[str]


class ViewFilters(Schema):
    """A view's filters; each list keeps tickets matching any of its values, filters combine with AND."""

    status: _Values = Field(default_factory=list, description="Statuses; none given: the open ones.")
    priority: _Values = Field(default_factory=list, description="Priority keys, e.g. P1.")
    level: _Values = Field(default_factory=list, description="Level keys; `none` for tickets without one.")
    team: _Values = Field(default_factory=list, description="Team keys; `none` for tickets without one.")
    organisation: _Values = Field(default_factory=list, description="Organisation ids.")
    assignee: _Values = Field(default_factory=list, description="`me`, `none` or agent ids.")
    tag: _Values = Field(default_factory=list, description="Tags; tickets carrying any of them.")
    sla: str | None = Field(None, description="`breached` or `at_risk`.")
    q: str | None = Field(None, description="A ticket number or words of the subject.")
    fields: dict[str, str] = Field(default_factory=dict, description="Custom field key → value (`-`: none given).")


class ViewFiltersIn(ViewFilters, InputSchema):
    pass


class SavedViewIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    shared: bool = Field(False, description="Share with every agent (support managers only).")
    team: str | None = Field(None, max_length=50, description="Share with this team's agents only (a team key).")
    filters: ViewFiltersIn = Field(default_factory=ViewFiltersIn)
    sort: str = Field(queue_filters.DEFAULT_SORT, max_length=20, description=", ".join(queue_filters.SORTS))
    columns: list[str] = Field(default_factory=lambda: list(queue_filters.DEFAULT_COLUMNS), max_length=50,
                               description="Column keys: " + ", ".join(queue_filters.COLUMNS) + ", field.<key>.")


class SavedViewOut(Schema):
    id: int
    name: str
    shared: bool
    team: str | None = Field(description="The team a shared view is for; null: every agent.")
    owner: str = Field(description="Who made it.")
    mine: bool = Field(description="Whether you made it.")
    filters: ViewFilters
    sort: str
    columns: list[str]
    created_at: dt.datetime

    @classmethod
    def of(cls, view: SavedView, user) -> SavedViewOut:
        f = dict(view.filters)
        return cls(id=view.pk, name=view.name, shared=view.shared, team=view.team.key if view.team else None,
                   owner=view.owner.get_username(), mine=view.owner_id == user.pk,
                   filters=ViewFilters(**{**f, "sla": (f.get("sla") or [None])[0], "q": (f.get("q") or [None])[0]}),
                   sort=view.sort, columns=view.columns, created_at=utc(view.created_at))


def _params(payload: SavedViewIn) -> dict:
    f = payload.filters.model_dump()
    params = {name: values for name, values in f.items() if name not in ("fields", "sla", "q") and values}
    params.update({name: [f[name]] for name in ("sla", "q") if f[name]})
    params.update({"fields": f["fields"], "sort": payload.sort, "cols": payload.columns})
    return params


@router.get("", response={200: list[SavedViewOut], READ_ERRORS | {403}: ErrorOut})
def list_views(request):
    """The views you may use: yours, and those shared with every agent or your team (agents only)."""
    who = viewer(request)
    return [SavedViewOut.of(v, who.user) for v in services.visible_views(who)]


@router.post("", response={201: SavedViewOut, WRITE_ERRORS: ErrorOut})
def create_view(request, payload: SavedViewIn):
    """Save a view. 400 naming the filter (`filters.<name>`, `filters.fields.<key>`), `sort` or
    `columns` that is not valid; 403 for a shared view by someone who is not a support manager."""
    who = viewer(request)
    team = None
    if payload.team:
        team = Team.objects.filter(key=payload.team).first()
        if team is None:
            raise UnknownReference(f"No team {payload.team!r}", field="team")
    try:
        spec = queue_filters.parse(_params(payload), queue_filters.context(who))
    except DomainError as exc:
        name = exc.field or ""
        exc.field = {"cols": "columns", "sort": "sort"}.get(name) or (
            f"filters.fields.{name.removeprefix('field.')}" if name.startswith("field.") else f"filters.{name}")
        raise
    view = services.save_view(who, name=payload.name, spec=spec, shared=payload.shared, team=team)
    return 201, SavedViewOut.of(view, who.user)


def _view(request, view_id: int):
    who = viewer(request)
    if not 1 <= view_id <= MAX_ID:
        raise NotFound(f"No saved view {view_id} that you can use")
    return who, services.get_view(who, view_id)


@router.delete("/{view_id}", response={204: None, WRITE_ERRORS: ErrorOut})
def delete_view(request, view_id: ViewId):
    """Delete your personal view, or (support managers) a shared one."""
    who, view = _view(request, view_id)
    services.delete_view(who, view)
    return HttpResponse(status=204)


@router.get("/{view_id}/tickets", response={200: TicketPage, LIST_ERRORS | READ_ERRORS | {403}: ErrorOut})
def view_tickets(request, view_id: ViewId, paging: Query[PageParams]):
    """The tickets of a view you may use, in its order; only tickets you may see."""
    who, view = _view(request, view_id)
    return ticket_page(services.tickets_of(who, view), paging, who)
