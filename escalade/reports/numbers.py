"""Numbers as a reader of the active language writes them: "99.5%" in English, "99,5 %" in German.
The reports' pages, charts and PDF use these; CSV downloads keep plain numbers."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import pgettext


def plain(value: float) -> float | int:
    """A whole number as an int, anything else rounded to one decimal: 50.0 → 50, 12.345 → 12.3."""
    return int(value) if float(value).is_integer() else round(value, 1)


def number(value, decimals: int | None = None) -> str:
    """`value` with the active language's decimal separator (and `decimals` places when given)."""
    return formats.number_format(value, decimal_pos=decimals)


def percent(value, decimals: int | None = None) -> str:
    """"99.5%" / "99,5 %". A string is taken as an already formatted number (from `floatformat`)."""
    text = value if isinstance(value, str) else number(value, decimals)
    return pgettext("a percentage", "%(number)s%%") % {"number": text}


def hours(value) -> str:
    """"3.5 h" / "3,5 h"."""
    return pgettext("hours, short", "%(number)s h") % {"number": number(value)}


def chart_value(value: float, unit: str = "") -> str:
    """A value in a chart (axis, bar label, tooltip) with its unit: see `svg.Chart.unit`."""
    if unit == "%":
        return percent(plain(value))
    if unit == " h":
        return hours(plain(value))
    return number(plain(value)) + unit
