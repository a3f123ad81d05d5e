"""The API of tags, macros and bulk actions: agents only, scoped, ETags, and per-ticket results."""

from __future__ import annotations

from escalade.macros import services as macros
from escalade.orgs.access import Viewer
from escalade.tickets import services, tags
from escalade.tickets.models import Message, Status
from tests import factories as f
from tests.api.conftest import url


def test_agent_adds_and_removes_tags_and_reads_them_on_the_ticket(world, as_):
    vera = as_(world.vera, token=True)

    response = vera.post(url(world.acme_ticket, "/tags"), {"add": [" VPN ", "Outage"]})
    assert response.status_code == 200, response.json()
    assert response.json()["tags"] == ["outage", "vpn"]
    assert response["ETag"] == '"2"'
    response = vera.post(url(world.acme_ticket, "/tags"), {"remove": ["outage"]})
    assert response.json()["tags"] == ["vpn"]

    assert vera.get(url(world.acme_ticket)).json()["tags"] == ["vpn"]


def test_a_stale_if_match_on_a_tag_change_is_412(world, as_):
    tags.add_tags(Viewer.system("test"), world.acme_ticket, ["vpn"])
    vera = as_(world.vera, token=True)
    vera.headers["If-Match"] = '"1"'

    response = vera.post(url(world.acme_ticket, "/tags"), {"add": ["x"]})

    assert response.status_code == 412
    assert response.json()["code"] == "ticket_changed"


def test_customers_never_see_tags_cannot_set_them_nor_filter_by_them(world, as_):
    tags.add_tags(Viewer.system("test"), world.acme_ticket, ["difficult customer"])
    alice = as_(world.alice, token=True)

    assert alice.get(url(world.acme_ticket)).json()["tags"] is None
    assert all(t["tags"] is None for t in alice.get("/api/tickets").json()["items"])
    assert alice.post(url(world.acme_ticket, "/tags"), {"add": ["fine"]}).status_code == 403
    response = alice.get("/api/tickets", {"tag": "difficult customer"})
    assert response.status_code == 403
    assert "tag" in response.json()["fields"]
    assert tags.tag_names(world.acme_ticket) == ["difficult customer"]


def test_an_agent_of_another_partner_gets_404_for_the_tags_of_a_ticket_they_cannot_see(world, as_):
    response = as_(world.oscar, token=True).post(url(world.acme_ticket, "/tags"), {"add": ["x"]})

    assert response.status_code == 404
    assert tags.tag_names(world.acme_ticket) == []


def test_the_ticket_list_filters_by_tag(world, as_):
    tags.add_tags(Viewer.system("test"), world.globex_ticket, ["billing"])

    response = as_(world.max, token=True).get("/api/tickets", {"tag": "Billing"})

    assert [t["number"] for t in response.json()["items"]] == [world.globex_ticket.number]
    assert response.json()["items"][0]["tags"] == ["billing"]


def test_bad_tags_are_a_field_error_not_a_500(world, as_):
    vera = as_(world.vera, token=True)

    assert vera.post(url(world.acme_ticket, "/tags"), {"add": [""]}).status_code == 400
    assert vera.post(url(world.acme_ticket, "/tags"), {"add": "vpn"}).status_code == 422
    assert vera.post(url(world.acme_ticket, "/tags"), {"add": ["x" * 500]}).status_code == 422
    assert vera.post(url(world.acme_ticket, "/tags"), {"add": ["a\x00b"]}).status_code in (400, 422)


def test_agent_lists_the_macros_they_may_use(world, as_):
    mine = macros.save_macro(Viewer.of(world.vera.user), name="Mine", body="Hi {{ customer.name }}")
    macros.save_macro(Viewer.of(world.leo.user), name="Leo's", body="Yo")
    shared = macros.save_macro(Viewer.of(world.max.user), name="All", body="Hello", shared=True,
                               set_status="pending_customer")

    response = as_(world.vera, token=True).get("/api/macros")

    assert response.status_code == 200
    assert [(m["id"], m["scope"]) for m in response.json()] == [(shared.pk, "shared"), (mine.pk, "personal")]
    assert as_(world.alice, token=True).get("/api/macros").status_code == 403


