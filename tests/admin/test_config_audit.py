"""Configuration changed in the admin becomes audit events: who, when, what, before and after."""

from escalade.audit.models import Event
from escalade.orgs.models import Contact, Organisation
from tests.admin.conftest import form_data

NEW_ORGANISATION = {
    "name": "Umbrella",
    "slug": "umbrella",
    "plan": "gold",
    "timezone": "Europe/Berlin",
    "email_domains": "umbrella.example.com",
    "contacts-TOTAL_FORMS": "1",
    "contacts-INITIAL_FORMS": "0",
    "contacts-MIN_NUM_FORMS": "0",
    "contacts-MAX_NUM_FORMS": "1000",
    "contacts-0-name": "Ursula Umbrella",
    "contacts-0-email": "ursula@umbrella.example.com",
    "contacts-0-can_open_tickets": "on",
    "contacts-0-is_primary": "on",
}


def test_creating_an_organisation_records_who_and_its_fields_then_its_contacts(admin_client, world):
    response = admin_client.post("/admin/orgs/organisation/add/", NEW_ORGANISATION)
    assert response.status_code == 302
    umbrella = Organisation.objects.get(slug="umbrella")

    created = Event.objects.get(action="config.organisation.created")
    assert (created.object_id, created.actor, created.actor_user) == (str(umbrella.pk), "admin", world.admin)
    assert created.before == {}
    assert created.after["plan"] == "gold" and created.after["timezone"] == "Europe/Berlin"
    assert created.at == world.clock.now()

    contact_event = Event.objects.get(action="config.contact.created")
    assert contact_event.after["name"] == "Ursula Umbrella"
    assert contact_event.after["organisation"] == umbrella.pk
    assert contact_event.pk > created.pk


def test_changing_an_organisation_records_only_the_changed_fields(admin_client, world):
    url = f"/admin/orgs/organisation/{world.acme.pk}/change/"
    response = admin_client.post(url, form_data(admin_client.get(url), plan="gold", partner=world.contoso.pk))
    assert response.status_code == 302

    changed = Event.objects.get(action="config.organisation.changed")
    assert changed.before == {"plan": "standard", "partner": world.northwind.pk}
    assert changed.after == {"plan": "gold", "partner": world.contoso.pk}
    assert changed.object_id == str(world.acme.pk)


def test_saving_without_changes_records_nothing(admin_client, world):
    url = f"/admin/orgs/organisation/{world.acme.pk}/change/"
    before = Event.objects.count()
    assert admin_client.post(url, form_data(admin_client.get(url))).status_code == 302
    assert Event.objects.count() == before


def test_changing_and_removing_an_inline_contact_is_recorded(admin_client, world):
    url = f"/admin/orgs/organisation/{world.acme.pk}/change/"
    data = form_data(admin_client.get(url))
    forms = {data[f"contacts-{i}-id"]: i for i in range(int(data["contacts-TOTAL_FORMS"]))}
    alice, bob = forms[world.alice.pk], forms[world.bob.pk]
    data[f"contacts-{bob}-can_open_tickets"] = "on"
    data[f"contacts-{alice}-DELETE"] = "on"
    assert admin_client.post(url, data).status_code == 302

    authorised = Event.objects.get(action="config.contact.changed")
    assert (authorised.before, authorised.after) == ({"can_open_tickets": False}, {"can_open_tickets": True})
    deleted = Event.objects.get(action="config.contact.deleted")
    assert deleted.object_id == str(world.alice.pk)
    assert deleted.before["email"] == world.alice.email and deleted.after == {}
    assert not Contact.objects.filter(pk=world.alice.pk).exists()


def test_editing_an_agents_levels_records_the_many_to_many_change(admin_client, world):
    url = f"/admin/orgs/agent/{world.vera.pk}/change/"
    levels = [world.levels["L1"].pk, world.levels["L2"].pk]
    response = admin_client.post(url, form_data(admin_client.get(url), levels=levels))
    assert response.status_code == 302
    assert set(world.vera.levels.values_list("key", flat=True)) == {"L1", "L2"}

    changed = Event.objects.get(action="config.agent.changed")
    assert changed.before == {"levels": [world.levels["L1"].pk]}
    assert changed.after == {"levels": sorted(levels)}


def test_deleting_a_partner_records_what_it_was(admin_client, world):
    spare = world.northwind.__class__.objects.create(name="Spare IT", slug="spare-it")
    response = admin_client.post(f"/admin/orgs/partner/{spare.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    deleted = Event.objects.get(action="config.partner.deleted")
    assert deleted.object_id == str(spare.pk)
    assert deleted.before == {"id": spare.pk, "name": "Spare IT", "slug": "spare-it"}


def test_bulk_delete_from_the_changelist_records_each_object(admin_client, world):
    spares = [world.northwind.__class__.objects.create(name=f"Spare {i}", slug=f"spare-{i}") for i in range(2)]
    response = admin_client.post("/admin/orgs/partner/", {
        "action": "delete_selected", "_selected_action": [p.pk for p in spares], "post": "yes",
    })
    assert response.status_code == 302
    deleted = Event.objects.filter(action="config.partner.deleted")
    assert sorted(deleted.values_list("object_id", flat=True)) == sorted(str(p.pk) for p in spares)


def test_audit_chain_stays_intact_after_admin_changes(admin_client, world):
    from escalade.audit.verify import verify_log
    from tests.factories import seal_audit_log

    admin_client.post("/admin/orgs/organisation/add/", NEW_ORGANISATION)
    seal_audit_log()
    assert verify_log().ok
