"""docs/seed-coverage.md cites escalation tests that exist; docs/policy.md documents every
condition and action kind."""

from __future__ import annotations

import re
from pathlib import Path

from escalade.policy.introspect import spec_fields
from escalade.policy.schema_escalation import Action, Condition

ROOT = Path(__file__).resolve().parents[2]
COVERAGE_DOC = ROOT / "docs" / "seed-coverage.md"
POLICY_DOC = ROOT / "docs" / "policy.md"


def test_seed_coverage_cites_only_escalation_tests_that_exist() -> None:
    cited = set(re.findall(r"tests/escalation/(test_\w+\.py)::(\w+)", COVERAGE_DOC.read_text()))
    assert len(cited) >= 20
    for module, name in cited:
        source = (ROOT / "tests" / "escalation" / module).read_text()
        assert re.search(rf"^def {name}\(", source, re.M), f"{module}::{name}"


def test_the_policy_doc_explains_every_condition_and_action() -> None:
    section = POLICY_DOC.read_text().split("## Escalation\n", 1)[1].split("\n## ", 1)[0]
    for cls in (Condition, Action):
        for f in spec_fields(cls):
            assert f"| `{f.name}" in section, f.name
