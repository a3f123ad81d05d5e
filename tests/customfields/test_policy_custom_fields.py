"""The policy's `custom_fields` section: loaded from the file, each mistake located at its line."""

from __future__ import annotations

import pytest

from escalade.policy import PolicyInvalid, load_policy, load_policy_text
from tests.customfields.conftest import zynstra_text
from tests.mail.conftest import ROOT


def errors_of(extra: str) -> list[str]:
    text = zynstra_text().replace("custom_fields:\n", "custom_fields:\n" + extra, 1)
    with pytest.raises(PolicyInvalid) as info:
        load_policy_text(text, "z.yaml")
    return [str(e) for e in info.value.errors]


def line_of(needle: str) -> int:
    text = zynstra_text().replace("custom_fields:\n", "custom_fields:\n" + EXTRA_BAD, 1)
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


EXTRA_BAD = """\
  site:
    name: Site
    type: choice
  colour:
    name: Colour
    type: colourful
  team_size:
    name: Team size
    type: number
    options: [a, b]
  region:
    name: Region
    required: true
    required_in: [nowhere]
"""


def test_zynstra_declares_the_server_and_the_agents_authority_check():
    policy = load_policy(ROOT / "examples" / "policies" / "zynstra.yaml")
    server, authority = policy.custom_fields["server"], policy.custom_fields["authority_validated"]
    assert (server.type, server.required_in, server.customer) == ("text", ["fault", "admin_request"], "edit")
    assert (authority.type, authority.required_in, authority.customer) == ("boolean", ["admin_request"], "none")


def test_every_custom_field_mistake_is_reported_at_its_line_and_column():
    errors = errors_of(EXTRA_BAD)
    type_line = line_of("type: choice")
    assert f"z.yaml:{type_line}:11: custom field 'site' is a choice: list its 'options'" in errors
    assert any(e.startswith(f"z.yaml:{line_of('type: colourful')}:11: expected one of text, number") for e in errors)
    assert any(e.startswith(f"z.yaml:{line_of('options: [a, b]')}:5: custom field 'team_size' is a number field")
               for e in errors)
    assert any(e.startswith(f"z.yaml:{line_of('required_in: [nowhere]')}:19: unknown category 'nowhere'")
               for e in errors)
    assert any(e.startswith(f"z.yaml:{line_of('required_in: [nowhere]')}:5: custom field 'region' is required in "
                            "every category") for e in errors)


def test_a_custom_field_without_a_name_is_refused_naming_the_key():
    errors = errors_of("  nameless:\n    type: text\n")
    assert any("custom field 'nameless' is missing required key 'name'" in e for e in errors)


def test_an_option_listed_twice_is_pointed_at():
    errors = errors_of("  dup:\n    name: Dup\n    type: choice\n    options: [A, B, A]\n")
    assert any("option 'A' is listed twice" in e for e in errors)
