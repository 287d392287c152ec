"""Report a concern in real Chromium: keyboard only, with and without JavaScript, and the inbox."""

import re

import pytest
from playwright.sync_api import expect

from safechildhood.requests.models import Report, Verification
from tests.browser.conftest import (
    admin_sign_in,
    assert_no_axe_violations,
    save_screenshot,
)
from tests.signin import enrol_app

DESCRIPTION = "Соседские дети третий день одни, ночью плачут"


@pytest.fixture
def report_site(demo_snapshot, transactional_db, settings):
    """The demo site, a short minimum fill time and a cheap proof of work for the test."""
    from django.core.cache import cache

    from safechildhood.core.signin import keyring
    from safechildhood.registry.models import District
    from tests.requests.factories import SPECIALISTS, make_staff
    from tests.signin import staff_password

    demo_snapshot.restore()
    cache.clear()
    settings.REPORTS_MIN_FILL_SECONDS = 1
    settings.REPORTS_ALTCHA_COST = 1000
    districts = list(District.objects.order_by("name")[:2])
    assert len(districts) == 2, "the demo registry provides districts"
    mine, other = districts
    for user in [
        make_staff("spec", SPECIALISTS, [mine]),
        make_staff("other", SPECIALISTS, [other]),
    ]:
        enrol_app(user)  # specialists sign in with a second factor
        keyring.unlock(user, staff_password(user.get_username()))  # they signed in before
    yield mine
    cache.clear()


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element is focused (keyboard only, as a visitor would)."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def log_in(page, base: str, username: str) -> None:
    admin_sign_in(page, base, username)


def test_keyboard_only_report_reaches_the_districts_inbox_only(
    desktop, browser, live_server, report_site
):
    district = report_site
    page = desktop
    csp = watch_csp(page)
    page.goto(live_server.url + "/report/")
    assert_no_axe_violations(page)

    tab_to(page, "a.start-button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/report/form/$"))
    expect(page.locator("altcha-widget")).to_be_attached()
    assert_no_axe_violations(page)

    # Continue with nothing filled: the error summary takes focus.
    tab_to(page, "form.report-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page).to_have_title(re.compile("^Ошибка:"))
    assert_no_axe_violations(page)

    # What worries you: the 2nd option, with the arrow key.
    tab_to(page, "#id_category_0")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_category_1")).to_be_checked()
    tab_to(page, "#id_description")
    page.keyboard.type(DESCRIPTION)
    tab_to(page, "#id_district")
    index = page.locator("#id_district option").evaluate_all(
        f"(options) => options.findIndex(o => o.value === '{district.pk}')"
    )
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    expect(page.locator("#id_district")).to_have_value(str(district.pk))
    tab_to(page, "#id_place")
    page.keyboard.type("ул. Ленина, 5")
    # Danger now: yes reveals the 112 reminder at once.
    tab_to(page, "#id_danger_now_0")
    page.keyboard.press("Space")
    expect(page.locator("#danger-callout")).to_be_visible()
    expect(page.locator("#danger-callout a[href='tel:112']")).to_be_visible()
    # Anonymous stays chosen; contact fields stay hidden.
    expect(page.locator("#id_contact_preference_0")).to_be_checked()
    expect(page.locator("#contact-details")).to_be_hidden()

    # The proof of work runs by itself (self-hosted ALTCHA, under our CSP).
    page.wait_for_function(
        "() => { const i = document.querySelector('input[name=altcha]'); return i && i.value }",
        timeout=60_000,
    )
    tab_to(page, "form.report-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/report/form/$"))
    expect(page.locator("h1")).to_have_text("Проверьте сообщение перед отправкой")
    expect(page.locator(".summary")).to_contain_text(DESCRIPTION)
    expect(page.locator(".warning a[href='tel:112']")).to_be_visible()
    assert_no_axe_violations(page)

    tab_to(page, "form[action='/report/send/'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/report/send/$"))
    receipt = page.locator("[data-receipt]")
    expect(receipt).to_have_text(re.compile(r"^\d{4} \d{4} \d{4} \d{4}$"))
    assert_no_axe_violations(page)
    save_screenshot(page, "report-confirmation.png", full_page=True)
    assert csp == []

    report = Report.objects.get(is_demo=False)
    assert report.urgent and report.district == district
    assert report.verified_by == Verification.PROOF_OF_WORK

    page.goto(live_server.url + "/report/status/")
    assert_no_axe_violations(page)

    # The district's specialist sees it in the inbox...
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    admin = staff.new_page()
    log_in(admin, live_server.url, "spec")
    admin.goto(live_server.url + "/admin/inbox/")
    expect(admin.get_by_role("link", name=str(report))).to_be_visible()
    admin.get_by_role("link", name=str(report)).click()
    expect(admin.locator("[data-report-description]")).to_have_text(DESCRIPTION)
    staff.close()

    # ...a specialist of another district gets nothing.
    stranger = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    other = stranger.new_page()
    log_in(other, live_server.url, "other")
    other.goto(live_server.url + "/admin/inbox/")
    expect(other.get_by_role("link", name=str(report))).to_have_count(0)
    response = other.goto(live_server.url + f"/admin/inbox/{report.pk}/")
    assert response.status == 404
    stranger.close()


def test_form_and_status_page_work_without_javascript(browser, live_server, report_site):
    district = report_site
    context = browser.new_context(java_script_enabled=False, locale="ru-RU")
    page = context.new_page()
    page.goto(live_server.url + "/report/form/")
    # Without JavaScript the conditional parts are simply shown.
    expect(page.locator("#contact-details")).to_be_visible()
    page.check("#id_category_2")
    page.fill("#id_description", DESCRIPTION)
    page.select_option("#id_district", str(district.pk))
    page.check("#id_danger_now_1")
    page.check("#id_contact_preference_1")
    page.fill("#id_contact_phone", "8 900 123-45-67")
    page.wait_for_timeout(1100)  # the minimum fill time
    page.click("form.report-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Проверьте сообщение перед отправкой")
    # Consent is asked only now, since contact details were given.
    page.click("form[action='/report/send/'] button[type=submit]")
    expect(page.locator(".error-summary")).to_contain_text("Подтвердите согласие")
    page.check("#id_consent")
    page.click("form[action='/report/send/'] button[type=submit]")
    code = re.sub(r"\D", "", page.locator("[data-receipt]").inner_text())
    assert len(code) == 16
    report = Report.objects.get(is_demo=False)
    assert report.verified_by == Verification.NONE and report.wants_contact

    from safechildhood.requests import services

    services.message_reporter(report, "Спасибо, мы выехали. Какой подъезд?", None)
    page.goto(live_server.url + "/report/status/")
    page.fill("#id_code", " ".join(re.findall(".{4}", code)))
    page.click("form[action='/report/status/'] button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Какой подъезд?")
    page.fill("#id_body", "Второй подъезд")
    page.click("form[action='/report/status/message/'] button[type=submit]")
    expect(page.locator(".notice")).to_contain_text("отправлено")
    expect(page.locator(".messages")).to_contain_text("Второй подъезд")
    context.close()
