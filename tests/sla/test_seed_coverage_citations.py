"""docs/seed-coverage.md cites SLA tests by id; each must exist (tests/policy checks its own)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_seed_coverage_cites_only_sla_tests_that_exist() -> None:
    cited = set(re.findall(r"tests/sla/(test_\w+\.py)::(\w+)", (ROOT / "docs" / "seed-coverage.md").read_text()))
    assert cited
    for module, name in sorted(cited):
        source = (ROOT / "tests" / "sla" / module).read_text()
        assert re.search(rf"^def {name}\(", source, re.M), f"{module}::{name}"
