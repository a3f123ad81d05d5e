"""Help centre (knowledge base) pages, the suggestions on the new-ticket page, and the agent
console's article editor.

Thin views: parse, call one function of `escalade.kb.selectors` or `escalade.kb.services`, render
or redirect. An article the viewer may not read is a 404 (a signed-out visitor is sent to sign in
instead), so titles of other audiences never show.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from escalade.errors import DomainError, NotFound
from escalade.kb import selectors, services
from escalade.kb.models import Article, Category, IssueStatus, Kind, Visibility
from escalade.orgs.access import Viewer
from escalade.orgs.models import Organisation
from escalade.orgs.zones import time_zone
from escalade.portal.forms import IdsChoiceField

SEARCH_LIMIT = 50


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label=gettext_lazy("Search the help centre"),
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("e.g. VPN drops")}))
    category = forms.SlugField(required=False, label=gettext_lazy("Category"))


class ArticleForm(forms.Form):
    title = forms.CharField(max_length=200, label=gettext_lazy("Title"))
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False,
                                      empty_label=gettext_lazy("— none —"), label=gettext_lazy("Category"))
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.ARTICLE, label=pgettext_lazy("article", "Kind"))
    issue_status = forms.ChoiceField(choices=IssueStatus.choices, required=False,
                                     label=gettext_lazy("Known issue status"),
                                     help_text=gettext_lazy("For known issues: where the fix stands."))
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.CUSTOMERS,
                                   widget=forms.RadioSelect, label=gettext_lazy("Visibility"))
    organisations = IdsChoiceField(
        queryset=None, required=False, label=gettext_lazy("Only for these customers"),
        help_text=gettext_lazy("Leave empty for every customer. Not possible for public articles."),
        widget=forms.CheckboxSelectMultiple)
    body = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 14}), label=gettext_lazy("Body"),
                           help_text=Article._meta.get_field("body").help_text)

    def __init__(self, *args, viewer: Viewer, **kwargs):
        super().__init__(*args, **kwargs)
        # Only writers (vendor agents, admins) see this form, and they write for every customer.
        self.fields["organisations"].queryset = Organisation.objects.order_by("name")

    @classmethod
    def of(cls, article: Article, viewer: Viewer) -> ArticleForm:
        return cls(viewer=viewer, initial={
            "title": article.title, "category": article.category_id, "kind": article.kind,
            "issue_status": article.issue_status, "visibility": article.visibility,
            "organisations": list(article.organisations.values_list("pk", flat=True)), "body": article.body})


def _add_domain_error(form: forms.Form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _page(request, viewer: Viewer, template: str, context: dict, status: int = 200) -> TemplateResponse:
    """Times in the customer's own zone (UTC for everyone else), as on the other portal pages."""
    tz = time_zone(viewer)
    with timezone.override(tz):
        response = TemplateResponse(request, template, {"viewer": viewer, "may_write": selectors.may_write(viewer),
                                                         **context}, status=status)
        return response.render()


def _forbidden(request, viewer: Viewer, exc: DomainError) -> TemplateResponse:
    return _page(request, viewer, "portal/forbidden.html", {"message": exc.message}, status=403)


# -- the help centre ----------------------------------------------------------------------------


@require_GET
def help_centre(request):
    """Articles by category, or the results of a search. Open to everyone: each sees their own."""
    viewer = Viewer.of(request.user)
    form = SearchForm(request.GET)
    q = category = ""
    if form.is_valid():
        q, category = form.cleaned_data["q"].strip(), form.cleaned_data["category"]
    context = {"form": form, "q": q, "category": None}
    if q:
        context["hits"] = selectors.search(viewer, q, limit=SEARCH_LIMIT)
    else:
        articles = selectors.visible_articles(viewer)
        if category:
            context["category"] = Category.objects.filter(slug=category).first()
            if context["category"] is None:
                raise Http404(_("No such category"))
            articles = articles.filter(category=context["category"])
        context["groups"] = selectors.categories_with_articles(viewer, articles)
    return _page(request, viewer, "portal/kb_list.html", context, status=200 if form.is_valid() else 400)


