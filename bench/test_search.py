"""Server time of the site-wide search over a large site: 10,000 services, 5,000 news.

The registry comes from `generate_registry` (as in bench/test_registry.py), the news
from bench/test_news.py's bulk writer, added to the search index in bulk. Each
benchmark records its p95 and number of SQL queries in `extra_info`; the figures go
to bench/RESULTS.md.
"""

from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from safechildhood.news.models import NewsPage
from tests.factories import build_site
from tests.news.factories import NewsIndexPageFactory

from .conftest import measure, settle_database
from .test_news import bulk_news

SERVICES = 10_000
NEWS = 5_000


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
    measure(benchmark, client, "/search/?" + urlencode(params), b"search-result")
