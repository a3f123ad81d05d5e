"""Zynstra's policy with its custom fields (the server; the requester's authority, agents only)
and, for the tests, one field of every other type."""

from __future__ import annotations

import pytest

from escalade.policy.publish import apply_policy
from tests.api.conftest import as_  # noqa: F401 (the API caller fixture)
from tests.mail.conftest import ROOT

EXTRA = """\
  contract:
    name: Contract number
    type: number
  renewal:
    name: Renewal date
    type: date
  component:
    name: Component
    type: choice
    options: [Hardware, Software, Network]
  runbook:
    name: Runbook
    type: url
    customer: read
  owner_email:
    name: Owner email
    type: email
"""


def zynstra_text() -> str:
    text = (ROOT / "examples" / "policies" / "zynstra.yaml").read_text(encoding="utf-8")
    return text.replace("custom_fields:\n", "custom_fields:\n" + EXTRA, 1)


@pytest.fixture
def zynstra(world):
    version = apply_policy(zynstra_text(), filename="zynstra.yaml", actor="test")[0]
    for org in (world.acme, world.globex, world.initech):
        org.plan = "cloud_managed_server"  # the policy's one plan: tickets get SLA clocks
        org.save()
    return version