def test_agent_previews_then_applies_a_macro_with_a_placeholder(world, as_):
    macro = macros.save_macro(Viewer.of(world.vera.user), name="Ack", body="Dear {{ customer.name }}, "
                              "{{ ticket.number }} is ours.", set_status="pending_customer", add_tags="acked")
    vera = as_(world.vera, token=True)
    number = world.acme_ticket.number

    preview = vera.get(f"/api/macros/{macro.pk}/preview", {"ticket": number})
    assert preview.json() == {"text": f"Dear Alice Acme, {number} is ours.", "internal": False,
                              "actions": ["Status → Pending Customer", "Add tags: acked"]}
    assert not Message.objects.exists()

    response = vera.post(f"/api/macros/{macro.pk}/apply", {"ticket": number})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "pending_customer"
    assert response.json()["tags"] == ["acked"]
    assert Message.objects.get().body == f"Dear Alice Acme, {number} is ours."


def test_applying_a_macro_to_a_ticket_that_cannot_take_its_status_is_409_and_nothing_is_posted(world, as_):
    macro = macros.save_macro(Viewer.of(world.vera.user), name="Close", body="Bye", set_status="closed")

    response = as_(world.vera, token=True).post(f"/api/macros/{macro.pk}/apply", {"ticket": world.acme_ticket.number})

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert not Message.objects.exists()


def test_someone_elses_macro_or_an_invisible_ticket_is_404(world, as_):
    macro = macros.save_macro(Viewer.of(world.vera.user), name="Mine", body="Hi")
    shared = macros.save_macro(Viewer.of(world.max.user), name="All", body="Hello", shared=True)

    assert as_(world.pat, token=True).post(f"/api/macros/{macro.pk}/apply",
                                           {"ticket": world.acme_ticket.number}).status_code == 404
    response = as_(world.oscar, token=True).post(f"/api/macros/{shared.pk}/apply",
                                                 {"ticket": world.acme_ticket.number})
    assert response.status_code == 404
    assert "ticket" in response.json()["fields"]
    assert not Message.objects.exists()


def test_bulk_endpoint_reports_each_ticket_changed_or_refused(world, as_):
    second = f.ticket(world.acme, by=world.alice, subject="Second")
    services.change_status(Viewer.system("test"), second, Status.RESOLVED, resolution_type="fixed")
    numbers = [world.acme_ticket.number, second.number, world.initech_ticket.number]

    response = as_(world.pat, token=True).post("/api/tickets/bulk", {"tickets": numbers, "action": "status",
                                                                      "status": "pending_customer"})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["changed"], body["unchanged"], body["refused"]) == (1, 0, 2)
    assert [(r["number"], r["result"]) for r in body["results"]] == [
        (world.acme_ticket.number, "changed"), (second.number, "refused"), (world.initech_ticket.number, "refused")]
    assert body["results"][2]["message"] == f"No ticket {world.initech_ticket.number} that you can see"


def test_bulk_assign_to_me_through_the_api(world, as_):
    response = as_(world.vera, token=True).post("/api/tickets/bulk", {"tickets": [world.acme_ticket.number],
                                                                       "action": "assign", "assignee": "me"})

    assert response.json()["changed"] == 1
    world.acme_ticket.refresh_from_db()
    assert world.acme_ticket.assignee == world.vera


def test_bulk_with_an_unknown_action_or_bad_input_changes_nothing_and_is_not_a_500(world, as_):
    vera = as_(world.vera, token=True)
    number = world.acme_ticket.number

    unknown = vera.post("/api/tickets/bulk", {"tickets": [number], "action": "merge"})
    assert unknown.status_code == 400 and "action" in unknown.json()["fields"]
    assert vera.post("/api/tickets/bulk", {"tickets": [], "action": "status"}).status_code == 422
    assert vera.post("/api/tickets/bulk", {"tickets": [number], "action": "status", "status": "nope"}
                     ).status_code == 400
    assert vera.post("/api/tickets/bulk", {"tickets": [number], "action": "apply_macro", "macro": 2**70}
                     ).status_code == 422
    assert vera.post("/api/tickets/bulk", {"tickets": ["9" * 40], "action": "add_tag", "tag": "x"}
                     ).status_code == 422
    assert as_(world.alice, token=True).post("/api/tickets/bulk", {"tickets": [number], "action": "add_tag",
                                                                    "tag": "x"}).status_code == 403
    world.acme_ticket.refresh_from_db()
    assert world.acme_ticket.version == 1
