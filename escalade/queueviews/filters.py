"""Queue filters, sort orders and columns: what a saved view stores and what the ticket list and
the API apply. A filter set is a plain dict (JSON in `SavedView.filters`, a query string on the
page): `{"status": ["open"], "priority": ["P1", "P2"], "assignee": ["me"], "fields": {"server":
"cms-1"}, "q": "vpn", "sla": "breached"}`.

Each filter is one `Filter` in `FILTERS`; to add one (tags, say) write its `apply` and `register`
it: parsing, saving, the page's form and the API follow. Filters only narrow: `tickets()` starts
from `selectors.visible_tickets(viewer)`, so a view never shows a ticket its user may not see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, IntegerField, Min, Q, QuerySet, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from escalade import clock
from escalade.errors import DomainError
from escalade.orgs.access import Viewer
from escalade.policy.publish import active_version, policy_of
from escalade.sla.clocks import remaining_minutes
from escalade.sla.models import ClockStatus, SlaClock
from escalade.tags.models import TicketTag
from escalade.tickets import custom_fields, tags
from escalade.tickets.models import Status, Ticket
from escalade.tickets.selectors import filter_tickets, visible_tickets

OPEN_STATUSES = [Status.OPEN, Status.IN_PROGRESS, Status.PENDING_CUSTOMER]
#: Running clocks with less than this share of their target left are "at risk" (the console's
#: amber and red badges, portal.badges.AMBER_BELOW).
AT_RISK_BELOW = 0.5
SLA_STATES = {"breached": pgettext_lazy("SLA state", "Breached"), "at_risk": gettext_lazy("At risk")}
MAX_VALUES = 50  # values of one filter
MAX_TEXT = 200


@dataclass
class Context:
    """What a filter may need besides its values: who is looking, the policy, the time."""
    viewer: Viewer
    policy: Any
    now: dt.datetime


@dataclass(frozen=True)
class Filter:
    name: str  # the query-string parameter and the key in a saved view
    label: str
    apply: Callable[[QuerySet[Ticket], list[str], Context], QuerySet[Ticket]]
    check: Callable[[list[str], Context], str | None] = lambda values, ctx: None  # a problem, in words
    multiple: bool = True


FILTERS: dict[str, Filter] = {}


def register(f: Filter) -> Filter:
    FILTERS[f.name] = f
    return f


def _one_of(allowed: Callable[[Context], list[str]], what: str):
    def check(values: list[str], ctx: Context) -> str | None:
        known = allowed(ctx)
        unknown = [v for v in values if v not in known]
        return _("unknown %(what)s %(value)r; use one of %(known)s") % {
            "what": what, "value": unknown[0], "known": ", ".join(known)} if unknown else None
    return check


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and len(v) <= 18]


def _assignee(tickets, values, ctx: Context):
    q = Q()
    for v in values:
        if v == "me":
            q |= Q(assignee=ctx.viewer.agent) if ctx.viewer.agent else Q(pk__in=[])
        elif v == "none":
            q |= Q(assignee__isnull=True)
    ids = _ids(values)
    return tickets.filter(q | Q(assignee_id__in=ids) if ids else q)


def _assignee_check(values, ctx):
    bad = [v for v in values if v not in ("me", "none") and not (v.isdigit() and len(v) <= 18)]
    return _("unknown assignee %(value)r; use me, none or an agent id") % {"value": bad[0]} if bad else None


def _level(tickets, values, ctx):
    q = Q(level__key__in=[v for v in values if v != "none"])
    return tickets.filter(q | Q(level__isnull=True) if "none" in values else q)


def _team(tickets, values, ctx):
    q = Q(team__key__in=[v for v in values if v != "none"])
    return tickets.filter(q | Q(team__isnull=True) if "none" in values else q)


def _sla(tickets, values, ctx: Context):
    state = values[0]
    if state == "breached":
        late = SlaClock.objects.filter(Q(breached_at__isnull=False)
                                       | Q(status=ClockStatus.RUNNING, due_at__lte=ctx.now))
        return tickets.filter(pk__in=late.values("ticket_id"))
    # At risk: a running clock not yet due with less than AT_RISK_BELOW of its target left (business
    # minutes, worked out per clock as the console's badges do).
    running = SlaClock.objects.filter(status=ClockStatus.RUNNING, breached_at__isnull=True, due_at__gt=ctx.now,
                                      ticket__in=tickets.filter(status__in=OPEN_STATUSES).values("pk"))
    risky = {c.ticket_id for c in running
             if c.target_minutes and remaining_minutes(c, ctx.now) / c.target_minutes < AT_RISK_BELOW}
    return tickets.filter(pk__in=risky)


def _policy_keys(attr: str):
    return lambda ctx: list(getattr(ctx.policy, attr)) if ctx.policy is not None else []


register(Filter("status", gettext_lazy("Status"), lambda t, v, c: t.filter(status__in=v),
                _one_of(lambda c: list(Status.values), gettext_lazy("status"))))
register(Filter("priority", gettext_lazy("Priority"), lambda t, v, c: t.filter(priority__in=v),
                _one_of(_policy_keys("priorities"), gettext_lazy("priority"))))
register(Filter("level", gettext_lazy("Level"), _level))
register(Filter("team", gettext_lazy("Team"), _team))
register(Filter("organisation", gettext_lazy("Customer"), lambda t, v, c: t.filter(organisation_id__in=_ids(v)),
                lambda v, c: None if len(_ids(v)) == len(v) else _("an organisation is given by its id")))
register(Filter("assignee", gettext_lazy("Assignee"), _assignee, _assignee_check))
register(Filter("sla", gettext_lazy("SLA"), _sla, _one_of(lambda c: list(SLA_STATES), gettext_lazy("SLA state")),
                multiple=False))
register(Filter("q", gettext_lazy("Search"), lambda t, v, c: filter_tickets(t, q=v[0]), multiple=False))


def _tag(tickets, values, ctx):
    """Tickets carrying any of the tags (agents only: the list and views are for agents)."""
    return tickets.filter(pk__in=TicketTag.objects.filter(tag__name__in=[tags.normalise(v) for v in values])
                          .values("ticket_id"))


register(Filter("tag", gettext_lazy("Tag"), _tag))


# -- sort orders and columns ------------------------------------------------------------------

def _by_priority(tickets, ctx: Context):
    keys = ctx.policy.priority_keys if ctx.policy is not None else ()
    rank = Case(*(When(priority=key, then=Value(i)) for i, key in enumerate(keys)),
                default=Value(len(keys)), output_field=IntegerField())
    return tickets.annotate(priority_rank=rank).order_by("priority_rank", "created_at", "pk")


SORTS: dict[str, tuple[Any, Callable[[QuerySet[Ticket], Context], QuerySet[Ticket]]]] = {
    "priority": (gettext_lazy("Priority, then oldest"), _by_priority),
    "due": (gettext_lazy("Next SLA due"), lambda t, c: t.annotate(
        next_due=Min("clocks__due_at", filter=Q(clocks__status=ClockStatus.RUNNING))).order_by(
        "next_due", "pk")),
    "updated": (gettext_lazy("Recently updated"), lambda t, c: t.order_by("-updated_at", "-pk")),
    "created": (gettext_lazy("Newest"), lambda t, c: t.order_by("-created_at", "-pk")),
    "oldest": (gettext_lazy("Oldest"), lambda t, c: t.order_by("created_at", "pk")),
}
DEFAULT_SORT = "priority"

#: Columns of the ticket list, in display order; `field.<key>` adds a custom field's column.
#: The headings are what an agent reads on the page (translated); the keys are what views and the API store.
COLUMNS = {"sla": "SLA", "number": gettext_lazy("Number"), "subject": gettext_lazy("Subject"),
           "customer": gettext_lazy("Customer"), "priority": gettext_lazy("Priority"), "status": gettext_lazy("Status"),
           "level": gettext_lazy("Level"), "team": gettext_lazy("Team"), "assignee": gettext_lazy("Assignee"),
           "category": gettext_lazy("Category"), "created": gettext_lazy("Opened"), "updated": gettext_lazy("Updated")}
DEFAULT_COLUMNS = ["sla", "number", "subject", "customer", "priority", "status", "level", "assignee"]


def available_columns(policy) -> dict[str, str]:
    """Column key → heading: the built-in ones and one per custom field."""
    return {**COLUMNS, **{f"field.{k}": f.name for k, f in custom_fields.definitions(policy).items()}}


# -- a filter set ------------------------------------------------------------------------------

@dataclass
class Spec:
    """A checked filter set with its sort order and columns (what a saved view stores)."""
    filters: dict[str, Any] = field(default_factory=dict)  # name → [values]; "fields" → {key: value}
    sort: str = DEFAULT_SORT
    columns: list[str] = field(default_factory=lambda: list(DEFAULT_COLUMNS))

    def as_query(self) -> list[tuple[str, str]]:
        """The spec as query-string pairs (the page's links), in a stable order."""
        pairs = [(name, v) for name, values in self.filters.items() if name != "fields" for v in values]
        pairs += [(f"field.{k}", v) for k, v in self.filters.get("fields", {}).items()]
        pairs += [("sort", self.sort), ("cols", ",".join(self.columns))]
        return pairs


def context(viewer: Viewer, now: dt.datetime | None = None) -> Context:
    version = active_version()
    return Context(viewer, policy_of(version) if version else None, now or clock.now())


def parse(params: Mapping[str, Any], ctx: Context) -> Spec:
    """A Spec from query-string parameters (a QueryDict, or a dict of lists / values, as a saved
    view's `filters` with `sort` and `columns`). Raises DomainError naming the parameter of the
    first problem. Empty values are left out; without a status, the open statuses."""
    def values(name: str) -> list[str]:
        raw = params.getlist(name) if hasattr(params, "getlist") else params.get(name, [])
        raw = raw if isinstance(raw, list | tuple) else [raw]
        out: list[str] = []
        for item in raw:
            out += [v.strip() for v in str(item).split(",") if v.strip()]
        for v in out:
            if len(v) > MAX_TEXT or "\x00" in v:
                raise DomainError(_("%(name)s: a value is too long or not text") % {"name": name}, field=name)
        if len(out) > MAX_VALUES:
            raise DomainError(_("%(name)s: at most %(limit)s values") % {"name": name, "limit": MAX_VALUES}, field=name)
        return list(dict.fromkeys(out))

    filters: dict[str, Any] = {}
    for name, f in FILTERS.items():
        given = values(name)
        if name == "q" and given:  # a search is one text, commas and all
            raw = params.get(name)
            given = [(raw[-1] if isinstance(raw, list) else str(raw)).strip()]
        if not given:
            continue
        if not f.multiple and len(given) > 1:
            raise DomainError(_("%(label)s: give one value") % {"label": f.label}, field=name)
        problem = f.check(given, ctx)
        if problem:
            raise DomainError(_("%(label)s: %(problem)s") % {"label": f.label, "problem": problem}, field=name)
        filters[name] = given
    wanted = {name.removeprefix("field."): (values(name) or [""])[-1] for name in params if name.startswith("field.")}
    saved = params.get("fields") if not hasattr(params, "getlist") else None  # a saved view's {key: value}
    if isinstance(saved, dict):
        wanted.update({str(k): str(v) for k, v in saved.items()})
    wanted = {k: v for k, v in wanted.items() if v != ""}
    for key, raw in wanted.items():
        custom_fields.filter_q(ctx.policy, key, raw, customer=not ctx.viewer.is_staff_side)  # checks it
    if wanted:
        filters["fields"] = wanted
    sort = (values("sort") or [DEFAULT_SORT])[0]
    if sort not in SORTS:
        raise DomainError(_("Sort: unknown order %(sort)r; use one of %(known)s") % {
            "sort": sort, "known": ", ".join(SORTS)}, field="sort")
    columns = values("cols") or values("columns") or list(DEFAULT_COLUMNS)
    known = available_columns(ctx.policy)
    bad = [c for c in columns if c not in known]
    if bad:
        raise DomainError(_("Columns: unknown column %(column)r; use some of %(known)s") % {
            "column": bad[0], "known": ", ".join(known)}, field="cols")
    if "number" not in columns:
        columns.insert(0, "number")  # the link to the ticket
    return Spec(filters, sort, columns)


def tickets(ctx: Context, spec: Spec) -> QuerySet[Ticket]:
    """The tickets the viewer may see that pass every filter of `spec`, in its order. Without a
    status filter: the open ones."""
    qs = visible_tickets(ctx.viewer)
    filters = spec.filters
    if "status" not in filters:
        qs = qs.filter(status__in=OPEN_STATUSES)
    for name, values in filters.items():
        if name == "fields":
            qs = custom_fields.filter_by_values(qs, values, ctx.policy, customer=not ctx.viewer.is_staff_side)
        elif name in FILTERS:
            qs = FILTERS[name].apply(qs, values, ctx)
    return SORTS[spec.sort][1](qs, ctx)
