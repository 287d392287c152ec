import pytest
from bs4 import BeautifulSoup

from tests.news.factories import NewsIndexPageFactory


@pytest.fixture
def news_index(home):
    return NewsIndexPageFactory(parent=home)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture(autouse=True)
def empty_cache():
    """Filter options are cached; the database is rolled back after each test, the cache is not."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
