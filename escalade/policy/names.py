"""What people read for the policy's keys: the display names the policy gives (levels, teams,
plans, priorities, categories, channels, roles, calendars), and a humane name derived from a key
that has none (a rule `post_emergency_activities` reads "Post emergency activities")."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from escalade.policy.schema_escalation import BUILT_IN_ROLES

# Names for the built-in roles, as a person reads them.
# (The names the policy file gives stay in the policy author's language; these are Escalade's own.)
BUILT_IN_ROLE_NAMES = {
    "assignee": gettext_lazy("the assigned agent"),
    "level_manager": gettext_lazy("the level's manager"),
    "team_manager": gettext_lazy("the team's manager"),
    "requester": gettext_lazy("the requester"),
    "customer_primary": gettext_lazy("the customer's primary contact"),
    "customer_technical": gettext_lazy("the customer's technical contact"),
    "customer_executive": gettext_lazy("the customer's executive contact"),
    "customer_billing": gettext_lazy("the customer's billing contact"),
    "partner_agents": gettext_lazy("the partner's agents"),
}
CHANNEL_KIND_NAMES = {"emergency_line": gettext_lazy("Emergency line"), "email": gettext_lazy("Email"),
                      "phone": gettext_lazy("Phone"), "portal": gettext_lazy("Portal"), "chat": gettext_lazy("Chat")}
assert set(BUILT_IN_ROLE_NAMES) == set(BUILT_IN_ROLES)

_SEPARATORS = re.compile(r"[_.\-]+")


def humane(key: str | None) -> str:
    """A key as words: `post_emergency_activities` → "Post emergency activities",
    `sla.clocks_started` → "Sla clocks started". Keys that already read as words stay as they are."""
    if not key:
        return ""
    words = _SEPARATORS.sub(" ", str(key)).strip()
    return words[:1].upper() + words[1:]


def _name(section: dict | None, key: str | None) -> str:
    if not key:
        return ""
    item = (section or {}).get(key)
    name = getattr(item, "name", "") if item is not None else ""
    return name or humane(key)


def level_name(policy, key: str | None) -> str:
    return _name(policy.levels if policy else None, key)


def team_name(policy, key: str | None) -> str:
    return _name(policy.teams if policy else None, key)


def plan_name(policy, key: str | None) -> str:
    return _name(policy.plans if policy else None, key)


def category_name(policy, key: str | None) -> str:
    return _name(policy.categories if policy else None, key)


def calendar_name(policy, key: str | None) -> str:
    return _name(policy.calendars if policy else None, key)


def channel_name(policy, key: str | None) -> str:
    """The channel's display name, else its kind in words ("Emergency line"), else its key in words."""
    channel = (policy.channels if policy else {}).get(key) if key else None
    if channel is not None and not channel.name:
        return str(CHANNEL_KIND_NAMES.get(channel.kind, humane(key)))
    return _name(policy.channels if policy else None, key)


def role_name(policy, key: str | None) -> str:
    """A policy role's name, a team's name, "the level's manager" for a built-in role, "the on-call
    agent of Support" for `on_call:support`."""
    if not key:
        return ""
    if key in BUILT_IN_ROLE_NAMES:
        return str(BUILT_IN_ROLE_NAMES[key])
    if key.startswith("on_call:"):
        return _("the on-call agent of %(team)s") % {"team": team_name(policy, key.removeprefix("on_call:"))}
    if policy and key in policy.roles:
        return policy.roles[key].name
    if policy and key in policy.teams:
        return policy.teams[key].name
    return humane(key)


def rule_name(policy, key: str | None) -> str:
    """A rule (escalation trigger) has only a key: its key in words."""
    return humane(key)


def template_name(policy, key: str | None) -> str:
    return humane(key)
