"""The maintenance calendars (RFC 5545): the public feed of maintenance of the whole service and
each organisation's feed behind a secret URL — read back with a strict parser written here."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalade.monitoring import ical
from escalade.monitoring.feeds import calendar_url, reset_calendar_url
from escalade.monitoring.services import add_asset, cancel_maintenance, reschedule_maintenance, schedule_maintenance

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
NAME = re.compile(r"^[A-Z][A-Z0-9-]*$")
UTC_TIME = re.compile(r"^\d{8}T\d{6}Z$")
TEXT_PROPERTIES = {"SUMMARY", "DESCRIPTION", "X-WR-CALNAME", "UID"}


def unescape(value: str) -> str:
    """A TEXT value; refuses what RFC 5545 3.3.11 does not allow unescaped (`;` `,`) or escaped."""
    out, i = [], 0
    while i < len(value):
        char = value[i]
        if char == "\\":
            following = value[i + 1:i + 2]
            assert following in ("\\", ";", ",", "n", "N"), f"bad escape \\{following} in {value!r}"
            out.append("\n" if following in "nN" else following)
            i += 2
            continue
        assert char not in ";,", f"unescaped {char!r} in {value!r}"
        out.append(char)
        i += 1
    return "".join(out)


def parse(data: bytes) -> dict:
    """Strictly parse an iCalendar object: CRLF line ends only, physical lines of at most 75
    octets that decode as UTF-8 on their own, folds of one leading space, names without
    parameters, balanced BEGIN/END. Returns {"props": {...}, "components": [...]} trees with
    each property's values as a list."""
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
    logical: list[str] = []
    for raw in data[:-2].split(b"\r\n"):
        assert len(raw) <= 75, f"line of {len(raw)} octets: {raw!r}"
        text = raw.decode("utf-8")  # a fold inside a UTF-8 character fails here
        if text.startswith((" ", "\t")):
            assert logical, "a continuation line first"
            logical[-1] += text[1:]
        else:
            logical.append(text)
    root = {"name": None, "props": {}, "components": []}
    stack = [root]
    for line in logical:
        name, sep, value = line.partition(":")
        assert sep and NAME.match(name), f"bad content line {line!r}"
        if name == "BEGIN":
            component = {"name": value, "props": {}, "components": []}
            stack[-1]["components"].append(component)
            stack.append(component)
        elif name == "END":
            assert stack[-1]["name"] == value, f"END:{value} closes {stack[-1]['name']}"
            stack.pop()
        else:
            stack[-1]["props"].setdefault(name, []).append(unescape(value) if name in TEXT_PROPERTIES else value)
    assert stack == [root] and len(root["components"]) == 1
    calendar = root["components"][0]
    assert calendar["name"] == "VCALENDAR"
    assert calendar["props"]["VERSION"] == ["2.0"] and len(calendar["props"]["PRODID"]) == 1
    for event in calendar["components"]:
        assert event["name"] == "VEVENT"
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "STATUS", "SUMMARY"):
            assert len(event["props"].get(required, [])) == 1, f"{required} once in every event"
        for stamp in ("DTSTAMP", "DTSTART", "DTEND"):
            assert UTC_TIME.match(event["props"][stamp][0])
        assert event["props"]["DTSTART"][0] < event["props"]["DTEND"][0]
    return calendar


def events(calendar: dict) -> dict[str, dict[str, str]]:
    return {e["props"]["UID"][0]: {k: v[0] for k, v in e["props"].items()} for e in calendar["components"]}



@pytest.fixture
def windows(world, vioe):
    now = world.clock.now()
    service = schedule_maintenance(starts_at=now + 3 * D, ends_at=now + 3 * D + 2 * H,
                                   reason="Data centre move; core switches, firewalls, storage — "
                                          "Rechenzentrumsumzug für alle Kunden, bitte beachten ✓ \\ done")
    acme = schedule_maintenance(organisation=world.acme, starts_at=now + D, ends_at=now + D + H, reason="Acme DB")
    erp = add_asset(world.globex, name="Globex ERP", kind="http", target="http://127.0.0.1:9/")
    globex = schedule_maintenance(asset=erp, starts_at=now + D, ends_at=now + D + H, reason="Globex ERP patch")
    return service, acme, globex