@require_GET
def article(request, slug: str):
    viewer = Viewer.of(request.user)
    try:
        found = selectors.get_article(viewer, slug)
    except NotFound as exc:
        if not request.user.is_authenticated:
            # Whether it exists or not: signing in may show it; the title is never shown.
            return redirect_to_login(request.get_full_path())
        raise Http404(exc.message) from None
    return _page(request, viewer, "portal/kb_article.html", {"article": found})


@require_GET
def suggest(request):
    """The new-ticket page asks this while the subject is typed (htmx); answers a fragment."""
    viewer = Viewer.of(request.user)
    subject = (request.GET.get("subject") or request.GET.get("q") or "")[:300]
    suggestions = selectors.suggest(viewer, subject) if subject.strip() else []
    return _page(request, viewer, "portal/kb_suggestions.html", {"suggestions": suggestions, "subject": subject})


# -- the agent console ----------------------------------------------------------------------------


def _writer_or_403(request, viewer: Viewer):
    if not selectors.may_write(viewer):
        return _forbidden(request, viewer, DomainError(
            _("The knowledge-base editor is for the vendor's agents. The help centre shows the articles for you.")))
    return None


def _article_or_404(viewer: Viewer, pk: int) -> Article:
    found = selectors.visible_articles(viewer, include_drafts=True).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such article"))
    return found


@login_required
@require_GET
def console_articles(request):
    viewer = Viewer.of(request.user)
    if (denied := _writer_or_403(request, viewer)) is not None:
        return denied
    articles = selectors.visible_articles(viewer, include_drafts=True).prefetch_related("organisations")
    return _page(request, viewer, "portal/kb_console.html", {"articles": articles.order_by("-updated_at")})


def _save(viewer: Viewer, form: ArticleForm, article: Article | None, *, publish: bool) -> Article:
    data = dict(form.cleaned_data)
    if data["kind"] == Kind.ARTICLE:
        data["issue_status"] = ""
    # One transaction: a draft that cannot be published is not left behind half-saved.
    with transaction.atomic():
        if article is None:
            article = services.create_article(viewer, **data)
        else:
            article = services.update_article(viewer, article, **data)
        return services.publish_article(viewer, article) if publish else article


@login_required
def console_article_form(request, pk: int | None = None):
    """New article (a draft) or edit one; "Save and publish" publishes in the same step."""
    viewer = Viewer.of(request.user)
    if (denied := _writer_or_403(request, viewer)) is not None:
        return denied
    article = _article_or_404(viewer, pk) if pk is not None else None
    if request.method != "POST":
        form = ArticleForm.of(article, viewer) if article else ArticleForm(viewer=viewer)
        return _page(request, viewer, "portal/kb_form.html", {"form": form, "article": article})
    form = ArticleForm(request.POST, viewer=viewer)
    if form.is_valid():
        try:
            saved = _save(viewer, form, article, publish="publish" in request.POST)
        except DomainError as exc:
            _add_domain_error(form, exc)
        else:
            messages.success(request, (_("“%(title)s” published.") if saved.is_published
                                       else _("“%(title)s” saved as a draft.")) % {"title": saved.title})
            return redirect("portal:kb_console")
    return _page(request, viewer, "portal/kb_form.html", {"form": form, "article": article}, status=400)


@login_required
@require_POST
def console_publish(request, pk: int):
    """Publish (or, with `unpublish`, take back to draft) an article from the console list."""
    viewer = Viewer.of(request.user)
    if (denied := _writer_or_403(request, viewer)) is not None:
        return denied
    article = _article_or_404(viewer, pk)
    try:
        if "unpublish" in request.POST:
            article = services.unpublish_article(viewer, article)
        else:
            article = services.publish_article(viewer, article)
    except DomainError as exc:
        messages.error(request, _("“%(title)s”: %(problem)s") % {"title": article.title, "problem": exc.message})
    else:
        messages.success(request, (_("“%(title)s” published.") if article.is_published
                                   else _("“%(title)s” is a draft again.")) % {"title": article.title})
    return redirect("portal:kb_console")
