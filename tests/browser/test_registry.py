"""The registry on a phone in real Chromium: from the home page to a service's phone number."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations, save_screenshot

VOLOGDA = {"latitude": 59.2205, "longitude": 39.8915}


def watch_console(page) -> list[str]:
    """Collect errors (a CSP violation is reported here) for the test to assert on."""
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_choose_a_district_and_call_a_service_on_a_phone(phone, live_server, site_data):
    errors = watch_console(phone)
    phone.goto(live_server.url + "/")
    phone.get_by_role("link", name="Выбрать свой район").click()
    expect(phone.locator("h1")).to_have_text("Выберите свой район")
    assert_no_axe_violations(phone)

    phone.get_by_role("link", name="Вологда", exact=True).click()
    expect(phone.locator("h1")).to_contain_text("Вологда")
    expect(phone.locator(".kind-group").first).to_be_visible()
    # The script showed the map (markers on a plain background: no tile server here).
    expect(phone.locator(".registry-map .leaflet-marker-icon").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    mediation = phone.locator(".kind-group", has_text="Служба семейной медиации").first
    mediation.locator(".service-card__title a").first.click()
    expect(phone.locator("h1")).to_contain_text("медиации")
    call = phone.locator(".service__contacts .phones a").first
    expect(call).to_be_visible()
    assert re.fullmatch(r"tel:\+?\d{6,15}", call.get_attribute("href"))
    expect(phone.locator(".service__verified, .service__meta").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_axe_violations(phone)
    save_screenshot(phone, "registry-service-phone.png", full_page=True)

    # The correction form opens from its summary (native <details>, no script needed).
    phone.get_by_text("Сообщить об ошибке в этой записи").click()
    expect(phone.get_by_label("Что в записи неверно или устарело?")).to_be_visible()
    assert_no_axe_violations(phone)
    assert errors == []


def test_search_list_filters_and_nearest_first_by_geolocation(browser, live_server, site_data):
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="ru-RU",
        geolocation=VOLOGDA,
        permissions=["geolocation"],
    )
    phone = context.new_page()
    errors = watch_console(phone)
    try:
        phone.goto(live_server.url + "/services/?q=медиатор")
        expect(phone.locator(".registry-count")).to_contain_text("Найдено служб")
        expect(phone.locator(".service-card").first).to_be_visible()
        assert_no_axe_violations(phone)
        save_screenshot(phone, "registry-list-phone.png")

        phone.locator(".registry-filters-toggle__summary").click()
        phone.get_by_label("Открыто сейчас").check()
        phone.get_by_role("button", name="Показать", exact=True).click()
        phone.wait_for_url(re.compile(r"open_now=1"))
        expect(phone.get_by_label("Открыто сейчас")).to_be_checked()

        phone.goto(live_server.url + "/services/?q=медиатор")
        phone.locator(".registry-filters-toggle__summary").click()
        phone.get_by_role("button", name="Показать ближайшие ко мне").click()
        phone.wait_for_url(re.compile(r"near=59\.22\d(%2C|,)39\.89\d"))
        expect(phone.locator(".registry-count")).to_contain_text("Сначала ближайшие к вам")
        expect(phone.locator(".badge--distance").first).to_contain_text("км от вас")
        phone.go_back()
        expect(phone.locator("#registry-q")).to_have_value("медиатор")
        assert errors == []
    finally:
        context.close()


def test_unknown_district_page_without_axe_violations(phone, live_server, site_data):
    response = phone.goto(live_server.url + "/services/?district=net-takogo")
    assert response.status == 404
    expect(phone.locator("main .emergency")).to_contain_text("112")
    assert_no_axe_violations(phone)


def test_search_filters_service_page_and_correction_work_without_javascript(
    browser, live_server, site_data
):
    """Everything but geolocation and the map works with scripts off (a locked-down phone)."""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 375, "height": 740}, locale="ru-RU"
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/services/")
        # The script-only parts stay hidden: no dead geolocation button, no empty map.
        expect(page.get_by_role("button", name="Показать ближайшие ко мне")).to_be_hidden()
        expect(page.locator(".registry-map")).to_be_hidden()
        page.fill("#registry-q", "медиатор")
        # The filters (a native <details>) are open on the first visit.
        page.select_option("#registry-district", label="Вологда")
        page.get_by_role("button", name="Показать", exact=True).click()
        page.wait_for_url(re.compile(r"district=vologda"))
        expect(page.locator(".registry-count")).to_contain_text("Найден")
        expect(page.locator(".registry-count")).to_contain_text("Сначала ближайшие к центру района")
        mediation = page.locator(".service-card", has_text="Служба семейной медиации: Вологда")
        mediation.locator(".service-card__title a").click()
        expect(page.locator(".service__contacts .phones a").first).to_have_attribute(
            "href", re.compile(r"^tel:")
        )

        page.get_by_text("Сообщить об ошибке в этой записи").click()
        page.get_by_label("Что в записи неверно или устарело?").fill(
            "Телефон в записи больше не отвечает, служба переехала."
        )
        page.get_by_role("button", name=re.compile("Отправить")).click()
        expect(page.locator("h1")).to_contain_text("Спасибо")
        # (No axe run here: axe is a script, and scripts are off in this context.)
    finally:
        context.close()

    from safechildhood.registry.corrections import ServiceCorrection

    assert ServiceCorrection.objects.filter(description__startswith="Телефон в записи").exists()
