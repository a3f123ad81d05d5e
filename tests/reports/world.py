"""A hand-built world for the managers' reports, under the VIOE policy (Standard: Mon–Fri 9–18 in the
customer's zone; P1 around the clock). Every clock below is worked out by hand in `build`'s comments;
the tests check the reports' numbers against them. "Now" is Mon 30 Nov 2026 12:00 UTC."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

from escalade.escalation.models import Firing
from escalade.orgs.access import Viewer
from escalade.policy import load_policy_text
from escalade.policy.publish import apply_policy
from escalade.surveys import nps
from escalade.surveys.services import answer_survey
from escalade.tickets import services
from escalade.tickets.models import Ticket
from tests import factories as f

VIOE_TEXT = (Path(__file__).resolve().parents[2] / "examples" / "policies" / "vioe.yaml").read_text()
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def build(world):
    """Apply VIOE and add the tickets, ratings and NPS answers described in the comments below."""
    apply_policy(VIOE_TEXT, filename="vioe.yaml", actor="test")
    for org, plan in ((world.acme, "standard"), (world.initech, "standard"), (world.globex, "premium")):
        org.plan = plan
        org.save()
    w = world
    w.nina = f.agent("Nina", partner=w.northwind, is_manager=True)  # Northwind's manager: Acme only
    agent = Viewer.of(w.max.user)

    def open_(contact, at, priority, subject):
        w.clock.set(at)
        return services.open_ticket(Viewer.of(contact.user), organisation=contact.organisation, subject=subject,
                                    description="It broke.", priority=priority, at=at)

    def reply(ticket, at):
        w.clock.set(at)
        services.add_message(agent, ticket, body="Looking into it.", at=at)

    def resolve(ticket, at):
        w.clock.set(at)
        services.change_status(agent, ticket, "resolved", resolution_type="fixed", at=at)

    # T0, Acme P3, October (BST = UTC+1): opened Thu 15 Oct 09:00 BST; first response due 13:00 BST
    # (4 business hours), answered 14:30 BST: breached by 1 h 30 min (330 of 240 business minutes).
    # Resolved Fri 16 Oct 10:00 BST: next update (1 business day, due 16 Oct 14:30), resolution
    # target and maximum met.
    w.t0 = open_(w.alice, utc(2026, 10, 15, 8), "P3", "Acme export slow")
    reply(w.t0, utc(2026, 10, 15, 13, 30))
    resolve(w.t0, utc(2026, 10, 16, 9))
    # T1, Acme P2: opened Tue 3 Nov 10:00 GMT; first response due 11:00, answered 12:10 (130 of 60
    # business minutes: breached by 1 h 10 min); a second reply at 14:00 restarts next update (due
    # 16:00); resolved 15:00 (target 8 h: due 18:00): 3 met, 1 breached.
    w.t1 = open_(w.alice, utc(2026, 11, 3, 10), "P2", "Acme invoices missing")
    reply(w.t1, utc(2026, 11, 3, 12, 10))
    reply(w.t1, utc(2026, 11, 3, 14))
    resolve(w.t1, utc(2026, 11, 3, 15))
    # The escalation rule that followed the breach (as the worker's fire() records it).
    Firing.objects.create(ticket=w.t1, rule="first_response_missed", key=f"{w.t1.pk}:first_response_missed:0",
                          at=utc(2026, 11, 3, 11), recorded_at=utc(2026, 11, 3, 11, 1),
                          actions=[{"kind": "escalate", "from_level": "L1", "to_level": "L2"},
                                   {"kind": "notify", "role": "support_manager", "template": "breach"}])
    # T2, Acme P3: opened Mon 9 Nov 09:00, answered 10:00 (60 of 240 minutes); still open.
    w.t2 = open_(w.alice, utc(2026, 11, 9, 9), "P3", "Acme printer queue")
    reply(w.t2, utc(2026, 11, 9, 10))
    # T3, Globex (Premium, New York) P1 on Sat 14 Nov: opened 03:00 UTC, answered 03:10 (10 of 15
    # minutes); next update due 03:40 not given before the resolution at 05:00: breached by 1 h 20 min.
    w.t3 = open_(w.gina, utc(2026, 11, 14, 3), "P1", "Globex site down")
    reply(w.t3, utc(2026, 11, 14, 3, 10))
    resolve(w.t3, utc(2026, 11, 14, 5))
    # T4, Initech (Contoso's customer) P2: opened Wed 18 Nov 09:00, answered 09:30 (30 of 60).
    w.t4 = open_(w.ivan, utc(2026, 11, 18, 9), "P2", "Initech login loop")
    reply(w.t4, utc(2026, 11, 18, 9, 30))
    # T5, Acme P4: opened this morning.
    w.t5 = open_(w.alice, utc(2026, 11, 30, 8), "P4", "Acme new user")
    # The levels they were resolved at; ratings; NPS answers.
    Ticket.objects.filter(pk__in=[w.t0.pk, w.t1.pk]).update(level=w.levels["L1"])
    Ticket.objects.filter(pk=w.t3.pk).update(level=w.levels["L2"])
    answer_survey(Viewer.of(w.alice.user), w.t1, rating=5, at=utc(2026, 11, 4, 9))
    answer_survey(Viewer.of(w.gina.user), w.t3, rating=2, at=utc(2026, 11, 15, 9))
    survey = load_policy_text(VIOE_TEXT).surveys.nps
    for contact, score in ((w.alice, 10), (w.gina, 3), (w.ivan, None)):
        invitation = nps.invite(contact, survey, at=utc(2026, 11, 10, 9))
        if score is not None:
            nps.answer_nps(invitation.token, score=score, at=utc(2026, 11, 11, 9))
    w.clock.set(NOW)
    return SimpleNamespace(**vars(w))
