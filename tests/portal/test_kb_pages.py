"""Help centre pages, suggestions on the new-ticket page and the console's article editor,
each from both sides of its boundary."""

import pytest

from escalade.kb.models import Article, Kind, State
from tests import factories as f
from tests.kb.world import build_kb


@pytest.fixture
def kb(world):
    return build_kb(world)


def _text(response) -> str:
    return response.content.decode()


# -- reading ---------------------------------------------------------------------------------------


def test_signed_out_visitor_reads_public_articles_by_category(client, kb):
    page = client.get("/kb/")
    assert page.status_code == 200
    assert kb.public.title in _text(page) and "Accounts" in _text(page)
    for hidden in (kb.vpn_issue, kb.acme_only, kb.internal, kb.draft):
        assert hidden.title not in _text(page)
    assert client.get(f"/kb/{kb.public.slug}/").status_code == 200


@pytest.mark.parametrize("name", ["vpn_issue", "internal", "draft"])
def test_signed_out_visitor_is_sent_to_sign_in_without_seeing_the_title(client, kb, name):
    article = getattr(kb, name)
    response = client.get(f"/kb/{article.slug}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    assert article.title not in _text(response)


def test_signed_out_visitor_gets_the_same_answer_for_an_article_that_does_not_exist(client, kb):
    assert client.get("/kb/no-such-article/")["Location"] == "/login/?next=/kb/no-such-article/"


def test_customer_reads_the_articles_for_their_organisation(client_for, world, kb):
    page = client_for(world.alice).get("/kb/")
    for shown in (kb.public, kb.vpn_issue, kb.acme_only):
        assert shown.title in _text(page)
    for hidden in (kb.initech_only, kb.internal, kb.draft):
        assert hidden.title not in _text(page)
    assert "Known issue · Workaround available" in _text(page)


@pytest.mark.parametrize("name", ["initech_only", "internal", "draft"])
def test_customer_gets_404_for_an_article_not_for_them(client_for, world, kb, name):
    article = getattr(kb, name)
    response = client_for(world.alice).get(f"/kb/{article.slug}/")
    assert response.status_code == 404 and article.title not in _text(response)


def test_article_body_is_rendered_escaped(client_for, world, kb):
    Article.objects.filter(pk=kb.vpn_issue.pk).update(body="Use **4.0** <script>alert(1)</script>")
    page = _text(client_for(world.alice).get(f"/kb/{kb.vpn_issue.slug}/"))
    assert "<strong>4.0</strong>" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_search_lists_only_what_the_customer_may_read(client_for, world, kb):
    page = client_for(world.alice).get("/kb/", {"q": "vpn"})
    assert kb.vpn_issue.title in _text(page)
    assert kb.internal.title not in _text(page) and kb.draft.title not in _text(page)
    assert "1 article for “vpn”" in _text(page)


def test_search_without_a_match_says_so(client_for, world, kb):
    assert "No article matches" in _text(client_for(world.alice).get("/kb/", {"q": "zebra"}))


def test_category_filter_shows_one_category_and_unknown_is_404(client_for, world, kb):
    client = client_for(world.alice)
    page = _text(client.get("/kb/", {"category": kb.network.slug}))
    assert kb.vpn_issue.title in page and kb.public.title not in page
    assert client.get("/kb/", {"category": "nope"}).status_code == 404


def test_too_long_search_is_a_form_error_not_a_crash(client_for, world, kb):
    response = client_for(world.alice).get("/kb/", {"q": "x" * 500})
    assert response.status_code == 400 and "at most 200 characters" in _text(response)


def test_writer_previews_a_draft_with_its_state(client_for, world, kb):
    page = client_for(world.vera).get(f"/kb/{kb.draft.slug}/")
    assert page.status_code == 200 and "Draft" in _text(page)


# -- suggestions while typing a subject -------------------------------------------------------------


def test_new_ticket_subject_asks_for_suggestions_while_typing(client_for, world, kb):
    page = _text(client_for(world.alice).get("/tickets/new/"))
    assert 'hx-get="/kb/suggest/"' in page and 'hx-trigger="input changed delay:300ms"' in page
    assert 'hx-include="#id_subject"' in page
    assert '<div id="kb-suggestions" class="kb-suggestions" aria-live="polite"></div>' in page


def test_suggestions_link_matching_articles_in_a_new_tab(client_for, world, kb):
    fragment = _text(client_for(world.alice).get("/kb/suggest/", {"subject": "VPN keeps dropping"},
                                                 HTTP_HX_REQUEST="true"))
    assert f'href="/kb/{kb.vpn_issue.slug}/" target="_blank" rel="noopener"' in fragment
    assert "Known issue · Workaround available" in fragment and "<html" not in fragment
    assert kb.internal.title not in fragment and kb.draft.title not in fragment


def test_suggestions_for_another_customer_leave_out_restricted_articles(client_for, world, kb):
    fragment = _text(client_for(world.ivan).get("/kb/suggest/", {"subject": "sign-on setup acme"}))
    assert kb.acme_only.title not in fragment
    assert kb.acme_only.title in _text(client_for(world.alice).get("/kb/suggest/", {"subject": "sign-on setup"}))


def test_suggestions_for_an_empty_subject_are_empty(client_for, world, kb):
    response = client_for(world.alice).get("/kb/suggest/", {"subject": "  "})
    assert response.status_code == 200 and _text(response).strip() == ""


def test_signed_out_suggestions_only_show_public_articles(client, kb):
    fragment = _text(client.get("/kb/suggest/", {"subject": "vpn password"}))
    assert kb.public.title in fragment and kb.vpn_issue.title not in fragment


# -- the console ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "pat"])
def test_customers_and_partner_agents_get_403_in_the_article_console(client_for, world, kb, who):
    client = client_for(getattr(world, who))
    for url in ("/console/kb/", "/console/kb/new/", f"/console/kb/{kb.draft.pk}/edit/"):
        response = client.get(url)
        assert response.status_code == 403 and kb.draft.title not in _text(response)


def test_signed_out_visitor_is_sent_to_sign_in_from_the_console(client, kb):
    assert client.get("/console/kb/")["Location"].startswith("/login/")


def test_customer_cannot_create_edit_or_publish_by_posting(client_for, world, kb):
    client = client_for(world.alice)
    assert client.post("/console/kb/new/", {"title": "Mine", "kind": "article", "visibility": "public",
                                            "body": "x"}).status_code == 403
    assert client.post(f"/console/kb/{kb.draft.pk}/edit/", {"title": "Hacked", "kind": "article",
                                                             "visibility": "public", "body": "x"}).status_code == 403
    assert client.post(f"/console/kb/{kb.draft.pk}/publish/").status_code == 403
    kb.draft.refresh_from_db()
    assert (kb.draft.title, kb.draft.state) == ("VPN client 5.0 release notes", State.DRAFT)
    assert not Article.objects.filter(title="Mine").exists()


def test_user_who_is_neither_contact_nor_agent_gets_403_in_the_console(client_for, world, kb):
    assert client_for(f.user("stranger")).get("/console/kb/").status_code == 403


def test_agent_sees_drafts_and_published_articles_in_the_console(client_for, world, kb):
    page = _text(client_for(world.vera).get("/console/kb/"))
    assert kb.draft.title in page and kb.internal.title in page and "Publish" in page


def test_agent_writes_a_draft_then_publishes_it(client_for, world, kb):
    client = client_for(world.leo)
    response = client.post("/console/kb/new/", {
        "title": "Printer offline after update", "category": kb.network.pk, "kind": "known_issue",
        "issue_status": "investigating", "visibility": "customers", "organisations": [world.acme.pk],
        "body": "We are looking at driver 4.2."})
    assert response.status_code == 302 and response["Location"] == "/console/kb/"
    article = Article.objects.get(title="Printer offline after update")
    assert (article.state, article.kind, article.author, list(article.organisations.all())) == (
        State.DRAFT, Kind.KNOWN_ISSUE, world.leo, [world.acme])
    assert client.post(f"/console/kb/{article.pk}/publish/").status_code == 302
    article.refresh_from_db()
    assert article.state == State.PUBLISHED


def test_save_and_publish_in_one_step(client_for, world, kb):
    client_for(world.vera).post("/console/kb/new/", {
        "title": "Reset MFA", "kind": "article", "visibility": "public", "body": "Ask your admin.", "publish": ""})
    assert Article.objects.get(title="Reset MFA").state == State.PUBLISHED


def test_publishing_an_empty_article_shows_the_error_and_keeps_nothing(client_for, world, kb):
    response = client_for(world.vera).post("/console/kb/new/", {
        "title": "Empty", "kind": "article", "visibility": "customers", "body": "", "publish": ""})
    assert response.status_code == 400
    assert "Write the article before publishing it." in response.context["form"].errors["body"]
    assert not Article.objects.filter(title="Empty").exists()


def test_form_errors_are_shown_on_their_fields(client_for, world, kb):
    client = client_for(world.vera)
    response = client.post("/console/kb/new/", {"title": "", "kind": "known_issue", "visibility": "customers"})
    assert response.status_code == 400 and response.context["form"].errors["title"]
    response = client.post("/console/kb/new/", {"title": "Issue", "kind": "known_issue", "visibility": "customers"})
    assert response.status_code == 400 and response.context["form"].errors["issue_status"]
    response = client.post("/console/kb/new/", {"title": "Public", "kind": "article", "visibility": "public",
                                                "organisations": [world.acme.pk], "body": "x"})
    assert response.status_code == 400 and response.context["form"].errors["organisations"]
    response = client.post("/console/kb/new/", {"title": "Bad", "kind": "nonsense", "visibility": "customers"})
    assert response.status_code == 400 and response.context["form"].errors["kind"]


def test_agent_edits_an_article_and_its_address_stays(client_for, world, kb):
    client = client_for(world.vera)
    form = client.get(f"/console/kb/{kb.vpn_issue.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(title="VPN drops every 5 minutes", category=kb.network.pk)
    assert client.post(f"/console/kb/{kb.vpn_issue.pk}/edit/", data).status_code == 302
    kb.vpn_issue.refresh_from_db()
    assert (kb.vpn_issue.title, kb.vpn_issue.slug, kb.vpn_issue.state) == (
        "VPN drops every 5 minutes", "vpn-drops-every-few-minutes", State.PUBLISHED)


def test_agent_unpublishes_from_the_console(client_for, world, kb):
    client_for(world.vera).post(f"/console/kb/{kb.public.pk}/publish/", {"unpublish": ""})
    kb.public.refresh_from_db()
    assert kb.public.state == State.DRAFT


def test_editing_an_unknown_article_is_404(client_for, world, kb):
    assert client_for(world.vera).get("/console/kb/99999/edit/").status_code == 404


def test_help_centre_is_in_the_navigation(client_for, world, kb):
    assert 'href="/kb/">Help centre</a>' in _text(client_for(world.alice).get("/kb/"))


def test_partner_agent_sees_internal_articles_marked_internal(client_for, world, kb):
    client = client_for(world.pat)
    assert "Internal" in _text(client.get("/kb/", {"q": "concentrator"}))
    page = client.get(f"/kb/{kb.internal.slug}/")
    assert page.status_code == 200 and "Internal: agents only" in _text(page)
    assert client.get(f"/kb/{kb.initech_only.slug}/").status_code == 404
