"""Pages are rendered in the reader's own time zone (escalade.orgs.zones): every `{{ …|when }}` and
`{{ …|date }}` of a template shows it. The API answers in UTC and is left alone. A reader who chose a
language (escalade.orgs.languages) reads every page in it, whatever the browser asks for."""

from __future__ import annotations

from django.utils import timezone

from escalade.orgs.languages import speak_their_language
from escalade.orgs.zones import time_zone


class PersonTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or user is None or not user.is_authenticated:
            return self.get_response(request)
        viewer = speak_their_language(request, user)
        with timezone.override(time_zone(viewer)):
            return self.get_response(request)
