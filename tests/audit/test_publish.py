"""The latest signed checkpoint goes to an outside auditor at most every ESCALADE_AUDIT_PUBLISH_MINUTES."""

import base64

from escalade.audit.publish import publish_checkpoint
from escalade.audit.verifier import verify_checkpoint
from escalade.notifications.models import OutboxMessage
from escalade.orgs.access import Viewer
from escalade.tickets import services
from tests.factories import seal_audit_log


def test_the_auditor_gets_the_latest_checkpoint_at_most_hourly(world, settings):
    settings.ESCALADE_AUDIT_AUDITOR_EMAIL = "auditor@example.org"
    seal_audit_log()
    assert publish_checkpoint(world.clock.now()) == 1
    message = OutboxMessage.objects.get(kind="audit_checkpoint")
    assert message.recipient == "auditor@example.org" and "escalade audit verify --checkpoint" in message.body
    verify_checkpoint(message.payload, base64.b64decode(message.payload["public_key"]))

    services.add_message(Viewer.of(world.vera.user), world.acme_ticket, body="More")
    seal_audit_log()
    world.clock.advance(minutes=30)
    assert publish_checkpoint(world.clock.now()) == 0
    world.clock.advance(minutes=31)
    assert publish_checkpoint(world.clock.now()) == 1
    sizes = [m.payload["tree_size"] for m in OutboxMessage.objects.filter(kind="audit_checkpoint").order_by("pk")]
    assert sizes[1] > sizes[0]


def test_nothing_is_sent_without_an_auditor(world, settings):
    settings.ESCALADE_AUDIT_AUDITOR_EMAIL = ""
    settings.ESCALADE_AUDIT_AUDITOR_WEBHOOK = ""
    seal_audit_log()
    assert publish_checkpoint(world.clock.now()) == 0
    assert not OutboxMessage.objects.filter(kind="audit_checkpoint").exists()
