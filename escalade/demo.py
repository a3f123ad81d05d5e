"""Demo data: a vendor with four support levels, a partner MSP, three customers, their contacts
and a handful of tickets in every state. Loading twice changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from escalade.orgs.access import Viewer
from escalade.orgs.models import Agent, Contact, Level, Organisation, Partner, Team
from escalade.tickets import services
from escalade.tickets.models import Status, Ticket

ADMIN = ("admin", "admin")
CUSTOMER = ("alice", "alice")
AGENT = ("vera", "vera")

LEVELS = [
    ("L1", "Help desk", 1),
    ("L2", "Technical support", 2),
    ("L3", "Engineering", 3),
    ("L4", "Executive escalation", 4),
]
TEAMS = [("security", "Security"), ("engineering", "Engineering"), ("account-management", "Account management")]


@dataclass
class Logins:
    admin: tuple[str, str] = ADMIN
    customer: tuple[str, str] = CUSTOMER
    agent: tuple[str, str] = AGENT
    # Every demo login by role, for the banner: (role, ((user name, note), …)); password = user name.
    roles: tuple = (
        ("administrator", (("admin", "Django admin too"),)),
        ("support manager", (("max", ""),)),
        ("vendor agents", (("vera", "L1"), ("leo", "L2, L3"), ("sam", "security team"))),
        ("partner agent", (("pat", "Northwind IT"),)),
        ("customers", (("alice", "Acme"), ("bob", "Acme, cannot open tickets"), ("gina", "Globex"))),
    )


def _user(username: str, password: str, **extra):
    users = get_user_model().objects
    user = users.filter(username=username).first()
    if user is None:
        user = users.create_user(username=username, password=password, **extra)
    return user


def apply_policy(path: Path):
    """Apply the demo's policy file (a new version only if it differs from the active one)."""
    from escalade.policy import PolicyInvalid
    from escalade.policy.publish import apply_policy as apply

    try:
        text = path.read_text(encoding="utf-8")
        return apply(text, filename=path.name, actor="demo")[0]
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the policy file: {exc.strerror}") from None
    except PolicyInvalid as exc:
        raise ValueError(f"{path} is not a valid policy:\n" + "\n".join(map(str, exc.errors))) from None


@transaction.atomic
def load(now: dt.datetime) -> Logins:
    """Create the demo world if it is not there yet."""
    _user(ADMIN[0], ADMIN[1], is_staff=True, is_superuser=True, email="admin@escalade.example.com")
    levels = {}
    for key, name, rank in LEVELS:
        levels[key], _ = Level.objects.get_or_create(key=key, defaults={"name": name, "rank": rank})
    teams = {}
    for key, name in TEAMS:
        teams[key], _ = Team.objects.get_or_create(key=key, defaults={"name": name})
    northwind, _ = Partner.objects.get_or_create(slug="northwind-it", defaults={"name": "Northwind IT"})
    acme, _ = Organisation.objects.get_or_create(
        slug="acme", defaults={"name": "Acme Corp", "plan": "standard", "timezone": "Europe/London",
                               "partner": northwind, "email_domains": "acme.example.com",
                               "monthly_fee": 2500, "currency": "GBP"})
    globex, _ = Organisation.objects.get_or_create(
        slug="globex", defaults={"name": "Globex", "plan": "premium", "timezone": "America/New_York",
                                 "email_domains": "globex.example.com", "monthly_fee": 12000, "currency": "USD"})
    Organisation.objects.get_or_create(
        slug="initech", defaults={"name": "Initech", "plan": "extended", "timezone": "Australia/Sydney",
                                  "email_domains": "initech.example.com"})

    def contact(org, username, name, **flags):
        user = _user(username, username, email=f"{username}@{org.email_domains}")
        c, _ = Contact.objects.get_or_create(
            organisation=org, email=f"{username}@{org.email_domains}",
            defaults={"name": name, "user": user, **flags})
        return c

    alice = contact(acme, "alice", "Alice Archer", is_primary=True, is_technical=True,
                    channel_preferences={"P1": ["sms", "phone", "email"], "*": ["email"]})
    contact(acme, "bob", "Bob Baker", can_open_tickets=False)
    gina = contact(globex, "gina", "Gina Gomez", is_primary=True, is_executive=True)

    def agent(username, name, level_keys=(), team_keys=(), partner=None, is_manager=False):
        user = _user(username, username, is_staff=False)
        a, created = Agent.objects.get_or_create(
            user=user, defaults={"name": name, "partner": partner, "is_manager": is_manager})
        if created:
            a.levels.set([levels[k] for k in level_keys])
            a.teams.set([teams[k] for k in team_keys])
        return a

    vera = agent("vera", "Vera Vance", ["L1"])
    leo = agent("leo", "Leo Lang", ["L2", "L3"], ["engineering"])
    agent("sam", "Sam Sato", [], ["security"])
    agent("max", "Max Moreau", is_manager=True)
    agent("pat", "Pat Patel", ["L1", "L2"], partner=northwind)
    for key, manager in (("L1", "max"), ("L2", "max")):
        Level.objects.filter(key=key, manager__isnull=True).update(manager=Agent.objects.get(user__username=manager))

    if not Ticket.objects.exists():
        _tickets(now, alice, gina, vera, leo, levels)
    _knowledge_base(now, vera, globex)
    return Logins()


