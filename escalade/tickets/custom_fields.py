"""Custom ticket fields: the policy declares them (`custom_fields`), tickets carry their values
(`TicketFieldValue`). One place types and checks a value (`clean_value`), decides what a new ticket
must give (`required_keys`), who may see and change what (`visible`, `editable`), and turns a
filter into a query (`filter_q`). `set_custom_fields` is the write: ticket lock, audit event.

Values are typed: text (also `url` and `email`) is a string, `number` an int or float, `boolean`
true/false, `date` a `YYYY-MM-DD` string, `choice` one of the options as written in the policy.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import DomainError, NotFound, PermissionDenied
from escalade.orgs.access import Viewer
from escalade.policy.publish import active_version, policy_of
from escalade.tickets.locking import expect_version, lock_ticket, save_change
from escalade.tickets.models import Ticket, TicketFieldValue

MAX_TEXT = 500  # characters of a text value (the indexed column's width)
_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def field_name(key: str) -> str:
    """How errors name a custom field: `custom_fields.<key>` (the API's field path)."""
    return f"custom_fields.{key}"


def definitions(policy) -> dict:
    """The policy's custom fields by key, in the policy's order (none without a policy)."""
    return dict(policy.custom_fields) if policy is not None else {}


def visible(policy, *, customer: bool) -> dict:
    """The fields a person sees: agents all, customers those not `customer: none`."""
    return {k: f for k, f in definitions(policy).items() if not customer or f.customer != "none"}


def editable(policy, *, customer: bool) -> dict:
    """The fields a person may fill in: agents all, customers those with `customer: edit`."""
    return {k: f for k, f in definitions(policy).items() if not customer or f.customer == "edit"}


def required_keys(policy, category: str, *, customer: bool) -> tuple[str, ...]:
    """The fields a new ticket in `category` must give, of those the person may fill in."""
    return tuple(k for k, f in editable(policy, customer=customer).items()
                 if f.required or (category and category in f.required_in))


def clean_value(spec, raw: Any) -> Any:
    """`raw` (from a form, JSON or a query string) as the typed value of field `spec`; None for
    empty. Raises DomainError naming the field when it is not a value of the field's type."""
    where = field_name(spec.key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    kind = spec.type
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise DomainError(_("%(name)s: answer yes or no") % {"name": spec.name}, field=where)
    if kind == "number":
        if isinstance(raw, bool):
            raise DomainError(_("%(name)s: enter a number") % {"name": spec.name}, field=where)
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            raise DomainError(_("%(name)s: enter a number, e.g. 42 or 3.5") % {
                "name": spec.name}, field=where) from None
        if not number.is_finite() or abs(number) >= Decimal(10) ** 15:
            raise DomainError(_("%(name)s: enter a number below 10^15") % {"name": spec.name}, field=where)
        return int(number) if number == number.to_integral_value() else float(number)
    if not isinstance(raw, str):
        raise DomainError(_("%(name)s: expected text, got %(type)s") % {
            "name": spec.name, "type": type(raw).__name__}, field=where)
    text = raw.strip()
    if "\x00" in text:
        raise DomainError(_("%(name)s: must not contain NUL characters") % {"name": spec.name}, field=where)
    if len(text) > MAX_TEXT:
        raise DomainError(_("%(name)s: at most %(limit)s characters") % {
            "name": spec.name, "limit": MAX_TEXT}, field=where)
    if kind == "date":
        try:
            if not _DATE.match(text):
                raise ValueError
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise DomainError(_("%(name)s: enter a date as YYYY-MM-DD") % {"name": spec.name}, field=where) from None
    if kind == "choice":
        for option in spec.options:
            if option.lower() == text.lower():
                return option
        raise DomainError(_("%(name)s: choose one of %(options)s") % {
            "name": spec.name, "options": ", ".join(spec.options)}, field=where)
    if kind in ("url", "email"):
        validator = URLValidator(schemes=["http", "https"]) if kind == "url" else EmailValidator()
        try:
            validator(text)
        except ValidationError:
            if kind == "url":
                raise DomainError(_("%(name)s: enter a web address (https://…)") % {"name": spec.name},
                                  field=where) from None
            raise DomainError(_("%(name)s: enter an email address") % {"name": spec.name}, field=where) from None
    return text


def as_text(value: Any) -> str:
    """The canonical text of a typed value (what `TicketFieldValue.text` holds and filters match)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def display(value: Any) -> str:
    """A value as people read it."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return "—" if value is None else str(value)


def clean(policy, raw: Mapping[str, Any], *, category: str, customer: bool, creating: bool,
          current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Check values given for a ticket: every key a field the person may fill in, every value of the
    field's type. `creating`: the fields required in `category` must be given; otherwise (a change)
    a required field cannot be emptied (`current`: the stored values). Returns key → typed value
    (None: empty). Raises DomainError naming the first bad field."""
    fields = definitions(policy)
    allowed = editable(policy, customer=customer)
    cleaned: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in fields:
            known = ", ".join(fields) or "none (the policy declares no custom fields)"
            raise DomainError(_("There is no custom field %(key)r; known: %(known)s") % {
                "key": key, "known": known}, field=field_name(key))
        if key not in allowed:
            raise DomainError(_("%(name)s is filled in by the support team") % {
                "name": fields[key].name}, field=field_name(key))
        cleaned[key] = clean_value(fields[key], value)
    for key in required_keys(policy, category, customer=customer):
        given = cleaned.get(key) if (creating or key in cleaned) else (current or {}).get(key)
        if given is None and (creating or key in cleaned):
            if fields[key].required:
                raise DomainError(_("%(name)s is required for every ticket") % {"name": fields[key].name},
                                  field=field_name(key))
            raise DomainError(_("%(name)s is required for this category") % {"name": fields[key].name},
                              field=field_name(key))
    return cleaned


def values_of(ticket: Ticket, *, customer: bool = False) -> dict[str, Any]:
    """The ticket's custom field values the person may see, key → typed value, in the policy's
    order; values of fields its policy no longer declares are left out. Uses a prefetched
    `field_values` when there is one."""
    policy = policy_of(ticket.policy_version) if ticket.policy_version_id else None
    shown = visible(policy, customer=customer)
    if not shown:
        return {}  # no query when the policy declares no fields the person sees
    stored = {v.key: v.value for v in ticket.field_values.all()}
    return {key: stored[key] for key in shown if key in stored}


def rows_of(ticket: Ticket, *, customer: bool = False) -> list[tuple[Any, Any]]:
    """(field definition, value or None) for each field the person sees, for the ticket page."""
    policy = policy_of(ticket.policy_version) if ticket.policy_version_id else None
    values = values_of(ticket, customer=customer)
    return [(spec, values.get(key)) for key, spec in visible(policy, customer=customer).items()]


def store(ticket: Ticket, cleaned: Mapping[str, Any]) -> tuple[dict, dict]:
    """Write cleaned values (None deletes one) of a ticket locked by the caller. Returns (before,
    after) of what changed, for the audit event."""
    stored = {v.key: v for v in ticket.field_values.all()}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, value in cleaned.items():
        old = stored.get(key)
        if (old.value if old else None) == value:
            continue
        before[key], after[key] = (old.value if old else None), value
        if value is None:
            old.delete()
        elif old is None:
            TicketFieldValue.objects.create(ticket=ticket, key=key, value=value, text=as_text(value))
        else:
            old.value, old.text = value, as_text(value)
            old.save(update_fields=["value", "text"])
    return before, after


@transaction.atomic
def set_custom_fields(viewer: Viewer, ticket: Ticket, values: Mapping[str, Any], *,
                      at: dt.datetime | None = None, expected_version: int | None = None) -> Ticket:
    """Change custom field values of a ticket (agents: all fields; customers: their own ticket's
    fields marked `customer: edit`). None or "" empties a field, unless it is required for the
    ticket's category. Locks the ticket; one `ticket.fields_changed` audit event. Returns the
    ticket as it is now."""
    if viewer.kind not in ("customer", "admin", "vendor_agent", "partner_agent"):
        raise PermissionDenied(_("Sign in to change a ticket."))
    ticket = lock_ticket(ticket)
    if not (viewer.kind == "admin" or Ticket.objects.filter(viewer.ticket_filter(), pk=ticket.pk).exists()):
        raise NotFound(_("No ticket %(number)s that you can see") % {"number": ticket.number})
    expect_version(ticket, expected_version)
    policy = policy_of(ticket.policy_version) if ticket.policy_version_id else None
    customer = viewer.kind == "customer"
    current = {v.key: v.value for v in ticket.field_values.all()}
    cleaned = clean(policy, values, category=ticket.category, customer=customer, creating=False, current=current)
    before, after = store(ticket, cleaned)
    if not after:
        return ticket
    at = at or clock.now()
    save_change(ticket, at=at)
    record(actor=viewer.label, actor_user=viewer.user, action="ticket.fields_changed", obj=ticket,
           ticket_id=ticket.pk, before=before, after=after, at=at)
    return ticket


def filter_q(policy, key: str, raw: str, *, customer: bool = False) -> Q:
    """A Q on Ticket keeping the tickets whose field `key` equals `raw` (read as the field's type;
    a choice in any case; `-` or empty: the tickets without a value). Raises DomainError for an
    unknown field (for customers: one they may not see) or a value not of its type."""
    fields = visible(policy, customer=customer)
    if key not in fields:
        known = ", ".join(fields) or "none"
        raise DomainError(_("There is no custom field %(key)r; known: %(known)s") % {
            "key": key, "known": known}, field=f"field.{key}")
    has = TicketFieldValue.objects.filter(ticket=OuterRef("pk"), key=key)
    if raw is None or raw.strip() in ("", "-"):
        return ~Q(Exists(has))
    try:
        value = clean_value(fields[key], raw)
    except DomainError as exc:
        exc.field = f"field.{key}"
        raise
    return Q(Exists(has.filter(text=as_text(value))))


def filter_by_values(tickets, wanted: Mapping[str, str], policy=None, *, customer: bool = False):
    """`tickets` narrowed to those whose custom fields have the `wanted` values (key → value as
    text, see `filter_q`), under `policy` (default: the active one). `customer`: only the fields
    customers see may be filtered on."""
    if not wanted:
        return tickets
    if policy is None:
        version = active_version()
        policy = policy_of(version) if version else None
    for key, raw in wanted.items():
        tickets = tickets.filter(filter_q(policy, key, raw, customer=customer))
    return tickets


def for_customer(event, ticket: Ticket):
    """An audit event of the ticket as a customer may read it: the `custom_fields` it records (on
    `ticket.opened`) keep only the fields customers see. The event itself is not changed."""
    recorded = (event.after or {}).get("custom_fields")
    if not recorded:
        return event
    policy = policy_of(ticket.policy_version) if ticket.policy_version_id else None
    shown = visible(policy, customer=True)
    copy = type(event)(**{f.attname: getattr(event, f.attname) for f in event._meta.concrete_fields})
    copy.after = {**event.after, "custom_fields": {k: v for k, v in recorded.items() if k in shown}}
    return copy
