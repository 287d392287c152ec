"""Server time of the site-wide search over a large site: 10,000 services, 5,000 news.

The registry comes from `generate_registry` (as in bench/test_registry.py), the news
from bench/test_news.py's bulk writer, added to the search index in bulk. Each
benchmark records its p95 and number of SQL queries in `extra_info`; the figures go
to bench/RESULTS.md.
"""

import statistics
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from safechildhood.news.models import NewsPage
from tests.factories import build_site
from tests.news.factories import NewsIndexPageFactory

from .conftest import settle_database
from .test_news import bulk_news

SERVICES = 10_000
NEWS = 5_000
ROUNDS = 200


@pytest.fixture(scope="module")
def big_site(django_db_setup, django_db_blocker):
    from safechildhood.registry.management.commands.generate_registry import Command

    with django_db_blocker.unblock():
        home = build_site()
        index = NewsIndexPageFactory(parent=home)
        ids = bulk_news(index, NEWS)
        get_search_backend().add_bulk(NewsPage, NewsPage.objects.filter(pk__in=ids))
        call_command("generate_registry", services=SERVICES, districts=100, seed=1, verbosity=0)
        settle_database()
        yield
        Command.clear()
        Page.objects.filter(pk__in=ids).delete()


def p95(data: list[float]) -> float:
    return statistics.quantiles(data, n=20)[-1]


def record(benchmark, client, params: dict) -> None:
    url = "/search/?" + urlencode(params)
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert b"search-result" in response.content
    query_count = len(queries)  # read now: every request empties Django's query log
    benchmark.extra_info["queries"] = query_count
    benchmark.pedantic(client.get, args=(url,), rounds=ROUNDS, iterations=1, warmup_rounds=5)
    data = benchmark.stats.stats.data
    benchmark.extra_info["p95_ms"] = round(p95(data) * 1000, 2)
    print(
        f"\n{url}: p95 {p95(data) * 1000:.1f} ms, median "
        f"{statistics.median(data) * 1000:.1f} ms, {query_count} queries"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"q": "медиация"},
        {"q": "служба помощи"},
        {"q": "медиация", "type": "news"},
        {"q": "медиация", "page": "5"},
        {"q": "медиацыя"},
    ],
    ids=["kind-word", "common-words", "news-only", "page-5", "typo"],
)
def test_site_search(benchmark, client, big_site, params):
    record(benchmark, client, params)
