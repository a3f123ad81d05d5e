"""Custom fields and saved views in Chromium: a customer opens a Zynstra fault and must name the
server (an error on the field, then the ticket); an agent filters the ticket list on the server,
chooses columns, saves the list as a view and reopens it. Screenshots: fields-views-*.png."""

from __future__ import annotations

import re

import pytest

from escalade import demo
from escalade.orgs.models import Organisation
from escalade.queueviews.models import SavedView
from escalade.tickets import custom_fields
from escalade.tickets.models import Ticket
from tests.e2e.conftest import PHONE, ROOT, shot

expect = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ZYNSTRA = ROOT / "examples" / "policies" / "zynstra.yaml"


def keep(page, name: str) -> None:
    shot(page, name, docs=True)


@pytest.fixture
def zynstra_site(site):
    demo.apply_policy(ZYNSTRA)
    Organisation.objects.update(plan="cloud_managed_server")
    return site


def test_customer_names_the_server_and_agent_saves_a_view_with_its_column(zynstra_site):
    site = zynstra_site
    page = site.sign_in("alice")
    page.goto("/tickets/new/")
    page.get_by_label("Subject").fill("Cloud server stuck at boot")
    page.get_by_label("Description").fill("The server shows the logo and goes no further since 08:00.")
    page.get_by_label("Category").select_option(label="Perceived fault")
    page.get_by_role("button", name="Open ticket").click()
    server = page.get_by_label("Cloud Managed Server")
    expect(page.locator(".errorlist")).to_contain_text("This field is required.")
    server.scroll_into_view_if_needed()
    keep(page, "fields-views-new-ticket-required")

    server.fill("cms-0042")
    page.get_by_role("button", name="Open ticket").click()
    page.wait_for_url(re.compile(r"/tickets/ESC-\d+/$"))
    ticket = Ticket.objects.get(subject="Cloud server stuck at boot")
    assert custom_fields.values_of(ticket) == {"server": "cms-0042"}
    expect(page.locator('dd[data-field="server"]')).to_have_text("cms-0042")
    assert "Requester's authority validated" not in page.locator("dl.fields").inner_text()  # agents only
    keep(page, "fields-views-ticket-desktop")

    agent = site.sign_in("max")
    agent.goto("/console/tickets/")
    expect(agent.locator("details.list-filters")).to_have_attribute("open", "")  # open without a view
    agent.get_by_role("textbox", name="Cloud Managed Server").fill("cms-0042")
    for column in ("Level", "Assignee"):
        agent.get_by_role("checkbox", name=column, exact=True).uncheck()
    agent.get_by_role("checkbox", name="Cloud Managed Server").check()
    keep(agent, "fields-views-filters-desktop")
    agent.get_by_role("button", name="Show").click()
    table = agent.locator("table.ticket-list")
    expect(table).to_contain_text(ticket.number)
    expect(table.locator("thead")).to_contain_text("Cloud Managed Server")
    assert "Assignee" not in table.locator("thead").inner_text()

    agent.get_by_label("Name").fill("Server cms-0042")
    agent.get_by_role("button", name="Save view").click()
    expect(agent.get_by_role("navigation", name="Saved views")).to_contain_text("Server cms-0042")
    view = SavedView.objects.get(name="Server cms-0042")
    assert view.filters == {"fields": {"server": "cms-0042"}}
    assert "field.server" in view.columns and "assignee" not in view.columns

    agent.goto("/console/")
    agent.get_by_role("link", name="Ticket list and saved views").click()
    agent.get_by_role("navigation", name="Saved views").get_by_role("link", name=re.compile("Server cms-0042")).click()
    expect(agent.locator("table.ticket-list")).to_contain_text("cms-0042")
    assert agent.locator('table.ticket-list tbody td[data-column="number"]').all_inner_texts() == [ticket.number]
    keep(agent, "fields-views-list-desktop")

    phone = site.sign_in("max", viewport=PHONE)
    phone.goto(f"/console/tickets/?view={view.pk}")
    expect(phone.locator("table.ticket-list")).to_contain_text(ticket.number)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the list is {width} px wide on a 390 px phone"
    keep(phone, "fields-views-list-phone")
