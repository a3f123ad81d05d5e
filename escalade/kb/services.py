"""One write function per knowledge-base action. Each checks permission first (only the vendor's
agents and admins write), validates with errors that name the field, then acts inside a
transaction and records the change in the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import DomainError, PermissionDenied
from escalade.kb.models import Article, Category, IssueStatus, Kind, State, Visibility
from escalade.kb.selectors import may_write
from escalade.orgs.access import Viewer
from escalade.orgs.models import Organisation

# Paths under /kb/ that are pages, not articles.
RESERVED_SLUGS = frozenset({"suggest", "new", "search"})
EDITABLE = ("title", "body", "category", "kind", "issue_status", "visibility", "organisations")
TITLE_MAX = Article._meta.get_field("title").max_length


def _require_writer(viewer: Viewer, what: str) -> None:
    if not may_write(viewer):
        raise PermissionDenied(_("Only the vendor's agents can %(what)s.") % {"what": what})


def _unique_slug(text: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(text)[:180].strip("-") or "article"
    slug, n = base, 1
    taken = Article.objects.exclude(pk=exclude_pk)
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _snapshot(article: Article) -> dict:
    data = {f: getattr(article, f) for f in ("title", "slug", "body", "kind", "issue_status", "visibility", "state")}
    data["category"] = article.category_id
    data["organisations"] = sorted(o.pk for o in article.organisations.all()) if article.pk else []
    return data


def _validate(*, title: str, kind: str, issue_status: str, visibility: str,
              organisations: list[Organisation]) -> None:
    if not title.strip():
        raise DomainError(_("Give the article a title."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(_("Keep the title under %(limit)s characters.") % {"limit": TITLE_MAX}, field="title")
    if kind not in Kind.values:
        raise DomainError(_("Unknown kind %(kind)r; choose article or known issue.") % {"kind": kind}, field="kind")
    if visibility not in Visibility.values:
        raise DomainError(_("Unknown visibility %(visibility)r.") % {"visibility": visibility}, field="visibility")
    if issue_status not in IssueStatus.values:
        raise DomainError(_("Unknown known-issue status %(issue_status)r.") % {
            "issue_status": issue_status}, field="issue_status")
    if kind == Kind.KNOWN_ISSUE and not issue_status:
        raise DomainError(_("Say where the known issue stands: investigating, workaround available or fixed."),
                          field="issue_status")
    if visibility == Visibility.PUBLIC and organisations:
        raise DomainError(_("A public article is for everyone: clear the organisations, or make it visible to "
                            "signed-in customers only."), field="organisations")


@transaction.atomic
def create_category(viewer: Viewer, *, name: str, order: int = 0, slug: str = "") -> Category:
    _require_writer(viewer, _("create categories of knowledge-base articles"))
    name = name.strip()
    if not name:
        raise DomainError(_("Give the category a name."), field="name")
    if Category.objects.filter(name__iexact=name).exists():
        raise DomainError(_("There is already a category called %(name)r.") % {"name": name}, field="name")
    category = Category.objects.create(name=name, slug=slug or slugify(name) or "category", order=order)
    record(actor=viewer.label, actor_user=viewer.user, action="kb.category_created", obj=category,
           after={"name": category.name, "slug": category.slug, "order": category.order})
    return category


@transaction.atomic
def create_article(viewer: Viewer, *, title: str, body: str = "", category: Category | None = None,
                   kind: str = Kind.ARTICLE, issue_status: str = "", visibility: str = Visibility.CUSTOMERS,
                   organisations: Iterable[Organisation] = (), slug: str = "",
                   at: dt.datetime | None = None) -> Article:
    """A new draft, written by the viewer. It is published separately (`publish_article`)."""
    _require_writer(viewer, _("write knowledge-base articles"))
    organisations = list(organisations)
    if kind == Kind.ARTICLE:
        issue_status = ""
    _validate(title=title, kind=kind, issue_status=issue_status, visibility=visibility, organisations=organisations)
    now = at or clock.now()
    article = Article.objects.create(
        title=title.strip(), slug=_unique_slug(slug or title), body=body, category=category, kind=kind,
        issue_status=issue_status, visibility=visibility, state=State.DRAFT, author=viewer.agent,
        created_at=now, updated_at=now,
    )
    article.organisations.set(organisations)
    record(actor=viewer.label, actor_user=viewer.user, action="kb.article_created", obj=article, at=now,
           after=_snapshot(article))
    return article


@transaction.atomic
def update_article(viewer: Viewer, article: Article, *, at: dt.datetime | None = None, **changes) -> Article:
    """Change any of EDITABLE; the slug (the article's address) stays as it was."""
    _require_writer(viewer, _("edit knowledge-base articles"))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError(_("Unknown article field %(field)r") % {"field": field}, field=field)
    article = Article.objects.select_for_update().get(pk=article.pk)
    before = _snapshot(article)
    organisations = list(changes.pop("organisations", article.organisations.all()))
    for field, value in changes.items():
        setattr(article, field, value.strip() if field == "title" else value)
    if article.kind == Kind.ARTICLE:
        article.issue_status = ""
    _validate(title=article.title, kind=article.kind, issue_status=article.issue_status,
              visibility=article.visibility, organisations=organisations)
    if article.is_published and not article.body.strip():
        raise DomainError(_("A published article needs a body."), field="body")
    article.updated_at = at or clock.now()
    article.save()
    article.organisations.set(organisations)
    after = _snapshot(article)
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        record(actor=viewer.label, actor_user=viewer.user, action="kb.article_updated", obj=article,
               at=article.updated_at, before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return article


@transaction.atomic
def publish_article(viewer: Viewer, article: Article, *, at: dt.datetime | None = None) -> Article:
    """Make a draft readable by its audience. Publishing a published article changes nothing."""
    _require_writer(viewer, _("publish knowledge-base articles"))
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.is_published:
        return article
    if not article.body.strip():
        raise DomainError(_("Write the article before publishing it."), field="body")
    now = at or clock.now()
    article.state, article.published_at, article.updated_at = State.PUBLISHED, now, now
    article.save(update_fields=["state", "published_at", "updated_at"])
    record(actor=viewer.label, actor_user=viewer.user, action="kb.article_published", obj=article, at=now,
           before={"state": State.DRAFT}, after={"state": State.PUBLISHED})
    return article


@transaction.atomic
def unpublish_article(viewer: Viewer, article: Article, *, at: dt.datetime | None = None) -> Article:
    """Take an article back to draft: only writers see it until it is published again."""
    _require_writer(viewer, _("unpublish knowledge-base articles"))
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not article.is_published:
        return article
    now = at or clock.now()
    article.state, article.updated_at = State.DRAFT, now
    article.save(update_fields=["state", "updated_at"])
    record(actor=viewer.label, actor_user=viewer.user, action="kb.article_unpublished", obj=article, at=now,
           before={"state": State.PUBLISHED}, after={"state": State.DRAFT})
    return article
