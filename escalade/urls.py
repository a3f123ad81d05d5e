from django.contrib import admin
from django.urls import include, path

from escalade.api.routes import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("escalade.accounts.urls")),  # sign-in, password reset, two-factor, single sign-on
    path("", include("escalade.ops.urls")),
    path("", include("escalade.monitoring.urls")),
    path("", include("escalade.audit.urls")),
    path("", include("escalade.portal.urls")),
]

# An unreachable database is a 503 (JSON under /api/), not a 500.
handler500 = "escalade.ops.guards.server_error"
