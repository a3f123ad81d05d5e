"""Single sign-on accounts: who a set of OpenID Connect claims is, and what they may do.

- The user: the one linked to the claims' `sub`; on a first sign-in, the account with the same
  email address (its own, or its contact's) if the provider says it verified it; otherwise a new
  account (no password).
- Their role, from the claims (names configurable, docs/sign-in.md):
  * `OIDC_ORGANISATION_CLAIM` (a string or a list) naming an organisation's key (its slug):
    a customer contact of that organisation (an existing contact with the same email address
    is linked, else one is created);
  * `OIDC_AGENT_GROUP` in the `OIDC_GROUPS_CLAIM` list: an agent of the vendor;
  * `OIDC_ADMIN_GROUP` in that list: an administrator (staff and superuser).
  Roles are added, never taken away, by a sign-in; an administrator removes them.
A sign-in whose claims give no role to an account that has none is refused.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from escalade import clock
from escalade.accounts.models import SsoIdentity
from escalade.audit.chain import record
from escalade.orgs.models import Agent, Contact, Organisation

ACTOR = "system: single sign-on"


class NoRole(Exception):
    """The claims give this person no role in Escalade."""


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def organisation_of(claims: dict) -> Organisation | None:
    keys = _as_list(claims.get(settings.OIDC_ORGANISATION_CLAIM))
    return Organisation.objects.filter(slug__in=keys).order_by("slug").first() if keys else None


def groups_of(claims: dict) -> set[str]:
    return set(_as_list(claims.get(settings.OIDC_GROUPS_CLAIM)))


def display_name(claims: dict) -> str:
    name = claims.get("name") or " ".join(p for p in (claims.get("given_name"), claims.get("family_name")) if p)
    return (name or claims.get("preferred_username") or claims.get("email") or claims["sub"]).strip()[:200]


def _free_username(claims: dict) -> str:
    base = claims.get("preferred_username") or (claims.get("email") or "").split("@")[0] or "sso-user"
    base = re.sub(r"[^\w.@+-]", "", base)[:140] or "sso-user"
    users, name, n = get_user_model()._default_manager, base, 1
    while users.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def find_user(claims: dict):
    """The user the claims name, or None (see the module docstring)."""
    identity = SsoIdentity.objects.select_related("user").filter(subject=claims.get("sub", "")).first()
    if identity is not None:
        return identity.user
    email = claims.get("email")
    if email and claims.get("email_verified") is True:
        users = get_user_model()._default_manager
        matches = set(users.filter(email__iexact=email).values_list("pk", flat=True)[:2])
        matches |= set(Contact.objects.filter(email__iexact=email, user__isnull=False)
                       .values_list("user_id", flat=True)[:2])
        if len(matches) == 1:
            return users.get(pk=matches.pop())
    return None


def has_role(user) -> bool:
    return bool(user.is_superuser or _is_agent(user)
                or Contact.objects.filter(user=user).exists())


@transaction.atomic
def sign_in(claims: dict):
    """The user for these claims, created or linked and given the claims' roles. Raises NoRole."""
    if not claims.get("sub"):
        raise NoRole("the provider sent no subject (sub claim)")
    user = find_user(claims)
    created = user is None
    if created:
        user = get_user_model()._default_manager.create_user(
            _free_username(claims), email=claims.get("email") or "", password=None,
            first_name=(claims.get("given_name") or "")[:150], last_name=(claims.get("family_name") or "")[:150])
    if not SsoIdentity.objects.filter(subject=claims["sub"]).exists():
        SsoIdentity.objects.create(user=user, subject=claims["sub"], created_at=clock.now())
    granted = grant_roles(user, claims)
    if not has_role(user):
        transaction.set_rollback(True)
        raise NoRole("the provider's claims give this person no role in Escalade "
                     f"(no {settings.OIDC_ORGANISATION_CLAIM} naming an organisation, no agent group)")
    if created or granted:
        record(actor=ACTOR, action="auth.sso_account_provisioned", obj=user,
               after={"username": user.get_username(), "created": created, "roles": granted,
                      "subject": claims["sub"][:200]})
    return user


def grant_roles(user, claims: dict) -> list[str]:
    """Give `user` the roles the claims name that it lacks; returns them, in words."""
    granted: list[str] = []
    groups = groups_of(claims)
    if settings.OIDC_ADMIN_GROUP and settings.OIDC_ADMIN_GROUP in groups and not user.is_superuser:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
        granted.append("administrator")
    if settings.OIDC_AGENT_GROUP and settings.OIDC_AGENT_GROUP in groups and not _is_agent(user):
        Agent.objects.create(user=user, name=display_name(claims))
        granted.append("agent")
    organisation = organisation_of(claims)
    if organisation is not None and not Contact.objects.filter(user=user).exists():
        email = claims.get("email") or user.email
        contact = Contact.objects.filter(organisation=organisation, email__iexact=email).first() if email else None
        if contact is not None and contact.user_id is not None:
            return granted  # that contact is someone else's account: no role from this claim
        if contact is None:
            contact = Contact.objects.create(organisation=organisation, user=user, name=display_name(claims),
                                             email=email)
        else:
            contact.user = user
            contact.save(update_fields=["user"])
        granted.append(f"contact of {organisation.slug}")
    return granted


def _is_agent(user) -> bool:
    return Agent.objects.filter(user=user).exists()
