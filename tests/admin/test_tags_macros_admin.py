"""Tags and macros in the admin: a tag is stored as the console stores it; a macro gets the
console's checks."""

from escalade.macros.models import Macro
from escalade.orgs.access import Viewer
from escalade.tags.models import Tag
from escalade.tickets import tags


def test_a_tag_renamed_in_the_admin_is_normalised_and_a_clash_is_a_form_error(admin_client, world):
    tags.add_tags(Viewer.system("t"), world.acme_ticket, ["vpn", "outage"])
    outage = Tag.objects.get(name="outage")

    assert admin_client.post(f"/admin/tags/tag/{outage.pk}/change/", {"name": "  Network   Outage "}).status_code == 302
    outage.refresh_from_db()
    assert outage.name == "network outage"
    clash = admin_client.post(f"/admin/tags/tag/{outage.pk}/change/", {"name": "VPN"})
    assert clash.status_code == 200 and "already exists" in clash.content.decode()
    assert admin_client.get("/admin/tags/tag/").status_code == 200


def test_a_macro_with_an_unknown_placeholder_is_refused_in_the_admin(admin_client, world):
    response = admin_client.post("/admin/macros/macro/add/", {"name": "Bad", "body": "{{ user.password }}"})

    assert response.status_code == 200 and "Unknown placeholder" in response.content.decode()
    assert admin_client.post("/admin/macros/macro/add/", {"name": "Good", "body": "Hi {{ customer.name }}"}
                             ).status_code == 302
    assert Macro.objects.get().created_by.username == "admin"
    assert admin_client.get("/admin/macros/macro/").status_code == 200
