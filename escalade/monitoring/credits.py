"""Service credits from the policy's table. Pure: no Django.

Boundary rule (VIOE 3.5 "99.9% - 99.5% → 5%", "99.5% - 99.0% → 10%", "Below 99.0% → 25%"):
a band applies when availability is STRICTLY BELOW its `below`; the lowest band that applies
wins. So 99.9 exactly meets the target (0%); 99.89 → 5%; 99.5 exactly → 5%; 99.49 → 10%;
99.0 exactly → 10%; 98.99 → 25%. Comparisons are exact (fractions, with the policy's numbers
read as the decimals they are written as), never floats.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction


def exact(value: float | int | str | Fraction) -> Fraction:
    """A policy number as the decimal it is written as (99.9 → 999/10, not the float's binary value)."""
    return value if isinstance(value, Fraction) else Fraction(str(value))


def credit_percent(availability: Fraction | float | None, bands: Iterable) -> Fraction:
    """The credit (percent of the monthly fee) for `availability` (percent); 0 without data."""
    if availability is None:
        return Fraction(0)
    value = exact(availability)
    credit = Fraction(0)
    for band in sorted(bands, key=lambda b: exact(b.below), reverse=True):
        if value < exact(band.below):
            credit = exact(band.credit_percent)
    return credit
