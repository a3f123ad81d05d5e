"""docs/policy.md stays true to the code, and docs/seed-coverage.md points at real tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from escalade.policy import load_policy_text
from escalade.policy.introspect import spec_fields
from escalade.policy.load import load_spec
from escalade.policy.reference import BEGIN, END, _sections, example_policies, render_reference

ROOT = Path(__file__).resolve().parents[2]
POLICY_DOC = ROOT / "docs" / "policy.md"
COVERAGE_DOC = ROOT / "docs" / "seed-coverage.md"
YAML_BLOCKS = re.findall(r"```yaml\n(.*?)```", POLICY_DOC.read_text(), re.S)


def test_the_key_tables_in_the_policy_doc_are_current() -> None:
    text = POLICY_DOC.read_text()
    generated = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    expected = render_reference(example_policies(ROOT / "examples" / "policies")).strip()
    assert generated == expected, "run: python -m escalade.policy.reference docs/policy.md"


def test_the_policy_doc_has_a_row_for_every_key_of_every_section() -> None:
    text = POLICY_DOC.read_text()
    for path, cls in _sections():
        title = f"### `{path}`" if path else "### Top level"
        section = text.split(title + "\n", 1)[1].split("\n### ", 1)[0]
        for f in spec_fields(cls):
            assert f"| `{f.name}` |" in section, f"{path or 'top level'}: {f.name}"


@pytest.mark.parametrize("block", YAML_BLOCKS, ids=[f"block{i}" for i in range(len(YAML_BLOCKS))])
def test_every_yaml_snippet_in_the_policy_doc_fits_the_schema(block: str) -> None:
    if block.startswith("version: 1"):
        load_policy_text(block, "docs/policy.md")  # a complete policy: must be valid
        return
    _, _, errors = load_spec(block, "docs/policy.md")
    assert [str(e) for e in errors if "missing required key" not in e.message] == []


def test_seed_coverage_cites_only_tests_that_exist() -> None:
    cited = set(re.findall(r"tests/policy/(test_\w+\.py)::(\w+)", COVERAGE_DOC.read_text()))
    assert cited
    for module, name in cited:
        source = (ROOT / "tests" / "policy" / module).read_text()
        assert re.search(rf"^def {name}\(", source, re.M), f"{module}::{name}"


def test_seed_coverage_has_a_table_for_each_seed() -> None:
    text = COVERAGE_DOC.read_text()
    for seed in ("Mirrored Storage", "I One Tech", "MyCorp", "Zynstra", "VIOE"):
        assert f"## {seed}" in text
