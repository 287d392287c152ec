"""A heading reached by an in-page link is not hidden under the sticky quick-exit bar
(issue 12, smaller findings), on a phone and on a desktop, where the bar's height differs."""

import pytest

pytestmark = pytest.mark.browser

BAR_AND_TARGET = """(id) => {
  const bar = document.querySelector(".quick-exit").getBoundingClientRect();
  const target = document.getElementById(id).getBoundingClientRect();
  return { barBottom: bar.bottom, targetTop: target.top };
}"""


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}]
)
def test_kind_links_on_a_district_page_land_below_the_bar(
    browser, live_server, site_data, viewport
):
    context = browser.new_context(viewport=viewport, locale="ru-RU")
    page = context.new_page()
    page.goto(live_server.url + "/services/district/vologda/")
    # Room below the last section, so that any heading can be scrolled to the top.
    page.evaluate("document.body.style.paddingBottom = '200vh'")
    links = page.locator(".kind-index a")
    assert links.count() >= 2
    last = links.nth(links.count() - 1)
    target = last.get_attribute("href").lstrip("#")
    last.click()
    page.wait_for_function("(id) => location.hash === '#' + id", arg=target)
    page.wait_for_timeout(300)  # smooth scrolling, if any, has settled
    box = page.evaluate(BAR_AND_TARGET, target)
    assert box["targetTop"] >= box["barBottom"], box
    assert box["targetTop"] <= box["barBottom"] + 48, box  # scrolled to just below the bar
    context.close()
