"""Public, read-only URLs of the audit log: the latest signed checkpoint, and the proof that it
extends an earlier one. Neither shows any event; a checkpoint is only a size, a root hash and a
signature."""

from __future__ import annotations

from pathlib import Path

from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_http_methods

from escalade.audit import signing
from escalade.audit.export import consistency_proof
from escalade.audit.sequencer import latest_checkpoint
from escalade.errors import DomainError


@require_http_methods(["GET", "HEAD"])
def checkpoint(request) -> JsonResponse:
    """GET /audit/checkpoint: the latest checkpoint with the public key that verifies it."""
    latest = latest_checkpoint()
    if latest is None:
        return JsonResponse({"error": "nothing has been sealed yet"}, status=404)
    return JsonResponse({**latest.as_dict(), "public_key": signing.public_key_text()})


@require_http_methods(["GET", "HEAD"])
def consistency(request) -> JsonResponse:
    """GET /audit/consistency?first=N: the proof that the latest checkpoint's tree extends the tree
    of its first N events (a size an auditor holds a checkpoint of)."""
    try:
        first = int(request.GET.get("first", ""))
    except ValueError:
        return JsonResponse({"error": "give first=N, the tree size of the checkpoint you hold"}, status=400)
    try:
        return JsonResponse(consistency_proof(first))
    except DomainError as exc:
        return JsonResponse({"error": exc.message}, status=400)


@require_http_methods(["GET", "HEAD"])
def verifier_source(request) -> HttpResponse:
    """GET /audit/verifier.py: the offline verifier, as shipped with this installation."""
    source = (Path(__file__).parent / "verifier.py").read_bytes()
    response = HttpResponse(source, content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="verifier.py"'
    return response
