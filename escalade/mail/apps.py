from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "escalade.mail"
    label = "mail"
    verbose_name = _("Email channel")

    def ready(self) -> None:
        from escalade.mail import outbound
        from escalade.notifications.outbox import register_renderer
        from escalade.tickets.lifecycle import ticket_changed

        register_renderer(outbound.ACKNOWLEDGEMENT, outbound.render_acknowledgement, outbound.render_acknowledgements)
        # Every public agent reply goes to the requester by email.
        ticket_changed.connect(outbound.on_ticket_changed, dispatch_uid="escalade.mail.outbound")
