"""Pages are rendered in the reader's own time zone (escalade.orgs.zones): every `{{ …|when }}` and
`{{ …|date }}` of a template shows it. The API answers in UTC and is left alone. A reader who chose a
language (escalade.orgs.languages) reads every page in it, whatever the browser asks for."""

from __future__ import annotations

from django.utils import timezone, translation

from escalade.orgs.access import Viewer
from escalade.orgs.languages import language_of
from escalade.orgs.zones import time_zone


class PersonTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or user is None or not user.is_authenticated:
            return self.get_response(request)
        viewer = Viewer.of(user)
        # Keep what was loaded, so the view's own Viewer.of(request.user) asks the database nothing more.
        cache = user._state.fields_cache
        cache.setdefault("agent", viewer.agent)
        if viewer.agent is None:
            cache.setdefault("contact", viewer.contact)
        language = language_of(viewer)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        with timezone.override(time_zone(viewer)):
            return self.get_response(request)
