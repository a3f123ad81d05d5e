"""The monitoring section of the active policy (its defaults — MyCorp's numbers — when no policy
is active), and the highest priority to open incidents at."""

from __future__ import annotations

from escalade.policy.publish import active_version, policy_of
from escalade.policy.schema_monitoring import Monitoring


def monitoring_policy() -> tuple[Monitoring, str]:
    """(the active policy's monitoring section, the incident priority key)."""
    version = active_version()
    if version is None:
        return Monitoring(), "P1"
    policy = policy_of(version)
    section = policy.monitoring or Monitoring()
    priority = section.incident_priority or policy.priority_keys[0]
    return section, priority
