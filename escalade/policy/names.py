"""What people read for the policy's keys: the display names the policy gives (levels, teams,
plans, priorities, categories, channels, roles, calendars), and a humane name derived from a key
that has none (a rule `post_emergency_activities` reads "Post emergency activities")."""

from __future__ import annotations

import re

from escalade.policy.schema_escalation import BUILT_IN_ROLES

# Names for the built-in roles, as a person reads them.
BUILT_IN_ROLE_NAMES = {
    "assignee": "the assigned agent",
    "level_manager": "the level's manager",
    "team_manager": "the team's manager",
    "requester": "the requester",
    "customer_primary": "the customer's primary contact",
    "customer_technical": "the customer's technical contact",
    "customer_executive": "the customer's executive contact",
    "customer_billing": "the customer's billing contact",
    "partner_agents": "the partner's agents",
}
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
        return {"emergency_line": "Emergency line", "email": "Email", "phone": "Phone", "portal": "Portal",
                "chat": "Chat"}.get(channel.kind, humane(key))
    return _name(policy.channels if policy else None, key)


def role_name(policy, key: str | None) -> str:
    """A policy role's name, a team's name, "the level's manager" for a built-in role, "the on-call
    agent of Support" for `on_call:support`."""
    if not key:
        return ""
    if key in BUILT_IN_ROLE_NAMES:
        return BUILT_IN_ROLE_NAMES[key]
    if key.startswith("on_call:"):
        return f"the on-call agent of {team_name(policy, key.removeprefix('on_call:'))}"
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
