"""Every person's time zone: an agent's or a contact's own setting; a contact without one follows
the organisation; anyone else (and a zone that no longer exists) the site's (settings.TIME_ZONE)."""

from __future__ import annotations

import zoneinfo

from django.conf import settings


def time_zone_name(viewer) -> str:
    """The IANA name of the zone `viewer` (an orgs.access.Viewer) reads times in."""
    if viewer.contact is not None:
        name = viewer.contact.timezone or viewer.contact.organisation.timezone
    elif viewer.agent is not None:
        name = viewer.agent.timezone
    else:
        name = ""
    name = name or settings.TIME_ZONE
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return settings.TIME_ZONE
    return name


def time_zone(viewer) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(time_zone_name(viewer))
