"""Who may see what. Every scoped query in views, API and tasks goes through here.

`Viewer.of(user)` resolves a user to one side of each boundary:

- admin (superuser): everything;
- vendor agent: tickets at one of the agent's levels or teams, or assigned to the agent;
  a vendor manager sees every ticket;
- partner agent: every ticket of the organisations the partner serves;
- customer contact: the tickets of the contact's own organisation;
- anyone else: nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from escalade.errors import PermissionDenied
from escalade.orgs.models import Agent, Contact, Organisation

Kind = Literal["admin", "vendor_agent", "partner_agent", "customer", "nobody"]

NOTHING = Q(pk__in=[])


class AccessDenied(PermissionDenied):
    """The user may not do this; the message says why in plain words."""


@dataclass(frozen=True)
class Viewer:
    user: object
    kind: Kind
    agent: Agent | None = None
    contact: Contact | None = None
    system_name: str = ""

    @classmethod
    def system(cls, name: str) -> Viewer:
        """Escalade itself acting (the worker, a rule): admin rights, audited as `system: <name>`."""
        return cls(None, "admin", system_name=f"system: {name}")

    @classmethod
    def of(cls, user) -> Viewer:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return cls(user, "nobody")
        agent = _loaded(user, "agent", lambda: Agent.objects.filter(user=user).select_related("partner").first())
        if user.is_superuser:
            return cls(user, "admin", agent=agent)
        if agent is not None:
            return cls(user, "vendor_agent" if agent.is_vendor else "partner_agent", agent=agent)
        contact = _loaded(user, "contact",
                          lambda: Contact.objects.filter(user=user).select_related("organisation").first())
        if contact is not None:
            return cls(user, "customer", contact=contact)
        return cls(user, "nobody")

    @property
    def is_staff_side(self) -> bool:
        """Agents and admins: they see internal notes and act on tickets."""
        return self.kind in ("admin", "vendor_agent", "partner_agent")

    @property
    def is_manager(self) -> bool:
        """Admins and the vendor's managers: they review escalations and see every level."""
        return self.kind == "admin" or (self.kind == "vendor_agent" and self.agent.is_manager)

    @property
    def label(self) -> str:
        if self.system_name:
            return self.system_name
        if self.agent is not None:
            return self.agent.name
        if self.contact is not None:
            return self.contact.name
        return getattr(self.user, "username", "") or "anonymous"

    def organisations(self) -> QuerySet[Organisation]:
        """The organisations this viewer may see."""
        orgs = Organisation.objects.all()
        if self.kind == "admin" or (self.kind == "vendor_agent" and self.agent.is_manager):
            return orgs
        if self.kind == "vendor_agent":
            return orgs.filter(pk__in=_ticket_orgs_of_vendor_agent(self.agent)).distinct()
        if self.kind == "partner_agent":
            return orgs.filter(partner_id=self.agent.partner_id)
        if self.kind == "customer":
            return orgs.filter(pk=self.contact.organisation_id)
        return orgs.none()

    def ticket_filter(self, prefix: str = "") -> Q:
        """A Q on the Ticket model (or on `prefix` pointing at it) that keeps what this viewer may see."""

        def q(**kwargs) -> Q:
            return Q(**{f"{prefix}{key}": value for key, value in kwargs.items()})

        if self.kind == "admin":
            return Q()
        if self.kind == "vendor_agent":
            if self.agent.is_manager:
                return Q()
            return (
                q(level__in=self.agent.levels.all())
                | q(team__in=self.agent.teams.all())
                | q(assignee=self.agent)
            )
        if self.kind == "partner_agent":
            return q(organisation__partner_id=self.agent.partner_id)
        if self.kind == "customer":
            return q(organisation_id=self.contact.organisation_id)
        return NOTHING

    def may_open_ticket_for(self, organisation: Organisation) -> None:
        """Raise AccessDenied unless this viewer may open a ticket for `organisation`."""
        if self.kind == "customer":
            if self.contact.organisation_id != organisation.pk:
                raise AccessDenied(_("You can only open tickets for your own organisation."))
            if not self.contact.can_open_tickets:
                raise AccessDenied(
                    _("%(name)s is not authorised to open tickets for %(organisation)s; ask your primary contact to "
                      "authorise you.") % {"name": self.contact.name, "organisation": organisation.name}
                )
            return
        if self.kind == "partner_agent":
            if organisation.partner_id != self.agent.partner_id:
                raise AccessDenied(_("%(partner)s does not serve %(organisation)s.") % {
                    "partner": self.agent.partner, "organisation": organisation.name})
            return
        if self.kind in ("admin", "vendor_agent"):
            return
        raise AccessDenied(_("Sign in as a contact or an agent to open tickets."))


#: What a query for a user must select_related for `Viewer.of` to need no query of its own.
USER_SIDES = ("user__agent__partner", "user__contact__organisation")


def _loaded(user, side: str, query):
    """The user's agent or contact as a select_related already fetched it (None: it has none), else
    from `query`."""
    cache = user._state.fields_cache
    return cache[side] if side in cache else query()


def _ticket_orgs_of_vendor_agent(agent: Agent):
    from django.apps import apps

    ticket_model = apps.get_model("tickets", "Ticket")
    viewer = Viewer(agent.user, "vendor_agent", agent=agent)
    return ticket_model.objects.filter(viewer.ticket_filter()).values("organisation_id")
