"""The reader's own settings: the time zone every page shows times in, and the language."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from escalade import clock
from escalade.errors import DomainError
from escalade.orgs.access import Viewer
from escalade.orgs.profile import set_language, set_time_zone
from escalade.orgs.zones import time_zone_name
from escalade.portal.forms import add_domain_error
from escalade.timewords import when


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), required=False)

    def __init__(self, *args, default_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        zones = sorted(zoneinfo.available_timezones())
        self.fields["time_zone"].choices = [("", default_label), *((z, z.replace("_", " ")) for z in zones)]


@login_required
def time_zone(request):
    viewer = Viewer.of(request.user)
    if viewer.contact is None and viewer.agent is None:
        raise Forbidden(_("Only agents and customer contacts have a time zone setting."))
    person = viewer.contact or viewer.agent
    default = (_("My organisation's (%(zone)s)") % {"zone": viewer.contact.organisation.timezone.replace("_", " ")}
               if viewer.contact else _("The site's (UTC)"))
    form = TimeZoneForm(request.POST or None, default_label=default,
                        initial={"time_zone": person.timezone if viewer.contact else person.timezone})
    if request.method == "POST" and form.is_valid():
        try:
            set_time_zone(viewer, form.cleaned_data["time_zone"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your time zone is saved: every time is now shown in it."))
            return redirect("portal:time_zone")
    now_name = time_zone_name(Viewer.of(request.user))
    with timezone.override(zoneinfo.ZoneInfo(now_name)):
        return render(request, "portal/time_zone.html", {
            "viewer": viewer, "form": form, "zone": now_name.replace("_", " "),
            "example": when(clock.now(), now_name)}, status=400 if form.is_bound else 200)


@require_POST
def choose_language(request):
    """The language selector of every page: remembered in the browser (the language cookie) and, for a
    signed-in agent or contact, in their profile, so emails follow too."""
    code = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"
    if code not in dict(settings.LANGUAGES):
        messages.error(request, _("Choose a language from the list."))
        return redirect(next_url)
    if request.user.is_authenticated:
        viewer = Viewer.of(request.user)
        if viewer.contact is not None or viewer.agent is not None:
            set_language(viewer, code)
    response = redirect(next_url)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE,
                        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE)
    return response
