"""Included at the site root (escalade/urls.py): /healthz, /readyz, /metrics."""

from django.urls import path

from escalade.ops import views

app_name = "ops"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.prometheus, name="metrics"),
]
