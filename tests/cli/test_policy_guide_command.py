"""`escalade policy guide [FILE] --format md|html|pdf`: the customer-facing guide of a policy file or
of the active policy."""

from pathlib import Path

import pytest

from escalade.cli.main import main
from escalade.policy.publish import apply_policy

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"


def test_guide_of_a_file_as_markdown_with_a_plan_marked(capsysbinary):
    assert main(["policy", "guide", str(EXAMPLES / "mirrored-storage.yaml"), "--plan", "premium"]) == 0
    out = capsysbinary.readouterr().out.decode()
    assert out.startswith("# Mirrored Storage Support & Escalation\n\n## Support & Escalation Guide\n")
    assert f"**Draft from {EXAMPLES / 'mirrored-storage.yaml'}**" in out
    assert "| **P1 (Critical)** | **30 minutes, 24×7** |" in out


def test_guide_as_pdf_to_a_file(tmp_path):
    out = tmp_path / "guide.pdf"
    assert main(["policy", "guide", str(EXAMPLES / "vioe.yaml"), "--format", "pdf", "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def test_guide_of_an_unknown_plan_is_one_line(capsys):
    assert main(["policy", "guide", str(EXAMPLES / "vioe.yaml"), "--plan", "gold"]) == 2
    assert capsys.readouterr().err.strip() == ("escalade: the policy has no plan 'gold'; plans: standard, "
                                               "extended, premium")


@pytest.mark.django_db
def test_guide_without_a_file_is_the_active_policys(tmp_path, clock):
    apply_policy((EXAMPLES / "zynstra.yaml").read_text(), filename="zynstra.yaml", actor="test")
    out = tmp_path / "guide.html"
    assert main(["policy", "guide", "--format", "html", "-o", str(out)]) == 0
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") and "<h1>Zynstra Cloud Managed Server Support</h1>" in html
    assert "Policy version 1, in force since 23 November 2026" in html


@pytest.mark.django_db
def test_guide_without_a_file_or_an_active_policy_is_one_line(capsys):
    assert main(["policy", "guide"]) == 2
    assert "No support policy has been applied yet" in capsys.readouterr().err
