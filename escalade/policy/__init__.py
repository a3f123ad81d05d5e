"""The Support & Escalation policy file: format, loading with located errors, and the `Policy`
object the rest of Escalade asks about priorities, plans and targets.

Pure Python (PyYAML, `escalade.businesstime`); no Django.
"""

from __future__ import annotations

from pathlib import Path

from .errors import NotInPolicy, PolicyError, PolicyInvalid
from .load import load_spec
from .runtime import Policy, Target, Targets
from .validate import validate

__all__ = [
    "NotInPolicy",
    "Policy",
    "PolicyError",
    "PolicyInvalid",
    "Target",
    "Targets",
    "load_policy",
    "load_policy_text",
]


def load_policy_text(text: str, filename: str = "<string>") -> Policy:
    """Load a policy from YAML text; raises PolicyInvalid listing every located problem."""
    policy, locs, errors = load_spec(text, filename, root=Policy)
    if policy is not None:
        errors = errors + validate(policy, locs)
    if errors:
        raise PolicyInvalid(errors)
    return policy


def load_policy(path: str | Path) -> Policy:
    """Load a policy file; raises PolicyInvalid (also when the file cannot be read)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise PolicyInvalid([PolicyError(str(path), 1, 1, f"cannot read the file: {reason}")]) from exc
    return load_policy_text(text, str(path))
