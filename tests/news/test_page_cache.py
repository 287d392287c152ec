"""News in the page cache: the index (with its filters), articles and feeds are stored for
anonymous visitors and forgotten at once when news are published, unpublished or
deleted, or a topic is renamed."""

import datetime as dt

import pytest
from taggit.models import Tag

from safechildhood.home.models import EmergencyContacts
from tests.news.factories import NewsPageFactory

pytestmark = pytest.mark.django_db


def cached(client, url: str) -> bytes:
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["X-Page-Cache"] == "hit", url
    assert not response.cookies
    return response.content


@pytest.fixture
def article(home, news_index, page_cache):
    EmergencyContacts.for_site(home.get_site())
    return NewsPageFactory(
        parent=news_index,
        title="Открылась служба медиации",
        slug="mediatsiya",
        date=dt.date(2024, 5, 1),
        tags=["медиация"],
    )


def publish_news(news_index, title: str):
    page = NewsPageFactory.build(title=title, slug="novaya", date=dt.date(2024, 6, 1))
    page.live = False
    news_index.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.mark.parametrize(
    "url",
    [
        "/novosti/",
        "/novosti/?tag=медиация",
        "/novosti/?year=2024&tag=медиация",
        "/novosti/mediatsiya/",
        "/novosti/rss/",
        "/novosti/atom/?tag=медиация",
    ],
)
def test_index_filters_articles_and_feeds_are_cached(client, article, url):
    cached(client, url)


def test_filters_in_another_order_share_one_stored_page(client, article):
    cached(client, "/novosti/?tag=медиация&year=2024")
    assert client.get("/novosti/?year=2024&tag=медиация")["X-Page-Cache"] == "hit"


def test_unknown_filters_are_never_stored(client, article):
    for url in ("/novosti/?tag=nothing", "/novosti/?colour=red"):
        for _ in range(2):
            assert client.get(url)["X-Page-Cache"] == "miss", url


def test_a_published_article_is_on_the_index_the_feed_and_the_home_page_at_once(
    client, news_index, article
):
    for url in ("/novosti/", "/novosti/rss/", "/"):
        cached(client, url)
    publish_news(news_index, "Новая семейная диспетчерская")
    for url in ("/novosti/", "/novosti/rss/", "/"):
        assert "Новая семейная диспетчерская".encode() in client.get(url).content, url
    assert client.get("/novosti/novaya/").status_code == 200


def test_an_unpublished_article_is_gone_at_once(client, article):
    cached(client, "/novosti/")
    cached(client, "/novosti/mediatsiya/")
    article.unpublish()
    assert client.get("/novosti/mediatsiya/").status_code == 404
    assert "Открылась служба медиации".encode() not in client.get("/novosti/").content


def test_a_deleted_article_is_gone_at_once(client, article):
    cached(client, "/novosti/rss/")
    article.delete()
    assert "Открылась служба медиации".encode() not in client.get("/novosti/rss/").content


def test_a_renamed_topic_is_shown_at_once(client, article):
    assert "медиация".encode() in cached(client, "/novosti/mediatsiya/")
    tag = Tag.objects.get(name="медиация")
    tag.name = "семейная медиация"
    tag.save()
    assert "семейная медиация".encode() in client.get("/novosti/mediatsiya/").content
