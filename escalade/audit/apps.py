from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "escalade.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from django.contrib import admin

        from escalade.audit.config import audit_every_admin

        # Every admin module has been imported by now (django.contrib.admin comes first in
        # INSTALLED_APPS and discovers them in its ready()).
        audit_every_admin(admin.site)
