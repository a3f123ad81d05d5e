"""Turning the ids and keys in a request into domain objects. Something unknown, or outside the
caller's scope, is a field error (422) that reads the same either way, so it reveals nothing."""

from __future__ import annotations

from escalade.api.errors import UnknownReference
from escalade.db import Prepared
from escalade.errors import DomainError, NotFound
from escalade.orgs.access import Viewer
from escalade.orgs.models import Agent, Contact, Level, Organisation, Team
from escalade.tickets import custom_fields, selectors
from escalade.tickets.models import Ticket


def organisation_for_new_ticket(viewer: Viewer, organisation_id: int | None) -> Organisation:
    """The organisation a new ticket is for: a customer's own unless they name another, which
    services.open_ticket then refuses."""
    if organisation_id is None:
        if viewer.kind == "customer":
            return viewer.contact.organisation
        raise UnknownReference("Name the organisation the ticket is for", field="organisation")
    if viewer.kind in ("admin", "vendor_agent"):
        # The vendor's agents may open tickets for any customer (Viewer.may_open_ticket_for), while
        # Viewer.organisations() lists only those whose tickets they already see.
        candidates = Organisation.objects.all()
    else:
        candidates = viewer.organisations()
    org = candidates.filter(pk=organisation_id).first()
    if org is None:
        raise UnknownReference(f"No organisation {organisation_id} that you can open tickets for",
                               field="organisation")
    return org


# The requester of every ticket created through the API, with their organisation: SQL built once.
_CONTACT_OF = Prepared(lambda contact_id, organisation_id: Contact.objects.select_related("organisation")
                       .filter(pk=contact_id, organisation_id=organisation_id).order_by()[:1], int, int)


def new_ticket_parties(viewer: Viewer, organisation_id: int | None,
                       contact_id: int | None) -> tuple[Organisation, Contact | None]:
    """The organisation and the requester of a new ticket: one query when both are named and the
    contact is one of the organisation's (else as `organisation_for_new_ticket` and `requester`,
    with their errors)."""
    if organisation_id is not None and contact_id is not None and viewer.kind in ("admin", "vendor_agent"):
        contact = _CONTACT_OF.first(contact_id, organisation_id)
        if contact is not None:
            return contact.organisation, contact
    organisation = organisation_for_new_ticket(viewer, organisation_id)
    return organisation, requester(organisation, contact_id)


def requester(organisation: Organisation, contact_id: int | None) -> Contact | None:
    if contact_id is None:
        return None
    contact = Contact.objects.filter(pk=contact_id, organisation=organisation).first()
    if contact is None:
        raise UnknownReference(f"No contact {contact_id} at {organisation.name}", field="requester")
    return contact


def level(key: str) -> Level:
    found = Level.objects.filter(key=key).first()
    if found is None:
        keys = ", ".join(Level.objects.values_list("key", flat=True))
        raise UnknownReference(f"No level {key!r}; use one of {keys}", field="level")
    return found


def team(key: str | None) -> Team | None:
    if key is None:
        return None
    found = Team.objects.filter(key=key).first()
    if found is None:
        raise UnknownReference(f"No team {key!r}", field="team")
    return found


def agent(agent_id: int | None) -> Agent | None:
    if agent_id is None:
        return None
    found = Agent.objects.filter(pk=agent_id).select_related("partner").first()
    if found is None:
        raise UnknownReference(f"No agent {agent_id}", field="assignee")
    return found


def other_ticket(viewer: Viewer, number: str, *, field: str) -> Ticket:
    """A ticket named in the body: 404 with a field error, like the ticket in the path."""
    try:
        return selectors.get_ticket(viewer, number)
    except NotFound as exc:
        raise NotFound(exc.message, field=field) from None


def custom_field_filters(viewer: Viewer, tickets, wanted: dict[str, str]):
    """The `field.<key>=<value>` filters of a ticket list; an unknown field (for a customer: one
    customers do not see) or a value not of the field's type is a 422 on `field.<key>`."""
    try:
        return custom_fields.filter_by_values(tickets, wanted, customer=viewer.kind == "customer")
    except DomainError as exc:
        raise UnknownReference(exc.message, field=exc.field) from None


def field_params(query) -> dict[str, str]:
    """The `field.<key>=<value>` parameters of a query string, key → value (the last one given)."""
    return {name.removeprefix("field."): query.get(name) for name in query if name.startswith("field.")}
