"""The worker closes unconfirmed resolutions after the days of each ticket's own policy version."""

from pathlib import Path

from escalade.policy.publish import apply_policy
from escalade.tickets.models import Status, Ticket
from escalade.worker.sweeps import close_resolved_tickets

MYCORP = (Path(__file__).resolve().parents[2] / "examples" / "policies" / "mycorp.yaml").read_text()


def _version(days: int):
    text = MYCORP.replace("auto_close_after_days: 7", f"auto_close_after_days: {days}")
    return apply_policy(text, actor="test")[0]


def test_each_ticket_closes_after_its_own_policy_versions_days(world, settings):
    settings.ESCALADE_AUTO_CLOSE_DAYS = 5
    three, ten = _version(3), _version(10)
    tickets = {"three": world.acme_ticket, "ten": world.globex_ticket, "none": world.initech_ticket}
    Ticket.objects.filter(pk=tickets["three"].pk).update(policy_version=three)
    Ticket.objects.filter(pk=tickets["ten"].pk).update(policy_version=ten)
    Ticket.objects.filter(pk=tickets["none"].pk).update(policy_version=None)
    Ticket.objects.filter(pk__in=[t.pk for t in tickets.values()]).update(
        status=Status.RESOLVED, resolved_at=world.clock.now())

    def closed() -> set[str]:
        ids = set(Ticket.objects.filter(status=Status.CLOSED).values_list("pk", flat=True))
        return {name for name, t in tickets.items() if t.pk in ids}

    world.clock.advance(days=4)
    assert close_resolved_tickets(world.clock.now()) == 1
    assert closed() == {"three"}
    world.clock.advance(days=2)
    assert close_resolved_tickets(world.clock.now()) == 1
    assert closed() == {"three", "none"}
    world.clock.advance(days=5)
    assert close_resolved_tickets(world.clock.now()) == 1
    assert closed() == {"three", "none", "ten"}
    assert close_resolved_tickets(world.clock.now()) == 0
