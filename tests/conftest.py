"""A test world in which the other side of every boundary always exists:
two partners, customers served by each and one served directly, contacts with and without
authority, vendor agents at different levels, a manager, and an admin."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from escalade.clock import FakeClock, use_clock
from escalade.orgs.models import Level, Team
from tests import factories as f

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # a Monday


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL run skips the tests marked `same_on_every_database` (commands run in their own
    processes on their own SQLite files) and those of the pure business-time package: the SQLite run
    has run exactly the same thing."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="the same on every test database: covered by the SQLite run")
    for item in items:
        # businesstime imports no Django (an import contract): its tests never touch a database.
        if item.get_closest_marker("same_on_every_database") or item.nodeid.startswith("tests/businesstime/"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The world makes a dozen users; the default PBKDF2 makes each take most of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language (English): a request in German leaves German active
    on the thread (LocaleMiddleware activates, nothing deactivates), which would leak into the next
    test's direct calls."""
    from django.utils import translation

    translation.activate("en-gb")
    yield
    translation.activate("en-gb")


@pytest.fixture
def clock():
    with use_clock(FakeClock(START)) as fake:
        yield fake


@pytest.fixture
def world(db, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    levels = {
        key: Level.objects.create(key=key, name=name, rank=rank)
        for rank, (key, name) in enumerate(
            [("L1", "Help desk"), ("L2", "Senior engineer"), ("L3", "Engineering"), ("L4", "Account management")],
            start=1,
        )
    }
    security = Team.objects.create(key="security", name="Security")
    northwind = f.partner("Northwind IT")
    contoso = f.partner("Contoso Networks")
    acme = f.organisation("Acme", partner=northwind)
    initech = f.organisation("Initech", partner=contoso)
    globex = f.organisation("Globex", timezone="America/New_York")
    w = SimpleNamespace(
        clock=clock,
        levels=levels,
        security=security,
        northwind=northwind,
        contoso=contoso,
        acme=acme,
        initech=initech,
        globex=globex,
        alice=f.contact(acme, "Alice Acme", is_primary=True, is_technical=True),
        bob=f.contact(acme, "Bob Acme", can_open_tickets=False),
        gina=f.contact(globex, "Gina Globex", is_primary=True),
        ivan=f.contact(initech, "Ivan Initech", is_primary=True),
        vera=f.agent("Vera", levels=[levels["L1"]]),
        leo=f.agent("Leo", levels=[levels["L3"]]),
        sam=f.agent("Sam", teams=[security]),
        max=f.agent("Max", is_manager=True),
        pat=f.agent("Pat", partner=northwind, levels=[levels["L1"], levels["L2"]]),
        oscar=f.agent("Oscar", partner=contoso, levels=[levels["L1"], levels["L2"]]),
        admin=f.user("admin", is_superuser=True, is_staff=True),
    )
    w.acme_ticket = f.ticket(acme, by=w.alice, subject="Acme VPN down")
    w.globex_ticket = f.ticket(globex, by=w.gina, subject="Globex invoices wrong", category="billing")
    w.initech_ticket = f.ticket(initech, by=w.ivan, subject="Initech TPS reports")
    return w
