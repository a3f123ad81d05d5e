"""The admin writes articles too: audited, dated by the injected clock, with the same rules."""

from escalade.audit.models import Event
from escalade.kb.models import Article, Category, State
from tests.conftest import START


def _post(client, **overrides):
    data = {"title": "Printer offline", "slug": "printer-offline", "category": "", "kind": "article",
            "issue_status": "", "visibility": "customers", "state": "published", "body": "Restart it."}
    data.update(overrides)
    return client.post("/admin/kb/article/add/", data)


def test_admin_adds_a_published_article_audited_and_dated_by_the_clock(client, world):
    client.force_login(world.admin)
    response = _post(client)
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.state, article.created_at, article.published_at) == (State.PUBLISHED, START, START)
    assert Event.objects.filter(action="config.article.created", object_id=str(article.pk)).exists()


def test_admin_form_refuses_a_public_article_limited_to_organisations(client, world):
    client.force_login(world.admin)
    response = _post(client, visibility="public", organisations=[world.acme.pk])
    assert response.status_code == 200 and not Article.objects.exists()
    assert "A public article is for everyone" in response.content.decode()


def test_admin_lists_categories(client, world):
    Category.objects.create(name="Network", slug="network")
    client.force_login(world.admin)
    assert "Network" in client.get("/admin/kb/category/").content.decode()
