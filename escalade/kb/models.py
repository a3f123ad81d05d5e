"""Knowledge base: categories and articles (how-tos and known issues) written by the vendor's agents.

Who may read an article is decided in `selectors.py` from its visibility, its optional list of
organisations and whether it is published; nothing here is scoped.
"""

from __future__ import annotations

from django.db import models
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from escalade.kb.markup import plain_excerpt, render_body
from escalade.orgs.models import Agent, Organisation


class Category(models.Model):
    name = models.CharField(verbose_name=_("name"), max_length=100, unique=True)
    slug = models.SlugField(verbose_name=_("slug"), max_length=100, unique=True)
    order = models.PositiveIntegerField(
        verbose_name=_("order"), default=0, help_text=_("Lower numbers come first in the help centre."),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    ARTICLE = "article", pgettext_lazy("article kind", "Article")
    KNOWN_ISSUE = "known_issue", pgettext_lazy("article kind", "Known issue")


class IssueStatus(models.TextChoices):
    """Where a known issue stands; articles have none."""

    NONE = "", "—"
    INVESTIGATING = "investigating", pgettext_lazy("known issue", "Investigating")
    WORKAROUND = "workaround", pgettext_lazy("known issue", "Workaround available")
    FIXED = "fixed", pgettext_lazy("known issue", "Fixed")


class Visibility(models.TextChoices):
    PUBLIC = "public", gettext_lazy("Public: anyone, without signing in")
    CUSTOMERS = "customers", gettext_lazy("Customers: signed-in customers and partners")
    INTERNAL = "internal", gettext_lazy("Internal: agents only")


class State(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("article state", "Draft")
    PUBLISHED = "published", pgettext_lazy("article state", "Published")


class Article(models.Model):
    title = models.CharField(verbose_name=_("title"), max_length=200)
    slug = models.SlugField(
        verbose_name=_("slug"), max_length=200, unique=True,
        help_text=_("The address: /kb/<slug>/. Kept when the title changes."),
    )
    body = models.TextField(
        verbose_name=_("body"),
        blank=True,
        help_text=gettext_lazy("Plain text. A blank line starts a paragraph, '- ' a list item, '## ' a heading; "
                               "**bold**, `code` and http(s) links are recognised. No HTML."),
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, related_name="articles",
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    issue_status = models.CharField(
        verbose_name=_("issue status"), max_length=20, choices=IssueStatus.choices, blank=True,
        default=IssueStatus.NONE, help_text=_("For known issues only."),
    )
    visibility = models.CharField(
        verbose_name=_("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.CUSTOMERS,
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations"), blank=True, related_name="kb_articles",
        help_text=_("Only these customers (and the partners serving them) see the article. Empty: every customer."),
    )
    state = models.CharField(verbose_name=_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    author = models.ForeignKey(
        Agent, verbose_name=_("author"), null=True, blank=True, on_delete=models.SET_NULL, related_name="kb_articles",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))
    updated_at = models.DateTimeField(verbose_name=_("updated at"))
    published_at = models.DateTimeField(verbose_name=_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["title"]
        indexes = [models.Index(fields=["state", "visibility"], name="kb_article_state_visibility")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == State.PUBLISHED

    @property
    def is_known_issue(self) -> bool:
        return self.kind == Kind.KNOWN_ISSUE

    @property
    def body_html(self) -> SafeString:
        return render_body(self.body)

    @property
    def excerpt(self) -> str:
        return plain_excerpt(self.body)
