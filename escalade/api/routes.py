"""The REST API root: authentication, error shapes, and the routers of each resource.
Mounted at /api/ (escalade/urls.py); schema at /api/openapi.json, browsable docs at /api/docs."""

from ninja import NinjaAPI, Swagger

from escalade.api import bulk, errors, macros, me, organisations, saved_views, tags, tickets
from escalade.api.auth import AUTH

DESCRIPTION = """\
The Escalade support desk over HTTP.

Authenticate with an API token (`Authorization: Bearer esc_…`, issued with
`escalade manage create_api_token USERNAME`) or, from the browser, with your signed-in session
(unsafe methods then need the `X-CSRFToken` header).

Errors are JSON: `{"code": "...", "message": "...", "fields": {"field": ["message", ...]}}`.
"""


class EscaladeAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Short, stable ids (`list_tickets`) for generated clients; handler names are unique.
        return operation.view_func.__name__


api = EscaladeAPI(
    title="Escalade API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # Swagger UI from ninja's own static files (no CDN); no call to the public schema validator.
    docs=Swagger(settings={"validatorUrl": None}),
    auth=AUTH,
)
errors.install(api)
api.add_router("/me", me.router)
api.add_router("/tickets/bulk", bulk.router)  # before /tickets/{number}
api.add_router("/tickets", tickets.router)
api.add_router("/tickets", tags.router)
api.add_router("/macros", macros.router)
api.add_router("/organisations", organisations.router)
api.add_router("/views", saved_views.router)
