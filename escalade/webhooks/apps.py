from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "escalade.webhooks"
    label = "webhooks"
    verbose_name = _("Event webhooks")

    def ready(self) -> None:
        from escalade.notifications import channels
        from escalade.tickets.lifecycle import ticket_changed
        from escalade.webhooks import delivery, receivers

        # The outbox delivers rows of the "event" channel through the subscription they belong to.
        channels.register("event", delivery.SubscriptionChannel())
        ticket_changed.connect(receivers.on_ticket_changed, dispatch_uid="escalade.webhooks.receivers")
