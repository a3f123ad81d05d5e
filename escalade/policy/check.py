"""Check policy files: one `file:line:col: message` line per problem.

    python -m escalade.policy.check examples/policies/*.yaml
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import PolicyInvalid, load_policy


def check_file(path: str | Path) -> list[str]:
    """Problems in the policy file at `path` as `file:line:col: message` lines; empty if valid."""
    try:
        load_policy(path)
    except PolicyInvalid as exc:
        return [str(e) for e in exc.errors]
    return []


def main(argv: list[str] | None = None) -> int:
    """Check each file named; print problems to stderr; exit status 1 if any file has some."""
    paths = sys.argv[1:] if argv is None else argv
    if not paths:
        sys.stderr.write("usage: python -m escalade.policy.check POLICY.yaml ...\n")
        return 2
    problems = [line for p in paths for line in check_file(p)]
    for line in problems:
        sys.stderr.write(line + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
