"""Wanting to report puts the report form first on /search/ (issue 12, finding 2).

«сообщить анонимно», «сообщить о проблеме», «анонимное сообщение», «форма» used to
put the information page first and never led to ``/report/``. The requests app
declares the intent (``requests.search_source``); the search host shows its link
before every result.
"""

import pytest
from bs4 import BeautifulSoup

from search.promotions import Intent, intended, register_intent, unregister_intent
from tests.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


def first_link(client, query: str, prefix: str = "") -> str:
    """The address of the first link in the search page's results area."""
    html = client.get(f"{prefix}/search/", {"q": query}).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    area = soup.select_one(".search-promotions, .search-results")
    assert area is not None, f"nothing shown for {query!r}"
    return area.select_one("a")["href"]


@pytest.mark.parametrize(
    "query",
    [
        "сообщить",
        "пожаловаться",
        "анонимно",
        "заявить",
        "сообщить о проблеме",
        "сообщить анонимно",
        "анонимное сообщение",
        "форма сообщения",
        "форма",
        "куда написать",
        "Куда сообщить, если соседи бьют ребёнка?",
    ],
)
def test_wanting_to_report_puts_the_form_first(client, home, query):
    StandardPageFactory(parent=home, title="Сообщить о проблеме", slug="soobshchit-o-probleme")
    assert first_link(client, query) == "/report/"


def test_the_form_comes_before_the_results_and_the_page_still_follows(client, home):
    page = StandardPageFactory(parent=home, title="Сообщить о проблеме")
    html = client.get("/search/", {"q": "сообщить о проблеме"}).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    promotions = soup.select_one(".search-promotions")
    assert promotions.select_one("a")["href"] == "/report/"
    assert promotions.find_next("ol")["class"] == ["search-results"]
    assert soup.select_one(".search-results a")["href"] == page.url


def test_in_english_the_english_form(client, english_home):
    assert first_link(client, "report anonymously", prefix="/en") == "/en/report/"


@pytest.mark.parametrize(
    "query",
    ["на мою семью поступило сообщение", "на нас написали в опеку"],
)
def test_being_reported_is_not_wanting_to_report(client, home, query):
    StandardPageFactory(parent=home, title="На мою семью поступило сообщение: что дальше")
    response = client.get("/search/", {"q": query})
    assert all(promotion.url != "/report/" for promotion in response.context["promotions"])


def test_an_intent_needs_every_word_of_a_phrase_stop_words_too():
    register_intent(
        Intent(key="test", title="Тест", url=lambda: "/test/", phrases=("где спрятаться",))
    )
    try:
        assert [p.url for p in intended("Где СПРЯТАТЬСЯ?")] == ["/test/"]
        assert intended("спрятаться") == []  # «где» is a stop word, but the phrase needs it
        assert [p.url for p in intended("написали жалобу")] == ["/report/"]  # «жалоба»
        assert intended("на нас написали") == []  # «куда написать» is not «написали»
    finally:
        unregister_intent("test")
