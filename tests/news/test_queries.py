"""SQL queries stay the same whatever the number of news (covers, tags, districts included)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.news.factories import CoverImageFactory, NewsPageFactory
from tests.registry.factories import DistrictFactory

pytestmark = pytest.mark.django_db


def add_news(index, count: int, start: int = 0) -> list:
    districts = [DistrictFactory(slug=f"d{i}") for i in range(3)]
    pages = []
    for i in range(start, start + count):
        pages.append(
            NewsPageFactory(
                parent=index,
                date=dt.date(2020, 1, 1) + dt.timedelta(days=i),
                cover_image=CoverImageFactory(),
                cover_alt=f"Обложка {i}",
                tags=[f"тема-{i % 4}", "общая"],
                districts=[districts[i % 3]],
            )
        )
    return pages


def count_queries(client, url: str) -> int:
    assert client.get(url).status_code == 200  # warm up: renditions and caches are made once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", ["", "?tag=общая", "?district=d1", "?year=2020"])
def test_index_queries_do_not_grow_with_the_news(
    client, news_index, django_assert_max_num_queries, query
):
    url = news_index.url + query
    add_news(news_index, 5)
    few = count_queries(client, url)
    add_news(news_index, 25, start=5)
    many = count_queries(client, url)
    assert many == few, (few, many)

    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200


def test_news_page_and_home_queries_do_not_grow_with_related_news(
    client, home, news_index, django_assert_max_num_queries
):
    article = add_news(news_index, 5)[0]
    page_few = count_queries(client, article.url)
    home_few = count_queries(client, "/")
    add_news(news_index, 25, start=5)
    assert count_queries(client, article.url) == page_few
    assert count_queries(client, "/") == home_few
    with django_assert_max_num_queries(page_few):
        client.get(article.url)


def test_feed_queries_do_not_grow_with_the_news(client, news_index):
    url = news_index.url + "rss/"
    add_news(news_index, 5)
    few = count_queries(client, url)
    add_news(news_index, 25, start=5)
    assert count_queries(client, url) == few
