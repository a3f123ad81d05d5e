"""Full-text search of the knowledge base, ranked by relevance, in the database itself:

- PostgreSQL: `django.contrib.postgres.search` — the title (weight A) and body (weight B) as an
  English `tsvector`, matched with a prefix `tsquery` of the query's words joined by OR, ranked with
  `ts_rank`. A GIN index on the same expression (kb migration 0002) keeps it fast.
- SQLite: an FTS5 table `kb_article_fts` (porter stemming, diacritics folded), kept in step with
  `kb_article` by triggers (kb migration 0002), ranked with `bm25` (the title counts 10 times the
  body).

Both: a word matches the start of a word ("print" finds "printers", not "reprint"); the more (and
rarer) words an article has, in its title above all, the higher it ranks; a known issue's rank
counts a quarter more (KNOWN_ISSUE_BOOST); equal ranks put the most recently updated first. Only
what `scope` lets through is searched, so an article the viewer may not read never shows, whatever
its rank."""

from __future__ import annotations

import functools
import operator

from django.db import connection
from django.db.models import Case, F, FloatField, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from escalade.kb.models import Article, Kind

CONFIG = "english"
FTS_TABLE = "kb_article_fts"
# bm25 column weights: a word in the title counts ten times one in the body.
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0
# A known issue is what customers are running into now: with about the same matches as an article
# (bm25 also weighs the length of each), it comes first.
KNOWN_ISSUE_BOOST = 1.25


def _term(word: str) -> str:
    """Letters and digits only: no query syntax of either database gets through."""
    return "".join(ch for ch in word if ch.isalnum())


def ranked(scope: QuerySet[Article], words: list[str]) -> QuerySet[Article]:
    """The articles of `scope` matching any of `words` (already lower-cased, stop words removed),
    best first, each annotated with `rank` (the database's, higher is better) and `relevance`
    (the rank with the known-issue boost, what they are ordered by)."""
    terms = [t for t in dict.fromkeys(_term(w) for w in words) if t]
    if not terms:
        return scope.none()
    if connection.vendor == "postgresql":
        found = _postgres(scope, terms)
    else:
        found = _sqlite(scope, terms)
    boost = Case(When(kind=Kind.KNOWN_ISSUE, then=Value(KNOWN_ISSUE_BOOST)), default=Value(1.0),
                 output_field=FloatField())
    return found.annotate(relevance=F("rank") * boost).order_by(F("relevance").desc(), F("updated_at").desc(), "pk")


def _postgres(scope: QuerySet[Article], terms: list[str]) -> QuerySet[Article]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    # The same expression as the GIN index of migration 0002, so the index serves the match.
    document = (SearchVector("title", weight="A", config=CONFIG)
                + SearchVector("body", weight="B", config=CONFIG))
    query = functools.reduce(operator.or_, (SearchQuery(f"{t}:*", search_type="raw", config=CONFIG)
                                            for t in terms))
    return scope.annotate(document=document).filter(document=query).annotate(rank=SearchRank(document, query))


def _sqlite(scope: QuerySet[Article], terms: list[str]) -> QuerySet[Article]:
    match = " OR ".join(f'"{t}"*' for t in terms)
    # bm25 is lower for better matches: negated, higher is better as on PostgreSQL.
    rank = RawSQL(f"SELECT -bm25({FTS_TABLE}, %s, %s) FROM {FTS_TABLE} "  # noqa: S608 (constants only)
                  f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid = kb_article.id",
                  (TITLE_WEIGHT, BODY_WEIGHT, match), output_field=FloatField())
    matching = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (match,))  # noqa: S608
    return scope.filter(pk__in=matching).annotate(rank=rank)
