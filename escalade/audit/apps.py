from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "escalade.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from django.contrib import admin

        from escalade.audit.config import audit_every_admin

        # Every admin module has been imported by now (django.contrib.admin comes first in
        # INSTALLED_APPS and discovers them in its ready()).
        audit_every_admin(admin.site)
