from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin with Escalade's site (escalade/accounts/admin_site.py)."""

    default_site = "escalade.accounts.admin_site.EscaladeAdminSite"
