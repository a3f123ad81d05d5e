"""VIOE 3.5 service credits, at and just below each boundary (a band applies strictly below it)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from escalade.monitoring.credits import credit_percent
from escalade.policy.schema_monitoring import CreditBand

VIOE = [CreditBand(below=99.9, credit_percent=5), CreditBand(below=99.5, credit_percent=10),
        CreditBand(below=99.0, credit_percent=25)]


@pytest.mark.parametrize(("availability", "credit"), [
    ("100", 0),
    ("99.9", 0),        # exactly the target: met
    ("99.8999", 5),     # just below 99.9
    ("99.5", 5),        # 99.9% - 99.5% → 5%
    ("99.4999", 10),    # just below 99.5
    ("99.0", 10),       # 99.5% - 99.0% → 10%
    ("98.9999", 25),    # below 99.0%
    ("0", 25),
])
def test_credit_at_and_just_below_each_boundary(availability, credit):
    assert credit_percent(Fraction(availability), VIOE) == credit


def test_no_data_earns_no_credit():
    assert credit_percent(None, VIOE) == 0


def test_bands_listed_in_any_order_give_the_same_credit():
    assert credit_percent(Fraction("99.2"), list(reversed(VIOE))) == 10


def test_float_availability_is_read_as_its_decimal():
    # 99.9 as a float is 99.900000000000005684…; it still meets a 99.9 target.
    assert credit_percent(99.9, VIOE) == 0
