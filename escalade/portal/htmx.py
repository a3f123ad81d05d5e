"""Full page and fragments in one template: a decorator picks the block for htmx requests
(the django-htmx-patterns "inline partials" idea, without a template-partials dependency)."""

from __future__ import annotations

import functools

from django.http import HttpResponse
from django.template import RequestContext
from django.template.loader import get_template
from django.template.loader_tags import BlockNode
from django.template.response import TemplateResponse


def render_block(request, template_name: str, block: str, context: dict, status: int = 200) -> HttpResponse:
    """Render only `{% block <block> %}` of `template_name` (context processors included)."""
    template = get_template(template_name).template
    ctx = RequestContext(request, context)
    with ctx.bind_template(template):
        for node in template.nodelist.get_nodes_by_type(BlockNode):
            if node.name == block:
                return HttpResponse(node.render(ctx), status=status)
    raise LookupError(f"{template_name} has no block {block!r}")


def htmx_block(block: str):
    """For an htmx request (HX-Request header), answer a view's TemplateResponse with one block."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if request.headers.get("HX-Request") and isinstance(response, TemplateResponse):
                return render_block(request, response.template_name, block, response.context_data or {},
                                    status=response.status_code)
            return response

        return wrapper

    return decorator
