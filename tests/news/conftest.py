import pytest
from bs4 import BeautifulSoup

from tests.news.factories import NewsIndexPageFactory


@pytest.fixture
def news_index(home):
    return NewsIndexPageFactory(parent=home)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")
