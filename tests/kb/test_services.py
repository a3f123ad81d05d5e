"""Writing, editing and publishing articles: the vendor's agents only, with field errors."""

import datetime as dt

import pytest

from escalade.audit.models import Event
from escalade.errors import DomainError, PermissionDenied
from escalade.kb import services
from escalade.kb.models import Article, Kind, State, Visibility
from escalade.orgs.access import Viewer
from tests import factories as f
from tests.conftest import START


def _draft(world, **kwargs):
    kwargs.setdefault("title", "Printer offline")
    kwargs.setdefault("body", "Restart the spooler.")
    return services.create_article(Viewer.of(world.vera.user), **kwargs)


def test_agent_writes_a_draft_dated_by_the_clock(world):
    article = _draft(world)
    assert (article.state, article.author, article.created_at, article.updated_at) == (
        State.DRAFT, world.vera, START, START)
    assert article.slug == "printer-offline" and article.published_at is None
    assert Event.objects.filter(action="kb.article_created", object_id=str(article.pk)).exists()


def test_slugs_stay_unique_and_never_take_a_page_address(world):
    assert _draft(world).slug == "printer-offline"
    assert _draft(world).slug == "printer-offline-2"
    assert _draft(world, title="Suggest").slug == "suggest-2"
    assert _draft(world, title="!!!").slug == "article"


@pytest.mark.parametrize("who", ["alice", "bob", "pat", "oscar"])
def test_customers_and_partner_agents_cannot_write(world, who):
    with pytest.raises(PermissionDenied):
        services.create_article(Viewer.of(getattr(world, who).user), title="Mine", body="x")
    assert not Article.objects.exists()


@pytest.mark.parametrize("who", ["alice", "pat"])
def test_customers_and_partner_agents_cannot_edit_or_publish(world, who):
    article = _draft(world)
    viewer = Viewer.of(getattr(world, who).user)
    with pytest.raises(PermissionDenied):
        services.update_article(viewer, article, title="Hacked")
    with pytest.raises(PermissionDenied):
        services.publish_article(viewer, article)
    article.refresh_from_db()
    assert (article.title, article.state) == ("Printer offline", State.DRAFT)


def test_signed_out_visitor_cannot_write(world):
    with pytest.raises(PermissionDenied):
        services.create_article(Viewer.of(None), title="Spam", body="x")


def test_admin_writes_without_being_an_agent(world):
    article = services.create_article(Viewer.of(world.admin), title="Admin notes", body="x")
    assert article.author is None


def test_empty_title_is_a_field_error(world):
    with pytest.raises(DomainError) as exc:
        _draft(world, title="   ")
    assert exc.value.field == "title"


def test_known_issue_needs_a_status(world):
    with pytest.raises(DomainError) as exc:
        _draft(world, kind=Kind.KNOWN_ISSUE)
    assert exc.value.field == "issue_status"


def test_an_article_carries_no_known_issue_status(world):
    assert _draft(world, kind=Kind.ARTICLE, issue_status="fixed").issue_status == ""


def test_public_article_cannot_be_limited_to_organisations(world):
    with pytest.raises(DomainError) as exc:
        _draft(world, visibility=Visibility.PUBLIC, organisations=[world.acme])
    assert exc.value.field == "organisations"


def test_unknown_visibility_is_a_field_error(world):
    with pytest.raises(DomainError) as exc:
        _draft(world, visibility="everyone")
    assert exc.value.field == "visibility"


def test_publishing_dates_and_audits_the_article(world):
    article = _draft(world)
    world.clock.advance(dt.timedelta(hours=2))
    published = services.publish_article(Viewer.of(world.vera.user), article)
    assert published.state == State.PUBLISHED
    assert published.published_at == published.updated_at == START + dt.timedelta(hours=2)
    event = Event.objects.get(action="kb.article_published")
    assert (event.actor, event.after) == ("Vera", {"state": "published"})


def test_an_empty_draft_cannot_be_published(world):
    article = _draft(world, body="  ")
    with pytest.raises(DomainError) as exc:
        services.publish_article(Viewer.of(world.vera.user), article)
    assert exc.value.field == "body"


def test_editing_keeps_the_address_and_audits_what_changed(world):
    article = _draft(world)
    updated = services.update_article(Viewer.of(world.leo.user), article, title="Printer shows offline",
                                      organisations=[world.acme])
    assert updated.slug == "printer-offline"
    event = Event.objects.get(action="kb.article_updated")
    assert event.before == {"title": "Printer offline", "organisations": []}
    assert event.after == {"title": "Printer shows offline", "organisations": [world.acme.pk]}


def test_editing_an_unknown_field_is_refused(world):
    with pytest.raises(DomainError) as exc:
        services.update_article(Viewer.of(world.vera.user), _draft(world), state="published")
    assert exc.value.field == "state"


def test_edit_that_breaks_a_rule_changes_nothing(world):
    article = _draft(world, visibility=Visibility.CUSTOMERS, organisations=[world.acme])
    with pytest.raises(DomainError):
        services.update_article(Viewer.of(world.vera.user), article, visibility=Visibility.PUBLIC)
    article.refresh_from_db()
    assert article.visibility == Visibility.CUSTOMERS


def test_unpublishing_makes_it_a_draft_again(world):
    vera = Viewer.of(world.vera.user)
    article = services.publish_article(vera, _draft(world))
    assert services.unpublish_article(vera, article).state == State.DRAFT
    assert Event.objects.filter(action="kb.article_unpublished").count() == 1


def test_categories_have_unique_names(world):
    vera = Viewer.of(world.vera.user)
    services.create_category(vera, name="Network")
    with pytest.raises(DomainError) as exc:
        services.create_category(vera, name="network")
    assert exc.value.field == "name"
    with pytest.raises(PermissionDenied):
        services.create_category(Viewer.of(world.alice.user), name="Mine")


def test_user_neither_contact_nor_agent_cannot_create_categories(world):
    with pytest.raises(PermissionDenied):
        services.create_category(Viewer.of(f.user("stranger")), name="Mine")
