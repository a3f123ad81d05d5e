"""The guide of a policy file or of the active policy version, in one of three formats."""

from __future__ import annotations

from django.utils.translation import gettext as _

from escalade.errors import NotFound
from escalade.policy import Policy
from escalade.policy.models import PolicyVersion
from escalade.policy.publish import active_version, policy_of

from . import document, pdf
from .build import build

FORMATS = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def render(policy: Policy, fmt: str, *, plan: str | None = None, version: str = "") -> bytes:
    """The guide of `policy` as `fmt` (md, html or pdf); `plan` is highlighted as the reader's."""
    guide = build(policy, plan=plan, version=version)
    if fmt == "pdf":
        return pdf.render(guide)
    text = document.html_document(guide) if fmt == "html" else document.markdown(guide)
    return text.encode("utf-8")


def describe(version: PolicyVersion) -> str:
    return f"Policy version {version.number}, in force since {version.applied_at:%d %B %Y}"


def active() -> tuple[PolicyVersion, Policy]:
    """The active version and its policy; NotFound when none is applied yet."""
    version = active_version()
    if version is None:
        raise NotFound(_("No support policy has been applied yet (escalade policy apply FILE)."))
    return version, policy_of(version)
