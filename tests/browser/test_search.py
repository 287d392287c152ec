"""Searching the whole site from the header on a phone, in real Chromium."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations, save_screenshot


def test_search_from_the_header_on_a_phone(phone, live_server, site_data):
    errors: list[str] = []
    phone.on("console", lambda message: message.type == "error" and errors.append(message.text))
    phone.on("pageerror", lambda error: errors.append(str(error)))

    phone.goto(live_server.url + "/")
    box = phone.get_by_role("searchbox", name="Поиск по сайту")
    expect(box).to_be_visible()
    box.fill("травля в школе")
    box.press("Enter")
    phone.wait_for_url(re.compile(r"/search/\?q="))

    expect(phone.locator("h1")).to_have_text("Поиск по сайту")
    expect(phone.locator(".search-count")).to_contain_text("Найдено результатов")
    first = phone.locator(".search-result").first
    expect(first.locator(".search-result__type")).to_contain_text("Служба помощи")
    expect(first.locator(".search-result__title")).to_contain_text("буллинге")
    expect(first.locator("mark").first).to_be_visible()
    expect(first.locator("a.phones__number").first).to_have_attribute("href", re.compile("^tel:"))
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_axe_violations(phone)
    save_screenshot(phone, "search-phone.png", full_page=True)

    # Narrow to pages with the type filter; Back returns to everything.
    phone.get_by_role("link", name=re.compile(r"^Новости \(")).click()
    phone.wait_for_url(re.compile(r"type=news"))
    expect(phone.locator(".search-types__link--current")).to_contain_text("Новости")
    phone.go_back()
    expect(phone.locator(".search-types__link--current")).to_contain_text("Всё")

    # A mistyped word is corrected; nothing found is never a dead end.
    phone.get_by_label("Что вы ищете?").fill("медиацыя")
    phone.get_by_role("button", name="Найти", exact=True).last.click()
    expect(phone.locator(".search-correction")).to_contain_text("«медиация»")
    expect(phone.locator(".search-result").first).to_contain_text("медиации")

    phone.get_by_label("Что вы ищете?").fill("кенгуру")
    phone.get_by_role("button", name="Найти", exact=True).last.click()
    empty = phone.locator(".search-empty")
    expect(empty).to_contain_text("ничего не нашлось")
    expect(empty.get_by_role("link", name="Поискать среди служб помощи")).to_be_visible()
    expect(empty.locator("a[href^='tel:']").first).to_be_visible()
    assert_no_axe_violations(phone)
    assert errors == []
