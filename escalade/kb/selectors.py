"""Reading the knowledge base, always through the viewer's scope.

Who reads what (published articles; drafts only for writers):

- anyone, signed in or not: public articles not limited to organisations;
- a customer contact: also "customers" articles, and articles limited to their organisation;
- a partner agent: also internal articles, and articles limited to an organisation the partner serves;
- a vendor agent or an admin: everything, drafts included when asked for (they write the articles).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from escalade.errors import NotFound
from escalade.kb.models import Article, Category, State, Visibility
from escalade.kb.search import ranked
from escalade.orgs.access import Viewer

# Words too common to say anything about what a customer is looking for.
STOP_WORDS = frozenset(
    """a an and are as at be but by can cannot could do does doesn don for from has have how i if in
    into is it its me my no not of on or our please so that the their them there this to us was we
    were what when where which why will with won you your every few some any very""".split()
)
MAX_WORDS = 8
MAX_CANDIDATES = 200
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


def may_write(viewer: Viewer) -> bool:
    """The vendor's agents and admins write, edit and publish articles."""
    return viewer.kind in ("admin", "vendor_agent")


def _restricted():
    return Exists(Article.organisations.through.objects.filter(article_id=OuterRef("pk")))


def _restricted_to(organisation_ids) -> Exists:
    return Exists(Article.organisations.through.objects.filter(
        article_id=OuterRef("pk"), organisation_id__in=organisation_ids))


def scope_filter(viewer: Viewer) -> Q:
    """A Q on Article keeping what this viewer may read once published."""
    if may_write(viewer):
        return Q()
    if viewer.kind == "customer":
        return Q(visibility__in=[Visibility.PUBLIC, Visibility.CUSTOMERS]) & (
            ~Q(_restricted()) | Q(_restricted_to([viewer.contact.organisation_id])))
    if viewer.kind == "partner_agent":
        served = viewer.organisations().values("pk")
        return ~Q(_restricted()) | Q(_restricted_to(served))
    # Signed out, or signed in as neither contact nor agent.
    return Q(visibility=Visibility.PUBLIC) & ~Q(_restricted())


def visible_articles(viewer: Viewer, *, include_drafts: bool = False) -> QuerySet[Article]:
    """The articles this viewer may read, by title. Drafts only for writers who ask for them."""
    articles = Article.objects.filter(scope_filter(viewer)).select_related("category", "author")
    if not (include_drafts and may_write(viewer)):
        articles = articles.filter(state=State.PUBLISHED)
    return articles.order_by("title")


def get_article(viewer: Viewer, slug: str) -> Article:
    """The article with this slug if the viewer may read it (writers also see drafts, to preview
    them); NotFound otherwise, whether it does not exist or is not for this viewer."""
    article = visible_articles(viewer, include_drafts=True).filter(slug=slug).first()
    if article is None:
        raise NotFound(_("No such article in the help centre"))
    return article


def categories_with_articles(viewer: Viewer, articles: QuerySet[Article] | None = None) -> list[tuple]:
    """[(category or None, [articles])] in the categories' order; empty categories left out,
    uncategorised articles last."""
    articles = list(articles if articles is not None else visible_articles(viewer))
    by_category: dict[int | None, list[Article]] = {}
    for article in articles:
        by_category.setdefault(article.category_id, []).append(article)
    groups = [(c, by_category[c.pk]) for c in Category.objects.filter(pk__in=by_category.keys())]
    if None in by_category:
        groups.append((None, by_category[None]))
    return groups


def words(text: str) -> list[str]:
    """The distinct, meaningful words of a query, lower-cased, in order (at most MAX_WORDS)."""
    seen: list[str] = []
    for word in _WORD.findall((text or "").casefold()):
        word = word.replace("’", "'")
        if (len(word) < 2 and not word.isdigit()) or word in STOP_WORDS or word in seen:
            continue
        seen.append(word)
    return seen[:MAX_WORDS]


@dataclass(frozen=True)
class Hit:
    article: Article
    rank: float  # the database's relevance: higher is better (kb/search.py)


def search(viewer: Viewer, query: str, *, limit: int | None = None) -> list[Hit]:
    """Published articles the viewer may read that contain words of `query`, most relevant first
    (full-text search in the database: kb/search.py). A word matches the start of a word ("print"
    finds "printer"); words in the title count more than in the body; known issues a little more
    than articles; equal ranks put the most recently updated first."""
    terms = words(query)
    if not terms:
        return []
    found = ranked(visible_articles(viewer), terms)
    found = found[:limit] if limit else found[:MAX_CANDIDATES]
    return [Hit(article, article.relevance) for article in found]


def suggest(viewer: Viewer, subject: str, limit: int = 5) -> list[Article]:
    """Articles and known issues that may answer a ticket whose subject is being typed."""
    return [hit.article for hit in search(viewer, subject, limit=limit)]
