"""Public monitoring URLs. Include at the site root in escalade/urls.py:
`path("", include("escalade.monitoring.urls"))` → /monitoring/heartbeat/<token> and /status/."""

from django.urls import path

from escalade.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("monitoring/heartbeat/<str:token>", views.heartbeat, name="heartbeat"),
    path("monitoring/alerts/<str:source>/<str:token>", views.alert, name="alert"),
    path("monitoring/alerts/<str:source>", views.alert, name="alert_by_header"),
    path("status/", views.status, name="status"),
    path("status/maintenance.ics", views.maintenance_calendar, name="maintenance_calendar"),
    path("monitoring/calendar/<str:token>.ics", views.organisation_calendar, name="calendar"),
]
