"""The support guide tells customers which custom fields to fill in, and never names an agents-only one."""

from __future__ import annotations

from escalade.guide.build import build
from escalade.guide.document import markdown
from escalade.policy import load_policy
from tests.mail.conftest import ROOT


def test_the_zynstra_guide_asks_for_the_server_of_faults_and_requests():
    text = markdown(build(load_policy(ROOT / "examples" / "policies" / "zynstra.yaml")))
    assert ("Cloud Managed Server: The name or serial number of the server the fault or request concerns. "
            "Required for Perceived fault and Configuration or administration request.") in text
    assert "authority validated" not in text
