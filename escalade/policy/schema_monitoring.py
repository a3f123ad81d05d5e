"""The `monitoring` section of the policy file: proactive checks of customer systems, the
incidents they open, maintenance notice, and the availability SLA with its service credits
(MyCorp "Proactive Customer Monitoring"; VIOE 3.3–3.5). See docs/monitoring.md.

Part of the format defined in `schema.py` (one field on `PolicySpec`); loading, the JSON Schema
and the reference tables follow from these dataclasses. Cross-reference checks are in
`validate.py` (`_check_monitoring`); the behaviour is in `escalade.monitoring`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .schema import CategoryKey, LevelKey, PriorityKey, doc


@dataclass(kw_only=True)
class CreditBand:
    """One row of the service-credit table: availability strictly below `below` earns
    `credit_percent` of the monthly fee; the lowest band that applies wins."""
    below: float = doc("Availability (percent) below which this credit applies, e.g. `99.9`.",
                       example="below: 99.9")
    credit_percent: float = doc("Credit as a percentage of the monthly fee, e.g. `5`.",
                                example="credit_percent: 5")


@dataclass(kw_only=True)
class Monitoring:
    """Proactive monitoring of customer systems and the availability SLA."""
    check_interval_minutes: int = doc("Minutes between checks of each monitored system (an asset may "
                                      "override it); also the measurement interval of availability.",
                                      15, min=1, example="check_interval_minutes: 15")
    failures_before_incident: int = doc("Failed checks in sequence that open an incident ticket.", 10, min=1,
                                        example="failures_before_incident: 10")
    incident_priority: PriorityKey | None = doc("Priority of the incident ticket; the highest priority "
                                                "when left out.", None, example="incident_priority: SEV1")
    incident_category: CategoryKey | None = doc("Category of the incident ticket, so rules scoped to "
                                                "categories apply (MyCorp: a customer server).", None,
                                                example="incident_category: server")
    incident_level: LevelKey | None = doc("Support level the incident ticket starts at (Zynstra: the Monitoring "
                                          "Console's software failures go straight to Third Level); the "
                                          "first level when left out.", None, example="incident_level: L3")
    notify_role: str = doc("Who is told when an incident opens and while it lasts, e.g. "
                           "`customer_technical`.", "customer_technical")
    note_every_minutes: int = doc("While the system stays down, at most one note on the incident per "
                                  "this many minutes (not one per failed check).", 60, min=1)
    customer_updates_after_minutes: int = doc("Once the outage has lasted this long, each note is also sent "
                                              "to `notify_role` (MyCorp: hourly updates beyond 2 hours).",
                                              120, min=0)
    resolve_on_recovery: bool = doc("Resolve the incident (resolution `fixed`) when the system recovers; "
                                    "otherwise a note is added and an agent resolves it.", False)
    heartbeat_grace: float = doc("A heartbeat system is down when silent longer than its interval × this.",
                                 1.5, example="heartbeat_grace: 1.5")
    maintenance_notice_days: int = doc("Scheduled maintenance announced at least this many days ahead is "
                                       "excluded from availability.", 7, min=0)
    maintenance_reminder_hours: int = doc("Hours before a maintenance window starts that the affected customers' "
                                          "contacts are reminded of it; `0` sends no reminder.", 24, min=0,
                                          example="maintenance_reminder_hours: 24")
    availability_target: float = doc("Monthly availability target in percent, e.g. `99.9`.", 99.9,
                                     example="availability_target: 99.9")
    credits: list[CreditBand] = doc("Service credits by monthly availability.", factory=list,
                                    example="credits: [{below: 99.9, credit_percent: 5}]")
    claim_window_days: int = doc("Days after an incident within which a credit must be requested.", 30, min=0)
    keep_raw_results_days: int = doc("Days every check result is kept as it is; older results are compacted "
                                     "into hourly summaries (availability stays the same). At least "
                                     "`claim_window_days` + 31, so an outage can be excluded until its claim "
                                     "expires.", 90, min=1, example="keep_raw_results_days: 90")
