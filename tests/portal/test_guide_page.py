"""The portal's Support & Escalation Guide: generated from the active policy, each customer's own
plan marked, downloadable as PDF and Markdown."""

import re
from pathlib import Path

from escalade.policy.publish import apply_policy

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"


def yours(html: str) -> list[str]:
    """The first cell of each row marked as the reader's own."""
    return re.findall(r'<tr class="yours"><td>([^<]*)</td>', html)


def test_a_customer_sees_the_guide_of_the_active_policy_with_their_plan_marked(vioe, client_for):
    vioe.acme.plan = "premium"
    vioe.acme.save()
    html = client_for(vioe.alice).get("/guide/").content.decode()
    assert "<h1>VIOE Support &amp; Escalation</h1>" in html
    assert '<p class="meta">Your plan: Premium</p>' in html
    assert yours(html)[0] == "Premium (your plan)"
    assert "<h3>5.3 Premium plan (your plan)</h3>" in html
    assert "| 99.9% – 99.5% |" not in html and "<td>99.9% – 99.5%</td>" in html


def test_another_customer_sees_their_own_plan_marked_not_the_first_ones(vioe, client_for):
    vioe.acme.plan = "premium"
    vioe.acme.save()
    html = client_for(vioe.gina).get("/guide/").content.decode()
    assert yours(html)[0] == "Standard (your plan)"
    assert "Premium (your plan)" not in html


def test_staff_see_every_plan_alike(vioe, client_for):
    html = client_for(vioe.vera).get("/guide/").content.decode()
    assert yours(html) == [] and "(your plan)" not in html


def test_the_guide_follows_the_policy_when_a_new_version_is_applied(vioe, client_for):
    text = (EXAMPLES / "vioe.yaml").read_text().replace("      first_response: 15 minutes\n",
                                                        "      first_response: 10 minutes\n")
    apply_policy(text, filename="vioe.yaml", actor="test")
    html = client_for(vioe.alice).get("/guide/").content.decode()
    assert "<td>10 minutes, 24×7</td>" in html and "15 minutes, 24×7" not in html
    assert "Policy version 2" in html


def test_the_guide_downloads_as_pdf_and_markdown(vioe, client_for):
    client = client_for(vioe.alice)
    pdf = client.get("/guide/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    md = client.get("/guide/?format=md").content.decode()
    assert md.startswith("# VIOE Support & Escalation\n") and "**Your plan: Standard**" in md


def test_the_guide_needs_a_signed_in_reader(vioe, client):
    response = client.get("/guide/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_without_an_applied_policy_the_page_says_so(world, client_for):
    response = client_for(world.alice).get("/guide/")
    assert response.status_code == 404
    assert "No support policy has been applied yet" in response.content.decode()
