"""Console pages for event webhooks (administrators and partner agents): the subscriptions, a form
to add or change one, each subscription's delivery log, and replaying a delivery. Thin views: parse,
call one function of `escalade.webhooks`, render or redirect. Inbound alert payloads the parser
refused are listed here too, for an agent to see why."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from escalade.errors import DomainError, NotFound, PermissionDenied
from escalade.monitoring.alerts.selectors import recent_alerts
from escalade.orgs.access import Viewer
from escalade.webhooks import selectors, services
from escalade.webhooks.models import EventType, Subscription


class SubscriptionForm(forms.Form):
    name = forms.CharField(max_length=100, label=gettext_lazy("Name"))
    url = forms.URLField(max_length=500, label="URL", assume_scheme="https")
    event_types = forms.MultipleChoiceField(choices=EventType.choices, widget=forms.CheckboxSelectMultiple,
                                            label=gettext_lazy("Events"))
    active = forms.BooleanField(required=False, initial=True, label=gettext_lazy("Active"))


def _forbidden(request, viewer: Viewer, exc: DomainError) -> TemplateResponse:
    return TemplateResponse(request, "portal/forbidden.html", {"viewer": viewer, "message": exc.message},
                            status=403)


def _save(request, viewer: Viewer, form: SubscriptionForm, subscription: Subscription | None):
    data = form.cleaned_data
    try:
        if subscription is None:
            subscription = services.subscribe(viewer, name=data["name"], url=data["url"],
                                              event_types=data["event_types"])
            messages.success(request, _("Subscribed %(name)s. Its signing secret is shown below.")
                             % {"name": subscription.name})
        else:
            services.update_subscription(viewer, subscription, name=data["name"], url=data["url"],
                                         event_types=data["event_types"], active=data["active"])
            messages.success(request, _("Saved %(name)s.") % {"name": subscription.name})
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None
    return redirect("portal:webhook", pk=subscription.pk)


@login_required
def webhooks(request):
    """The list of subscriptions and the form for a new one."""
    viewer = Viewer.of(request.user)
    try:
        subscriptions = list(selectors.visible_subscriptions(viewer))
    except PermissionDenied as exc:
        return _forbidden(request, viewer, exc)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = _save(request, viewer, form, None)
        if response is not None:
            return response
    alerts = recent_alerts(viewer)[:50]
    return TemplateResponse(request, "portal/webhooks.html", {
        "viewer": viewer, "subscriptions": subscriptions, "form": form, "alerts": alerts})


@login_required
def webhook(request, pk: int):
    """One subscription: change it, see its deliveries (newest first), replay one."""
    viewer = Viewer.of(request.user)
    try:
        subscription = selectors.get_subscription(viewer, pk)
        deliveries = list(selectors.delivery_log(viewer, subscription)[:200])
    except PermissionDenied as exc:
        return _forbidden(request, viewer, exc)
    except NotFound as exc:
        raise Http404(exc.message) from None
    initial = {"name": subscription.name, "url": subscription.url, "event_types": subscription.event_types,
               "active": subscription.active}
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = _save(request, viewer, form, subscription)
        if response is not None:
            return response
    return TemplateResponse(request, "portal/webhook_detail.html", {
        "viewer": viewer, "subscription": subscription, "deliveries": deliveries, "form": form})


@login_required
@require_POST
def replay(request, pk: int, delivery_id: int):
    viewer = Viewer.of(request.user)
    try:
        delivery = selectors.get_delivery(viewer, delivery_id)
        if delivery.subscription_id != pk:
            raise NotFound(_("No such delivery of this subscription"))
        services.replay(viewer, delivery)
    except PermissionDenied as exc:
        return _forbidden(request, viewer, exc)
    except NotFound as exc:
        raise Http404(exc.message) from None
    messages.success(request, _("%(event)s will be sent again by the worker's next round.") % {
        "event": delivery.event.type})
    return redirect("portal:webhook", pk=pk)
