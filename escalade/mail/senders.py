"""Who sent a message: the customer contact with that address, else the customer whose mail
domain it is. Zynstra: "identify the user … and validate their authority to do so"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from escalade.db import is_remembering, remember, remembered
from escalade.orgs.access import Viewer
from escalade.orgs.models import Contact, Organisation


@dataclass(frozen=True)
class Sender:
    address: str
    name: str
    contact: Contact | None
    organisation: Organisation | None
    ambiguous: str = ""  # why the address could not be tied to one customer

    @property
    def may_open_tickets(self) -> bool:
        return self.contact is not None and self.contact.can_open_tickets

    @property
    def label(self) -> str:
        if self.contact is not None:
            return f"{self.contact.name} <{self.address}> ({self.contact.organisation.name})"
        return f"{self.name} <{self.address}>".strip() if self.name else self.address

    def viewer(self) -> Viewer:
        """The contact acting as themselves (needs a contact)."""
        assert self.contact is not None
        return Viewer(self.contact.user, "customer", contact=self.contact)


def _contacts_with(address: str) -> list[Contact]:
    return list(Contact.objects.filter(email__iexact=address).select_related("organisation", "user"))


def preload(addresses: Iterable[str]) -> None:
    """Read the contacts of several senders in one query, for `identify()` within the enclosing
    `escalade.db.remembering()` block (a batch of mail). Addresses no contact has are still asked
    one by one (the query's case-insensitive match is the judge)."""
    wanted = {a.strip().lower() for a in addresses if a and a.strip()}
    if not wanted or not is_remembering():
        return
    query = Q()
    for address in wanted:
        query |= Q(email__iexact=address)
    found: dict[str, list[Contact]] = {}
    for contact in Contact.objects.filter(query).select_related("organisation", "user").order_by("pk"):
        found.setdefault(contact.email.strip().lower(), []).append(contact)
    for address, contacts in found.items():
        if address in wanted:
            remember(("mail.sender_contacts", address), contacts)


def identify(address: str, name: str = "") -> Sender:
    address = address.strip().lower()
    contacts = remembered(("mail.sender_contacts", address), lambda: _contacts_with(address))
    if len(contacts) > 1:
        authorised = [c for c in contacts if c.can_open_tickets]
        contacts = authorised if len(authorised) == 1 else contacts
    if len(contacts) > 1:
        names = ", ".join(sorted({c.organisation.name for c in contacts}))
        return Sender(address, name, None, None, ambiguous=f"{address} is a contact at several customers ({names})")
    if contacts:
        return Sender(address, name, contacts[0], contacts[0].organisation)
    return Sender(address, name, None, organisation_for_domain(address.rpartition("@")[2]))


def organisation_for_domain(domain: str) -> Organisation | None:
    """The customer that lists `domain` among its mail domains (only when exactly one does)."""
    domain = domain.strip().lower()
    if not domain:
        return None
    found = [
        org for org in Organisation.objects.filter(email_domains__icontains=domain)
        if domain in {d.strip().lower().lstrip("@") for d in org.email_domains.split(",")}
    ]
    return found[0] if len(found) == 1 else None
