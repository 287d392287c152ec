"""The browser tab and search engines read <title>: the site's name once, never twice."""

import re

import pytest

pytestmark = pytest.mark.django_db


def page_title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def test_home_title_names_the_site_once(client, home):
    assert home.title == "Безопасное детство"
    assert page_title(client.get("/")) == "Безопасное детство"


def test_english_home_title_names_the_site_once(client, english_home):
    assert page_title(client.get("/en/")) == "Safe Childhood"


def test_other_pages_add_the_site_name(client, standard_page):
    assert page_title(client.get(standard_page.url)) == "Как получить помощь — Безопасное детство"


def test_app_pages_add_the_site_name(client, home):
    assert page_title(client.get("/services/")).endswith("— Безопасное детство")


def test_title_is_escaped_once(client, home):
    from tests.factories import StandardPageFactory

    page = StandardPageFactory(parent=home, title="Вопросы & ответы", slug="faq")
    assert page_title(client.get(page.url)) == "Вопросы &amp; ответы — Безопасное детство"