def _tickets(now, alice, gina, vera, leo, levels) -> None:
    as_alice, as_gina = Viewer.of(alice.user), Viewer.of(gina.user)
    as_vera, as_leo = Viewer.of(vera.user), Viewer.of(leo.user)
    h = dt.timedelta(hours=1)

    t = services.open_ticket(as_alice, organisation=alice.organisation, subject="VPN drops every 10 minutes",
                             description="Since Monday the office VPN disconnects every 10 minutes.",
                             priority="P2", category="performance", affected_users="whole London office",
                             business_impact="Sales team cannot reach the CRM", at=now - 30 * h)
    services.add_message(as_vera, t, body="Thanks Alice, we are looking at the tunnel logs.", at=now - 29 * h)
    services.change_status(as_vera, t, Status.PENDING_CUSTOMER, at=now - 28 * h)

    t = services.open_ticket(as_alice, organisation=alice.organisation, subject="Reset MFA for new starter",
                             description="Please reset MFA for j.doe.", priority="P4", category="access",
                             kind="administration", at=now - 50 * h)
    services.add_message(as_vera, t, body="Done: j.doe can enrol again.", at=now - 49 * h)
    services.change_status(as_vera, t, Status.RESOLVED, resolution_type="fixed", at=now - 49 * h)

    t = services.open_ticket(as_gina, organisation=gina.organisation, subject="Platform unavailable",
                             description="All users get HTTP 503.", priority="P1", category="functionality",
                             channel="emergency_line", business_impact="Operations stopped", at=now - 2 * h)
    services.update_ticket(as_vera, t, level=levels["L3"], assignee=leo,
                           at=now - 2 * h + dt.timedelta(minutes=10))
    services.add_message(as_leo, t, body="Engineering is on it; next update in 30 minutes.", at=now - h)
    services.add_message(as_leo, t, body="Load balancer health checks failing after config push.",
                         internal=True, at=now - h)

    services.open_ticket(as_gina, organisation=gina.organisation, subject="Invoice shows wrong seat count",
                         description="November invoice lists 120 seats; we have 95.", priority="P3",
                         category="business", kind="billing", at=now - 5 * h)


def _knowledge_base(now, author, globex) -> None:
    """Help-centre categories and articles for every audience, including a known issue."""
    from escalade.kb import services as kb
    from escalade.kb.models import Article, Kind, Visibility

    if Article.objects.exists():
        return
    writer = Viewer.of(author.user)
    start = kb.create_category(writer, name="Getting started", order=1)
    network = kb.create_category(writer, name="Network and VPN", order=2)
    accounts = kb.create_category(writer, name="Accounts and access", order=3)
    billing = kb.create_category(writer, name="Billing", order=4)
    articles = [
        dict(title="How to open a ticket and what the priorities mean", category=start, visibility=Visibility.PUBLIC,
             body="Open a ticket from **New ticket** in the portal, or write to support.\n\n"
                  "## Priorities\n- P1: the service is down for everyone\n- P2: a main function fails\n"
                  "- P3: a problem with a workaround\n- P4: a question or a request"),
        dict(title="VPN disconnects every 10 minutes", category=network, kind=Kind.KNOWN_ISSUE,
             issue_status="workaround",
             body="Since VPN client 4.1 some offices lose the tunnel every 10 minutes.\n\n"
                  "## Workaround\n- Install VPN client 4.0 from the downloads page\n"
                  "- Or set `keepalive = 30` in the client settings\n\nA fixed client is in testing."),
        dict(title="Reset multi-factor authentication (MFA) for a colleague", category=accounts,
             body="Your primary contact can ask us to reset MFA. Open a ticket of kind **Administration** "
                  "with the user's email address; we reset it within one business day."),
        dict(title="Forgotten password", category=accounts, visibility=Visibility.PUBLIC,
             body="Use **Forgot password** on the sign-in page. The link in the email works for one hour."),
        dict(title="How seats are counted on your invoice", category=billing, organisations=[globex],
             body="Globex is billed per named user active in the month, counted on the last business day."),
        dict(title="Load balancer health checks: runbook", category=network, visibility=Visibility.INTERNAL,
             body="When every request returns HTTP 503, check the health-check path after a config push.\n\n"
                  "- Roll back the last config push\n- Page L3 engineering if it persists for 15 minutes"),
    ]
    for fields in articles:
        kb.publish_article(writer, kb.create_article(writer, at=now, **fields), at=now)
    kb.create_article(writer, title="VPN client 5.0: what changes", category=network, at=now,
                      body="Draft: release notes for the next VPN client.")
