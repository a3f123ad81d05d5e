"""Agent replies honour the customer's channel preferences, on Mirrored Storage's words (shared seed
000, COMMUNICATION PREFERENCES, lines 179–184): "Email updates on ticket progress? Text/SMS for
critical alerts? Phone calls for certain priority levels? Portal notifications only?"."""

from __future__ import annotations

from escalade.notifications.models import OutboxMessage
from escalade.orgs.access import Viewer
from escalade.policy.publish import apply_policy
from escalade.tickets import services
from tests import factories as f
from tests.mail.conftest import ROOT


def use_mirrored_storage(world):
    text = (ROOT / "examples" / "policies" / "mirrored-storage.yaml").read_text()
    apply_policy(text, filename="mirrored-storage.yaml", actor="test")
    world.acme.plan = "premium"
    world.acme.save()
    world.alice.phone = "+1 214 555 0142"
    world.alice.channel_preferences = {"P1": ["sms", "email"], "*": ["email"]}
    world.alice.save()


def reply(world, priority: str):
    ticket = f.ticket(world.acme, by=world.alice, subject="Server room flooded", priority=priority,
                      affected_users="everyone")
    services.add_message(Viewer.of(world.vera.user), ticket, body="An engineer is on the way with a pump.")
    return OutboxMessage.objects.filter(ticket=ticket, kind="reply")


def test_a_reply_on_a_p1_reaches_the_customer_by_sms_as_they_chose(world):
    """000 line 182 "Text/SMS for critical alerts?": Alice chose SMS and email for P1, so the agent's
    reply on her P1 reaches her phone as a short text, and her mailbox threaded as usual."""
    use_mirrored_storage(world)
    rows = reply(world, "P1")
    assert sorted(r.channel for r in rows) == ["email", "sms"]
    sms = rows.get(channel="sms")
    assert sms.recipient == "+1 214 555 0142"
    assert "Vera replied: An engineer is on the way with a pump." in sms.body


def test_a_reply_on_a_p3_goes_by_email_only(world):
    """000 line 181 "Email updates on ticket progress?": below P1 Alice chose email only."""
    use_mirrored_storage(world)
    assert [r.channel for r in reply(world, "P3")] == ["email"]


def test_a_customer_who_follows_in_the_portal_only_gets_no_email(world):
    """000 line 184 "Portal notifications only?": the reply is on the portal, and no message is sent."""
    use_mirrored_storage(world)
    world.alice.channel_preferences = {"*": ["portal"]}
    world.alice.save()
    assert not reply(world, "P3").exists()
