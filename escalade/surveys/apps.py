from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "escalade.surveys"
    label = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self) -> None:
        from escalade.surveys import invitations
        from escalade.tickets.lifecycle import ticket_changed

        # A ticket that becomes resolved invites its requester to rate the support.
        ticket_changed.connect(invitations.on_ticket_changed, dispatch_uid="escalade.surveys.invitations")
