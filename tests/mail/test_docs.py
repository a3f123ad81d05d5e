"""docs/email.md stays true to the policy format and the settings."""

from __future__ import annotations

import re

import pytest

from escalade.policy.introspect import spec_fields
from escalade.policy.load import load_spec
from escalade.policy.schema_email import Email
from tests.mail.conftest import ROOT

DOC = (ROOT / "docs" / "email.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC, re.S)


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_every_yaml_snippet_in_the_email_doc_fits_the_policy_format(block):
    _, _, errors = load_spec(block, "docs/email.md")
    assert [str(e) for e in errors if "missing required key" not in e.message] == []


def test_the_email_doc_shows_every_key_of_the_email_section():
    for f in spec_fields(Email):
        assert f"  {f.name}:" in DOC, f.name
