"""RSS and Atom feeds: valid, newest first, per topic and district, linked from pages."""

import datetime as dt
import xml.etree.ElementTree as ET

import feedparser
import pytest

from tests.news.conftest import soup
from tests.news.factories import NewsPageFactory
from tests.registry.factories import DistrictFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def news(news_index):
    tula = DistrictFactory(slug="tula", name="Тула")
    return [
        NewsPageFactory(
            parent=news_index,
            title="Семейные диспетчерские",
            date=dt.date(2022, 3, 15),
            lead="Более 10 тысяч семей получат помощь.",
            tags=["семейная диспетчерская"],
            districts=[tula],
        ),
        NewsPageFactory(
            parent=news_index,
            title="Итоги «Безопасного детства» & 55 служб",
            date=dt.date(2023, 12, 15),
            lead="Создано 55 новых служб <помощи>.",
            tags=["итоги", "медиация"],
        ),
    ]


def parse(response):
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_rss_is_valid_and_lists_news_newest_first(client, news_index, news):
    response = client.get(news_index.url + "rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = parse(response)
    assert feed.version == "rss20"
    assert feed.feed.title.startswith("Новости")
    assert feed.feed.language == "ru"
    assert [e.title for e in feed.entries] == [news[1].title, news[0].title]
    first = feed.entries[0]
    assert first.link == "http://localhost/novosti/" + news[1].slug + "/"
    assert first.summary == "Создано 55 новых служб <помощи>."
    # The news date at midnight, site time (Moscow): 21:00 UTC the day before.
    assert first.published_parsed[:5] == (2023, 12, 14, 21, 0)
    assert {t.term for t in first.tags} == {"итоги", "медиация"}
    # Plain XML too: a channel with items, each with a guid.
    channel = ET.fromstring(response.content).find("channel")
    assert all(item.find("guid") is not None for item in channel.findall("item"))


def test_atom_is_valid_with_ids_and_updated_dates(client, news_index, news):
    response = client.get(news_index.url + "atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse(response)
    assert feed.version == "atom10"
    assert [e.title for e in feed.entries] == [news[1].title, news[0].title]
    root = ET.fromstring(response.content)
    assert root.find(f"{ATOM}updated") is not None
    for entry in root.findall(f"{ATOM}entry"):
        assert entry.find(f"{ATOM}id").text.startswith("http://localhost/novosti/")
        assert entry.find(f"{ATOM}updated") is not None
    self_link = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link and self_link[0].get("href").endswith("/novosti/atom/")


@pytest.mark.parametrize("suffix", ["rss/", "atom/"])
def test_feeds_per_tag_and_district(client, news_index, news, suffix):
    by_tag = parse(client.get(news_index.url + suffix, {"tag": "медиация"}))
    assert [e.title for e in by_tag.entries] == [news[1].title]
    assert "медиация" in by_tag.feed.title
    by_district = parse(client.get(news_index.url + suffix, {"district": "tula"}))
    assert [e.title for e in by_district.entries] == [news[0].title]
    assert "Тула" in by_district.feed.title
    assert client.get(news_index.url + suffix, {"tag": "net"}).status_code == 404
    assert client.get(news_index.url + suffix, {"page": "2"}).status_code == 404


def test_empty_feed_is_still_valid(client, news_index):
    feed = parse(client.get(news_index.url + "rss/"))
    assert feed.entries == []


def test_drafts_never_appear_in_feeds(client, news_index, news):
    NewsPageFactory(parent=news_index, title="Черновик", live=False)
    feed = parse(client.get(news_index.url + "rss/"))
    assert "Черновик" not in [e.title for e in feed.entries]


def test_pages_link_their_feeds_in_the_head(client, home, news_index, news):
    def alternates(url: str) -> dict[str, str]:
        head = soup(client.get(url)).head
        return {link["type"]: link["href"] for link in head.select("link[rel=alternate]")}

    assert alternates("/") == {
        "application/rss+xml": "/novosti/rss/",
        "application/atom+xml": "/novosti/atom/",
    }
    assert alternates(news[0].url)["application/rss+xml"] == "/novosti/rss/"
    filtered = alternates(news_index.url + "?tag=медиация")
    assert (
        filtered["application/atom+xml"]
        == "/novosti/atom/?tag=%D0%BC%D0%B5%D0%B4%D0%B8%D0%B0%D1%86%D0%B8%D1%8F"
    )
    # The advertised feed exists.
    assert client.get(filtered["application/atom+xml"]).status_code == 200
