"""VIOE 6.5 Post-Emergency Activities replayed by `escalade simulate`
(examples/scenarios/vioe-p1-resolved-follow-ups.yaml): on resolution the resolution message and the
post-incident review offer go out at once, three follow-up tasks fall due 72 hours, 1 week and
2 weeks later, the one done in time is left alone and the overdue one is escalated once."""

import re
from pathlib import Path

import pytest

from escalade.simulate import run as simulation
from escalade.simulate.scenario import ScenarioError, parse

ROOT = Path(__file__).resolve().parents[2]
RESOLVED = "2026-11-23 11:00Z"


def replay() -> list[tuple[str, str, str]]:
    text = (ROOT / "examples" / "scenarios" / "vioe-p1-resolved-follow-ups.yaml").read_text()
    policy_text = (ROOT / "examples" / "policies" / "vioe.yaml").read_text()
    # ticket numbers depend on the database's sequence: call the one ticket T
    return [(line.at, line.what, re.sub(r"ESC-\d+", "T", line.detail))
            for line in simulation.run(policy_text, "vioe.yaml", parse(text))]


@pytest.mark.django_db
def test_vioe_p1_resolution_sends_the_message_offers_a_review_and_escalates_the_overdue_follow_up_once():
    lines = replay()
    at_resolution = [(what, detail) for at, what, detail in lines if at == RESOLVED]
    assert ("escalation.fired", "rule issue_resolved_communication: resolution_message") in at_resolution
    assert ("escalation.fired", "rule post_emergency_activities: status_update_to_customer, follow_ups") \
        in at_resolution
    messages = [detail for what, detail in at_resolution if what.startswith("notify.")]
    assert [d for d in messages if "Resolved:" in d] == [
        "email to requester <it@acme.example.com>: [T] Resolved: Platform completely unavailable"]
    assert any("Post-incident review for" in d for d in messages)
    assert ("escalation.follow_ups_created", "Root cause analysis due 2026-11-26 11:00Z; Post-incident report due "
            "2026-11-30 11:00Z; Preventive measures due 2026-12-07 11:00Z") in at_resolution
    assert ("2026-11-25 11:00Z", "review_task.done", "status=done") in lines  # the root cause analysis, in time
    overdue = [(at, what, detail) for at, what, detail in lines
               if "follow_up_overdue" in what or "follow_up_overdue" in detail]
    assert overdue == [
        ("2026-11-30 11:00Z", "escalation.fired", "rule follow_up_overdue: follow_up_overdue"),
        ("2026-11-30 11:00Z", "escalation.follow_up_overdue", "Post-incident report due 2026-11-30 11:00Z → "
                                                              "level_manager"),
        ("2026-11-30 11:00Z", "notify.follow_up_overdue", "email to level_manager <manager@vendor.example.com>: "
                                                          "[T] Follow-up overdue: Post-incident report "
                                                          "(P1, Acme)"),
    ]
    assert sum(1 for _, what, _ in lines if what == "notify.resolution") == 1


def test_completing_a_task_the_ticket_does_not_have_is_refused_naming_the_event(db):
    text = (ROOT / "examples" / "scenarios" / "vioe-p1-resolved-follow-ups.yaml").read_text()
    policy_text = (ROOT / "examples" / "policies" / "vioe.yaml").read_text()
    broken = parse(text.replace("task: Root cause analysis", "task: Root cause analysys"))
    with pytest.raises(ScenarioError, match=r"events\[4\]\.complete_task\.task: .* has no task 'Root cause analysys'"):
        simulation.run(policy_text, "vioe.yaml", broken)
