"""News on a phone in real Chromium: filter by topic, open an article, no axe violations."""

from urllib.parse import unquote

from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations, save_screenshot


def test_filter_news_by_topic_and_read_an_article_on_a_phone(phone, live_server, site_data):
    phone.goto(live_server.url + "/novosti/")
    expect(phone.locator("h1")).to_have_text("Новости")
    cards = phone.locator(".news-card")
    expect(cards).to_have_count(5)
    expect(cards.first.locator("time")).to_have_attribute("datetime", "2023-12-15")
    cover = cards.first.locator("img")
    expect(cover).to_have_attribute("loading", "lazy")
    assert cover.get_attribute("alt")
    assert "800w" in cover.get_attribute("srcset")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_axe_violations(phone)

    phone.get_by_label("Тема").select_option(label="медиация")
    phone.get_by_role("button", name="Показать").click()
    phone.wait_for_url("**/novosti/?tag=*")
    assert "tag=медиация" in unquote(phone.url)
    expect(cards).to_have_count(1)
    expect(phone.locator(".news-count")).to_contain_text("Найдено новостей: 1")
    save_screenshot(phone, "news-phone.png", full_page=True)

    cards.first.locator(".news-card__title a").click()
    expect(phone.locator("h1")).to_contain_text("Впечатляющие результаты")
    expect(phone.locator(".numbers__number").first).to_have_text("27")
    expect(phone.get_by_role("navigation", name="Вы здесь")).to_contain_text("Новости")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_axe_violations(phone)


def test_unknown_topic_is_a_helpful_page_without_axe_violations(phone, live_server, site_data):
    response = phone.goto(live_server.url + "/novosti/?tag=net-takoy-temy")
    assert response.status == 404
    expect(phone.locator(".news-problem")).to_contain_text("Новостей на тему")
    phone.get_by_role("link", name="Показать все новости").click()
    expect(phone.locator(".news-card")).to_have_count(5)
    assert_no_axe_violations(phone)
