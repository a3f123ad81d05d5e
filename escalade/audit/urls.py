"""Public audit-log URLs, included at the site root: /audit/checkpoint, /audit/consistency and
/audit/verifier.py."""

from django.urls import path

from escalade.audit import views

app_name = "audit"
urlpatterns = [
    path("audit/checkpoint", views.checkpoint, name="checkpoint"),
    path("audit/consistency", views.consistency, name="consistency"),
    path("audit/verifier.py", views.verifier_source, name="verifier"),
]
