"""The monitoring URLs as escalade/urls.py includes them (until it does)."""

from django.urls import include, path

urlpatterns = [path("", include("escalade.monitoring.urls"))]
