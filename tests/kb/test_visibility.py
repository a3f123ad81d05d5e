"""Who reads which article: every audience from both sides, by list, search, suggest and slug."""

import pytest

from escalade.errors import NotFound
from escalade.kb import selectors
from escalade.orgs.access import Viewer
from tests import factories as f

ALL = ("public", "vpn_issue", "acme_only", "initech_only", "internal", "draft")


def _titles(viewer):
    return {a.title for a in selectors.visible_articles(viewer)}


def _expect(kb, *names):
    return {getattr(kb, n).title for n in names}


def test_signed_out_visitor_reads_only_public_articles(kb):
    assert _titles(Viewer.of(None)) == _expect(kb, "public")


def test_user_who_is_neither_contact_nor_agent_reads_only_public_articles(kb):
    assert _titles(Viewer.of(f.user("stranger"))) == _expect(kb, "public")


def test_customer_reads_public_customer_and_own_organisation_articles(world, kb):
    assert _titles(Viewer.of(world.alice.user)) == _expect(kb, "public", "vpn_issue", "acme_only")


def test_customer_of_another_organisation_reads_its_own_restricted_article_only(world, kb):
    assert _titles(Viewer.of(world.ivan.user)) == _expect(kb, "public", "vpn_issue", "initech_only")


def test_customer_without_authority_still_reads_the_help_centre(world, kb):
    assert _titles(Viewer.of(world.bob.user)) == _expect(kb, "public", "vpn_issue", "acme_only")


def test_partner_agent_reads_internal_articles_and_those_of_customers_it_serves(world, kb):
    assert _titles(Viewer.of(world.pat.user)) == _expect(kb, "public", "vpn_issue", "acme_only", "internal")
    assert _titles(Viewer.of(world.oscar.user)) == _expect(kb, "public", "vpn_issue", "initech_only", "internal")


def test_vendor_agent_reads_every_published_article_and_drafts_on_request(world, kb):
    vera = Viewer.of(world.vera.user)
    assert _titles(vera) == _expect(kb, *ALL) - _expect(kb, "draft")
    assert {a.title for a in selectors.visible_articles(vera, include_drafts=True)} == _expect(kb, *ALL)


def test_drafts_stay_hidden_from_customers_and_partners_even_when_asked_for(world, kb):
    for who in (world.alice, world.pat):
        assert kb.draft not in selectors.visible_articles(Viewer.of(who.user), include_drafts=True)


@pytest.mark.parametrize("name", ["internal", "initech_only", "draft"])
def test_customer_cannot_open_an_article_not_for_them_by_its_slug(world, kb, name):
    with pytest.raises(NotFound) as exc:
        selectors.get_article(Viewer.of(world.alice.user), getattr(kb, name).slug)
    assert getattr(kb, name).title not in exc.value.message


def test_writer_opens_a_draft_by_its_slug_to_preview_it(world, kb):
    assert selectors.get_article(Viewer.of(world.vera.user), kb.draft.slug) == kb.draft


@pytest.mark.parametrize("words", ["vpn", "printer driver", "concentrator runbook", "client"])
def test_customer_search_and_suggestions_never_return_articles_not_for_them(world, kb, words):
    alice = Viewer.of(world.alice.user)
    hidden = {kb.internal, kb.initech_only, kb.draft}
    assert not hidden & {hit.article for hit in selectors.search(alice, words)}
    assert not hidden & set(selectors.suggest(alice, words))


def test_same_words_find_the_internal_runbook_for_an_agent(world, kb):
    assert kb.internal in selectors.suggest(Viewer.of(world.vera.user), "vpn concentrator")


def test_signed_out_search_finds_only_public_articles(kb):
    assert [hit.article for hit in selectors.search(Viewer.of(None), "password vpn sso")] == [kb.public]
