"""The mapping file: how django-helpdesk's queues and priorities become Escalade's teams, categories
and priority keys when the names differ. Everything is optional:

    queues:
      SUP: {team: support, category: fault}        # by queue slug (or title)
      BILL: {team: billing, category: billing}
    priorities: {1: P1, 2: P2, 3: P3, 4: P4, 5: P4} # django-helpdesk 1 (critical) … 5 (very low)
    organisation: imported-customers               # slug for submitters no email domain matches

Without it, a queue becomes the team of its slug (lower case) and the category of that key if the
policy has one; priorities 1…5 take the policy's priorities from the highest down.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from escalade.errors import DomainError


@dataclass
class Mapping:
    queues: dict[str, dict[str, str]] = field(default_factory=dict)
    priorities: dict[int, str] = field(default_factory=dict)
    organisation: str = ""

    def queue(self, slug: str, title: str) -> dict[str, str]:
        return self.queues.get(slug) or self.queues.get(title) or {}


def load_mapping(path: str | Path | None) -> Mapping:
    if not path:
        return Mapping()
    try:
        data = yaml.safe_load(Path(path).read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DomainError(f"cannot read the mapping file {path}: {exc}", field="mapping") from None
    if not isinstance(data, dict):
        raise DomainError(f"{path}: expected a mapping with queues, priorities and organisation", field="mapping")
    unknown = set(data) - {"queues", "priorities", "organisation"}
    if unknown:
        raise DomainError(f"{path}: unknown key {sorted(unknown)[0]!r}; use queues, priorities, organisation",
                          field="mapping")
    queues = data.get("queues") or {}
    for name, target in queues.items():
        if not isinstance(target, dict) or set(target) - {"team", "category"}:
            raise DomainError(f"{path}: queues.{name} takes team and category", field="mapping")
    try:
        priorities = {int(k): str(v) for k, v in (data.get("priorities") or {}).items()}
    except (TypeError, ValueError):
        raise DomainError(f"{path}: priorities are numbers 1…5 mapped to priority keys", field="mapping") from None
    return Mapping(queues={str(k): {kk: str(vv) for kk, vv in v.items()} for k, v in queues.items()},
                   priorities=priorities, organisation=str(data.get("organisation") or ""))
