"""The home page's first screen leads to help (issue 12, finding 5), measured in Chromium
on a 390×844 phone: the quick exit, each emergency number once, «Найти помощь рядом»
and «Сообщить о проблеме» all lie wholly inside the first screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import save_screenshot

SCREEN = {"width": 390, "height": 844}

# Visible text inside the first screen that shows a number (not part of a longer one).
COUNT_IN_FIRST_SCREEN = """(pattern) => {
  const re = new RegExp(pattern, "g");
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let count = 0;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || !parent.checkVisibility({ visibilityProperty: true })) continue;
    for (const match of node.data.matchAll(re)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const box = range.getBoundingClientRect();
      if (box.width > 0 && box.top >= 0 && box.bottom <= window.innerHeight) count += 1;
    }
  }
  return count;
}"""


@pytest.fixture
def small_phone(browser):
    context = browser.new_context(
        viewport=SCREEN, is_mobile=True, has_touch=True, locale="ru-RU", device_scale_factor=2
    )
    page = context.new_page()
    yield page
    context.close()


def assert_in_first_screen(locator) -> None:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= SCREEN["height"], box


@pytest.mark.parametrize("language", ["ru", "en"])
def test_first_screen_of_the_home_page_leads_to_help(small_phone, live_server, site_data, language):
    page = small_phone
    page.goto(live_server.url + ("/" if language == "ru" else "/en/"))
    assert_in_first_screen(page.locator("a[data-quick-exit]"))
    actions = page.locator("main .hero__actions a")
    expect(actions).to_have_count(2)
    for action in actions.all():
        assert_in_first_screen(action)
    if language == "ru":
        expect(actions.nth(0)).to_have_text("Найти помощь рядом")
        expect(actions.nth(1)).to_have_text(re.compile("^Сообщить о проблеме"))

    for number, href in [("112", "tel:112"), ("8-800-2000-122", "tel:88002000122")]:
        links = page.locator(f"a[href='{href}']")
        in_screen = [
            link
            for link in links.all()
            if link.is_visible() and (box := link.bounding_box()) and box["y"] < SCREEN["height"]
        ]
        assert len(in_screen) == 1, f"{number}: {len(in_screen)} links in the first screen"
        assert_in_first_screen(in_screen[0])
        pattern = r"(?<![\d-])" + re.escape(number) + r"(?![\d-])"
        shown = page.evaluate(COUNT_IN_FIRST_SCREEN, pattern)
        assert shown == 1, f"{number} is shown {shown} times in the first screen"

    if language == "ru":
        save_screenshot(page, "home-first-screen.png")
