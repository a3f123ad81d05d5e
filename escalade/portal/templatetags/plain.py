"""Template filters for what people read: `when` (every time, one format, in the reader's zone),
`ago` (a time relative to now, from the injected clock) and the labels of `escalade.portal.words`.

    {% load plain %}{{ ticket.created_at|when }} · {{ clock.due_at|ago }} · {{ ticket.status|status_label }}
"""

from __future__ import annotations

from django import template
from django.utils import timezone

from escalade import clock, timewords
from escalade.policy import names
from escalade.portal import words

register = template.Library()


@register.filter
def when(value) -> str:
    """"Mon 7 Dec 2026, 14:05 GMT" in the zone the page is rendered in (the reader's), in the page's
    language ("Mo., 7. Dez. 2026, 14:05 GMT")."""
    return timewords.when(value, timezone.get_current_timezone()) if value else ""


@register.filter
def ago(value) -> str:
    """"in 2 h 10 min" or "12 min ago", against the injected clock."""
    return timewords.relative(value, clock.now()) if value else ""


@register.filter
def status_label(key: str) -> str:
    return words.status(key)


@register.filter
def customer_status(key: str) -> str:
    return words.status(key, customer=True)


@register.filter
def humane(key: str) -> str:
    return names.humane(key)


@register.filter
def role_name(key: str, policy=None) -> str:
    return names.role_name(policy, key)


@register.filter
def level_name(key: str, policy=None) -> str:
    return names.level_name(policy, key)


@register.filter
def channel_name(key: str, policy=None) -> str:
    return names.channel_name(policy, key)


@register.filter
def task_kind(key: str) -> str:
    return words.label(words.TASK_KIND, key)


@register.filter
def message_kind(key: str) -> str:
    return words.label(words.MESSAGE_KIND, key)


@register.filter
def clock_label(key: str) -> str:
    return words.label(words.CLOCK, key)
