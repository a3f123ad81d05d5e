"""The guide generated from each example policy states every number its seed document states:
targets, hours, escalation thresholds, update intervals, availability, credit bands. Each case
quotes the seed line it comes from, and the text the guide must contain (in the section named, if
one is given: the three tiers of a plan share the same rows)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from escalade.guide.build import build
from escalade.guide.document import markdown
from escalade.policy import load_policy

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"

# (seed line, section title or "", text the guide says)
MIRRORED_STORAGE = [
    ("Hours: 8×5", "Plans and support hours", "| Basic | Monday–Friday 08:00–18:00"),
    ("Support available during business hours (8am-6pm M-F)", "Plans and support hours",
     "| Standard | Monday–Friday 08:00–18:00"),
    ("Billing Questions: … Hours: Monday-Friday, 8am-5pm", "How to contact support",
     "| Billing | billing@example.com | Monday–Friday 08:00–17:00"),
    ("When to Escalate: If Level 1 cannot resolve within 50% of SLA window", "What escalates by itself",
     "When 50% of the time to the first-response target has passed and the ticket is unresolved (levels L1)"),
    ("Response within 1 hour for true emergencies", "Outside support hours",
     "| Standard | P1 (Critical) handled; response within 1 hour, around the clock"),
    ("Dedicated emergency line with guaranteed 30-minute response", "Outside support hours",
     "| Premium | every priority handled; response within 30 minutes, around the clock"),
    ("Basic Tier: P1 (Critical): 4 business hours", "Basic plan", "| P1 (Critical) | 4 business hours |"),
    ("Basic Tier: P2 (High): 8 business hours", "Basic plan", "| P2 (High) | 8 business hours |"),
    ("Basic Tier: P3 (Medium): 24 business hours", "Basic plan", "| P3 (Medium) | 24 business hours |"),
    ("Basic Tier: P4 (Low): 48 business hours", "Basic plan", "| P4 (Low) | 48 business hours |"),
    ("Standard Tier: P1 (Critical): 1 hour, 24×7", "Standard plan", "| P1 (Critical) | 1 hour, 24×7 |"),
    ("Standard Tier: P2 (High): 4 business hours", "Standard plan", "| P2 (High) | 4 business hours |"),
    ("Standard Tier: P3 (Medium): 8 business hours", "Standard plan", "| P3 (Medium) | 8 business hours |"),
    ("Standard Tier: P4 (Low): 24 business hours", "Standard plan", "| P4 (Low) | 24 business hours |"),
    ("Premium Tier: P1 (Critical): 30 minutes, 24×7", "Premium plan", "| P1 (Critical) | 30 minutes, 24×7 |"),
    ("Premium Tier: P2 (High): 2 hours, 24×7", "Premium plan", "| P2 (High) | 2 hours, 24×7 |"),
    ("Premium Tier: P3 (Medium): 4 business hours", "Premium plan", "| P3 (Medium) | 4 business hours |"),
    ("Premium Tier: P4 (Low): 8 business hours", "Premium plan", "| P4 (Low) | 8 business hours |"),
    ("Level 4: Account Manager / Virtual CIO", "The escalation path", "| L4: Account Manager / Virtual CIO |"),
]

IONE_TECH = [
    ("Critical Issues: Respond within 1 hour.", "Standard plan", "| P1 (Critical) | 1 hour (support hours) |"),
    ("High-Priority Issues: Respond within 4 hours.", "Standard plan", "| P2 (High) | 4 hours (support hours) |"),
    ("Medium-Priority Issues: Respond within 24 hours.", "Standard plan",
     "| P3 (Medium) | 24 hours (support hours) |"),
    ("Low-Priority Issues: Respond within 48 hours.", "Standard plan", "| P4 (Low) | 48 hours (support hours) |"),
    ("Monday to Friday: 8:00 AM to 6:00 PM (local time).", "Plans and support hours",
     "| Standard | Monday–Friday 08:00–18:00 Asia/Phnom_Penh"),
    ("Tier 3: Involve senior engineers or management.", "The escalation path",
     "| L3: Tier 3 - Senior engineers or management |"),
]

MYCORP = [
    ("Support is available around the clock (24 x 365)", "Plans and support hours",
     "| Partner support | around the clock, 24×7 |"),
    ("Should the support team exceed a two-hour window before working a Severity 1 case, the VP of Operations "
     "is automatically paged", "What escalates by itself",
     "When a ticket at SEV1 is not worked within 2 hours | page the VP of Operations"),
    ("Customers get hourly status on any open Severity 1 cases", "Partner support plan",
     "| SEV1 (Urgent) | 2 hours, 24×7 | 1 hour, 24×7 |"),
    ("MyCorp support responds to Severity 2 cases within 24 hours", "Partner support plan",
     "| SEV2 (Medium) | 24 hours, 24×7 |"),
    ("MyCorp support responds to these cases within 48 hours", "Partner support plan",
     "| SEV3 (Low) | 48 hours, 24×7 |"),
    ("MyCorp checks the health of each MyCorpServer every 15 minutes", "Monitoring",
     "We check each monitored system every 15 minutes."),
    ("looks for 10 or more failed status requests in sequence. Should this happen, a Severity 1 case is "
     "immediately opened", "Monitoring", "After 10 failed checks in sequence we open a SEV1 (Urgent) ticket"),
    ("provide hourly updates if the situation persists beyond 2 hours", "Monitoring",
     "If the situation persists beyond 2 hours, you get an update every 1 hour"),
]

ZYNSTRA = [
    ("having attempted to do so within one working day on more than one occasion", "Raising a concern",
     "| Step 2 | the Head of Support | Pat Example, head-of-support@example.com, +44 7700 900101 | after 1 working "
     "day without progress or after 2 unanswered attempts to reach them (more than one occasion) |"),
    ("having attempted to do so on more than one occasion over a period of one working day", "Raising a concern",
     "| Step 3 | the Vice President of Customer Success | Robin Example, vp-success@example.com, +44 7700 900102 "
     "| after 1 working day without progress or after 2 unanswered attempts"),
    ("they may alternatively contact our Chief Operations Architect", "Raising a concern",
     "| Step 4 | the Chief Operations Architect |"),
]

VIOE = [
    ("| Standard | Business hours | Monday-Friday, 9 AM - 6 PM (customer timezone) |", "Plans and support hours",
     "| Standard | Monday–Friday 09:00–18:00 (your local time), closed on your public holidays |"),
    ("| Extended | Extended hours | Monday-Friday, 6 AM - 9 PM (customer timezone) |", "Plans and support hours",
     "| Extended | Monday–Friday 06:00–21:00 (your local time), closed on your public holidays |"),
    ("| Premium | 24x7 | Around-the-clock coverage |", "Plans and support hours",
     "| Premium | around the clock, 24×7 |"),
    ("**Resolution Target:** 60% of issues resolved at Tier 1", "The escalation path",
     "Target: 60% of issues resolved by this level or an earlier one."),
    ("**Resolution Target:** 90% of issues resolved at Tier 1+2", "The escalation path",
     "Target: 90% of issues resolved by this level or an earlier one."),
    ("| **Critical (P1)** | 15 minutes | Every 30 minutes | + | **Critical (P1)** | 4 hours | 8 hours |",
     "Standard plan", "| P1 (Critical) | 15 minutes, 24×7 | 30 minutes, 24×7 | 4 hours, 24×7 | 8 hours, 24×7 |"),
    ("| **High (P2)** | 1 hour | Every 2 hours | + | **High (P2)** | 8 hours | 24 hours |", "Standard plan",
     "| P2 (High) | 1 hour (support hours) | 2 hours (support hours) | 8 hours (support hours) | 24 hours "
     "(support hours) |"),
    ("| **Medium (P3)** | 4 hours | Every business day | + | **Medium (P3)** | 3 business days | 5 business "
     "days |", "Standard plan",
     "| P3 (Medium) | 4 hours (support hours) | 1 business day | 3 business days | 5 business days |"),
    ("| **Low (P4)** | 1 business day | Every 3 business days | + | **Low (P4)** | 10 business days | 15 "
     "business days |", "Standard plan", "| P4 (Low) | 1 business day | 3 business days | 10 business days | "
                                         "15 business days |"),
    ("| **Platform Availability** | 99.9% | Monthly | … | **Measurement** | Health endpoint | 5-minute "
     "intervals |", "Availability", "| Availability | 99.9% | Monthly, from checks every 5 minutes |"),
    ("Scheduled maintenance (with 7+ days notice)", "Availability",
     "| Scheduled downtime | Excluded | With 7+ days notice |"),
    ("| 99.9% - 99.5% | 5% of monthly fee |", "Service credits", "| 99.9% – 99.5% | 5% of the monthly fee |"),
    ("| 99.5% - 99.0% | 10% of monthly fee |", "Service credits", "| 99.5% – 99.0% | 10% of the monthly fee |"),
    ("| Below 99.0% | 25% of monthly fee |", "Service credits", "| Below 99.0% | 25% of the monthly fee |"),
    ("*Credits must be requested within 30 days of incident.*", "Service credits",
     "Credits must be requested within 30 days of the incident."),
    ("- Updates every 30 minutes minimum", "What escalates by itself",
     "When an update is due at P1 | send the customer a status update"),
    ("- Escalation if no progress in 1 hour", "What escalates by itself",
     "When an emergency makes no progress for 1 hour | escalate to the next level"),
    ("| Root cause analysis | Within 72 hours |", "Reviews and surveys", "Root cause analysis within 72 hours"),
    ("| Post-incident report | Within 1 week |", "Reviews and surveys", "Post-incident report within 1 week"),
    ("| Preventive measures | Within 2 weeks |", "Reviews and surveys", "Preventive measures within 2 weeks"),
]

CASES = [(policy, *case) for policy, cases in (("mirrored-storage", MIRRORED_STORAGE), ("ione-tech", IONE_TECH),
                                               ("mycorp", MYCORP), ("zynstra", ZYNSTRA), ("vioe", VIOE))
         for case in cases]


def section(text: str, title: str) -> str:
    """The part of the Markdown guide under the heading that starts with `title`, up to the next heading."""
    if not title:
        return text
    match = re.search(rf"^#+ [\d.]* ?{re.escape(title)}.*?$(.*?)(?=^#|\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"no section {title!r} in the guide"
    return match[1]


_guides: dict[str, str] = {}


def guide(policy: str) -> str:
    if policy not in _guides:
        _guides[policy] = markdown(build(load_policy(EXAMPLES / f"{policy}.yaml")))
    return _guides[policy]


@pytest.mark.parametrize(("policy", "seed_line", "where", "says"), CASES,
                         ids=[f"{c[0]}-{n}" for n, c in enumerate(CASES)])
def test_the_guide_states_the_number_of_its_seed(policy, seed_line, where, says):
    assert says in section(guide(policy), where), f"{policy}: {seed_line!r} should read {says!r}"


@pytest.mark.parametrize("policy", ["mirrored-storage", "ione-tech", "mycorp", "zynstra", "vioe"])
def test_the_guide_has_the_sections_of_a_support_and_escalation_guide(policy):
    text = guide(policy)
    titles = re.findall(r"^## \d+\. (.+)$", text, re.MULTILINE)
    assert titles[:4] == ["Support overview", "How to contact support", "Emergencies", "Priorities"] or \
        titles[:3] == ["Support overview", "How to contact support", "Priorities"]
    for title in ("Response and resolution targets", "Escalation", "Maintenance, availability and credits",
                  "Your responsibilities", "Reviews and surveys"):
        assert title in titles
