from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "escalade.audit"
    label = "audit"
    verbose_name = "Audit trail"
