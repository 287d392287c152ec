"""Information pages render every body block editors can use."""

import pytest
from bs4 import BeautifulSoup

from tests.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


def test_standard_page_renders_all_blocks(client, home):
    body = [
        {"type": "heading", "value": {"text": "Куда звонить", "level": "h2"}},
        {"type": "paragraph", "value": "<p>Звоните <b>бесплатно</b>.</p>"},
        {
            "type": "call_to_action",
            "value": {
                "title": "Нужна помощь?",
                "text": "",
                "link_text": "Позвонить",
                "page": None,
                "url": "tel:88002000122",
            },
        },
        {
            "type": "accordion",
            "value": {
                "title": "Вопросы",
                "items": [{"question": "Нужно ли имя?", "answer": "<p>Нет, можно анонимно.</p>"}],
            },
        },
        {
            "type": "contacts",
            "value": {
                "title": "Телефоны",
                "contacts": [
                    {
                        "name": "Телефон доверия",
                        "phone": "8-800-2000-122",
                        "email": "",
                        "address": "",
                        "hours": "круглосуточно",
                    }
                ],
            },
        },
    ]
    page = StandardPageFactory(parent=home, title="Как получить помощь", slug="help")
    page.body = body
    page.save_revision().publish()

    response = client.get("/help/")
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    main = html.select_one("main")
    assert main.h1.get_text() == "Как получить помощь"
    assert main.find("h2", string="Куда звонить")
    assert main.select_one(".rich-text b").get_text() == "бесплатно"
    assert main.select_one(".cta a.button")["href"] == "tel:88002000122"
    details = main.select_one("details.accordion__item")
    assert details.summary.get_text().strip() == "Нужно ли имя?"
    assert main.select_one(".contacts a.contacts__phone")["href"] == "tel:88002000122"
    crumbs = html.select(".breadcrumbs li")
    assert [li.get_text(strip=True) for li in crumbs] == [
        "Безопасное детство",
        "Как получить помощь",
    ]
