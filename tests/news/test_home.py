"""The home page shows the latest news of its language."""

import datetime as dt

import pytest

from tests.news.conftest import soup
from tests.news.factories import NewsPageFactory

pytestmark = pytest.mark.django_db


def test_home_shows_the_three_latest_news_and_a_link_to_all(client, home, news_index):
    for day in range(5):
        NewsPageFactory(parent=news_index, title=f"Новость {day}", date=dt.date(2023, 1, 1 + day))
    NewsPageFactory(parent=news_index, title="Черновик", date=dt.date(2024, 1, 1), live=False)
    page = soup(client.get("/"))
    section = page.select_one("main .latest-news")
    titles = [a.get_text() for a in section.select(".news-card__title a")]
    assert titles == ["Новость 4", "Новость 3", "Новость 2"]
    assert section.select_one("h2").get_text() == "Новости"
    assert section.select("a")[-1]["href"] == news_index.url
    # The emergency numbers still come first.
    assert page.select_one("main .hero a[href='tel:112']")


def test_home_without_news_has_no_news_section(client, home, news_index):
    page = soup(client.get("/"))
    assert page.select_one(".latest-news") is None
    assert page.select_one("link[rel=alternate]") is None


def test_english_home_shows_no_russian_news(client, english_home, news_index):
    NewsPageFactory(parent=news_index)
    assert soup(client.get("/")).select_one(".latest-news")
    assert soup(client.get("/en/")).select_one(".latest-news") is None
