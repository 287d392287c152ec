"""The home page, quick exit and accessibility, in real Chromium."""

import re

import pytest
from playwright.sync_api import expect
from wagtail.models import Site

from safechildhood.home.models import EmergencyContacts, StandardPage
from tests.browser.conftest import assert_no_axe_violations, save_screenshot


@pytest.fixture
def exit_to(neutral_site, site_data):
    contacts = EmergencyContacts.for_site(Site.objects.get(is_default_site=True))
    contacts.quick_exit_url = neutral_site
    contacts.save()
    return neutral_site


def test_home_in_russian_and_english_shows_emergency_numbers(phone, live_server, site_data):
    phone.goto(live_server.url + "/")
    expect(phone.locator("html")).to_have_attribute("lang", "ru")
    hero = phone.locator("main .hero")
    expect(hero.locator("a[href='tel:112']")).to_be_visible()
    expect(hero.locator("a[href='tel:88002000122']")).to_be_visible()
    expect(hero.locator("a[href='tel:88002000122']")).to_contain_text("8-800-2000-122")
    save_screenshot(phone, "home-phone.png", full_page=True)

    phone.get_by_role("navigation", name="Язык сайта").get_by_role("link", name="English").click()
    expect(phone).to_have_url(live_server.url + "/en/")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.locator("main .hero a[href='tel:112']")).to_be_visible()
    expect(phone.locator("a[data-quick-exit]")).to_contain_text("Quick exit")


def test_desktop_screenshot_and_skip_link(desktop, live_server, site_data):
    desktop.goto(live_server.url + "/")
    desktop.keyboard.press("Tab")
    skip = desktop.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    desktop.keyboard.press("Tab")
    expect(desktop.locator("a[data-quick-exit]")).to_be_focused()
    save_screenshot(desktop, "home-desktop.png", full_page=True)


def test_quick_exit_button_leaves_and_back_does_not_return(phone, live_server, exit_to):
    phone.goto("about:blank")
    phone.goto(live_server.url + "/")
    phone.get_by_role("link", name=re.compile("Быстро покинуть сайт")).click()
    phone.wait_for_url(exit_to)
    expect(phone.locator("h1")).to_have_text("Погода")
    phone.go_back()
    assert not phone.url.startswith(live_server.url), phone.url


def test_quick_exit_from_the_keyboard(desktop, live_server, exit_to):
    """Shift three times, as GOV.UK's "Exit this page" (Esc is not a shortcut: issue 12)."""
    desktop.goto(live_server.url + "/")
    expect(desktop.locator("[data-quick-exit-hint]")).to_be_visible()
    desktop.keyboard.press("Escape")
    desktop.wait_for_timeout(300)
    assert desktop.url.startswith(live_server.url)
    for _ in range(3):
        desktop.keyboard.press("Shift")
    desktop.wait_for_url(exit_to)
    desktop.go_back()
    assert not desktop.url.startswith(live_server.url), desktop.url


def test_two_shift_presses_do_not_exit(desktop, live_server, exit_to):
    desktop.goto(live_server.url + "/")
    desktop.keyboard.press("Shift")
    desktop.keyboard.press("Shift")
    desktop.keyboard.press("a")
    desktop.keyboard.press("Shift")
    desktop.wait_for_timeout(300)
    assert desktop.url.startswith(live_server.url)


def test_quick_exit_without_javascript_is_a_plain_link(browser, live_server, exit_to):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    expect(page.locator("[data-quick-exit-hint]")).to_be_hidden()
    page.get_by_role("link", name=re.compile("Быстро покинуть сайт")).click()
    page.wait_for_url(exit_to)
    context.close()


def test_home_and_standard_page_have_no_axe_violations(phone, desktop, live_server, site_data):
    standard = StandardPage.objects.live().get(slug="kak-poluchit-pomoshch")
    for page in (phone, desktop):
        for url in ["/", standard.url, "/en/"]:
            page.goto(live_server.url + url)
            assert_no_axe_violations(page)
