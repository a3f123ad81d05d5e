"""Percentages written the reader's way: {% load numbers %}{{ share|percent }} → "99.5%" / "99,5 %";
{{ target|short_percent }} drops a ".0" (99.0 → "99%"); {{ value|floatformat:3|percent }} keeps
floatformat's places (a string is taken as an already formatted number)."""

from __future__ import annotations

from django import template

from escalade.reports import numbers

register = template.Library()


@register.filter
def percent(value) -> str:
    if value is None or value == "":
        return ""
    return numbers.percent(value)


@register.filter
def short_percent(value) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str) and float(value).is_integer():
        value = int(value)
    return numbers.percent(value)