@pytest.mark.django_db
@pytest.mark.urls("tests.monitoring.urls")
def test_public_feed_lists_maintenance_of_the_whole_service_only(client, windows):
    service, _, _ = windows
    response = client.get("/status/maintenance.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(parse(response.content))
    assert len(found) == 1
    (event,) = found.values()
    assert event["SUMMARY"] == f"Maintenance of the service: {service.reason}"
    assert event["DTSTART"] == "20261126T090000Z" and event["DTEND"] == "20261126T110000Z"
    assert event["DTSTAMP"] == "20261123T090000Z" and event["SEQUENCE"] == "0" and event["STATUS"] == "CONFIRMED"
    assert "Acme" not in response.content.decode() and "Globex" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls("tests.monitoring.urls")
def test_rescheduling_keeps_the_uid_and_bumps_the_sequence_and_cancelling_marks_it_cancelled(world, client, windows):
    service, _, _ = windows
    (uid,) = events(parse(client.get("/status/maintenance.ics").content))
    world.clock.advance(hours=2)
    reschedule_maintenance(service, starts_at=service.starts_at + D, ends_at=service.ends_at + D)
    event = events(parse(client.get("/status/maintenance.ics").content))[uid]
    assert (event["SEQUENCE"], event["DTSTART"], event["DTSTAMP"]) == ("1", "20261127T090000Z", "20261123T110000Z")
    service.refresh_from_db()
    cancel_maintenance(service)
    event = events(parse(client.get("/status/maintenance.ics").content))[uid]
    assert (event["SEQUENCE"], event["STATUS"]) == ("2", "CANCELLED")


@pytest.mark.django_db
@pytest.mark.urls("tests.monitoring.urls")
def test_an_organisations_feed_has_its_own_and_the_services_maintenance_but_no_one_elses(world, client, windows):
    service, acme, globex = windows
    url = calendar_url(world.acme)
    assert url.startswith("http") and url.endswith(".ics")
    path = url.split("://", 1)[1].partition("/")[2]
    summaries = sorted(e["SUMMARY"] for e in events(parse(client.get("/" + path).content)).values())
    assert summaries == ["Maintenance of the service: " + service.reason, "Maintenance of your systems: Acme DB"]
    globex_path = "/" + calendar_url(world.globex).split("://", 1)[1].partition("/")[2]
    globex_summaries = [e["SUMMARY"] for e in events(parse(client.get(globex_path).content)).values()]
    assert "Maintenance of Globex ERP: Globex ERP patch" in globex_summaries
    assert not any("Acme" in s for s in globex_summaries)
    assert calendar_url(world.acme) == url  # one secret per organisation


@pytest.mark.django_db
@pytest.mark.urls("tests.monitoring.urls")
def test_a_wrong_or_replaced_token_is_not_found(world, client, windows):
    old = "/" + calendar_url(world.acme).split("://", 1)[1].partition("/")[2]
    assert client.get("/monitoring/calendar/not-the-token.ics").status_code == 404
    assert client.get(old).status_code == 200
    new = "/" + reset_calendar_url(world.acme).split("://", 1)[1].partition("/")[2]
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_text_is_escaped_and_times_are_written_in_utc():
    assert ical.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    berlin = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert ical.utc(berlin) == "20260701T100000Z"
    with pytest.raises(ValueError, match="no time zone"):
        ical.utc(dt.datetime(2026, 7, 1, 12, 0))  # noqa: DTZ001 (the point of the test)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=300))
def test_folding_keeps_every_line_within_75_octets_and_unfolds_to_the_original(text):
    line = "DESCRIPTION:" + text
    folded = ical.fold(line).encode("utf-8")
    assert folded.endswith(b"\r\n")
    physical = folded[:-2].split(b"\r\n")
    assert all(len(p) <= 75 for p in physical)
    decoded = [p.decode("utf-8") for p in physical]  # never split inside a character
    assert all(p.startswith(" ") for p in decoded[1:])
    assert decoded[0] + "".join(p[1:] for p in decoded[1:]) == line
