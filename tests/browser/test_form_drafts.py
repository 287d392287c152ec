"""Nothing typed is lost (issue 12, finding 1), in real Chromium on the report form: Back
from the check page, «Изменить» then Back and reload, reload while typing, Esc while
typing, the quick exit (Shift three times) and a paste far over the length limit."""

import re

import pytest
from playwright.sync_api import expect
from wagtail.models import Site

from safechildhood.home.models import EmergencyContacts
from tests.browser.test_report import report_site  # noqa: F401 (fixture)

DESCRIPTION = "Соседские дети третий день одни, ночью плачут"


@pytest.fixture
def form_page(desktop, live_server, report_site):  # noqa: F811
    page = desktop
    page.goto(live_server.url + "/report/form/")
    page.check("#id_category_1")
    page.fill("#id_description", DESCRIPTION)
    page.select_option("#id_district", str(report_site.pk))
    page.fill("#id_place", "ул. Ленина, 5")
    page.check("#id_danger_now_1")
    return page


def assert_answers_kept(page, district) -> None:
    expect(page.locator("h1")).to_have_text("Сообщить о ребёнке в опасности")
    expect(page.locator("#id_description")).to_have_value(DESCRIPTION)
    expect(page.locator("#id_category_1")).to_be_checked()
    expect(page.locator("#id_district")).to_have_value(str(district.pk))
    expect(page.locator("#id_place")).to_have_value("ул. Ленина, 5")
    expect(page.locator("#id_danger_now_1")).to_be_checked()


def go_to_check_page(page) -> None:
    page.wait_for_function(
        "() => { const i = document.querySelector('input[name=altcha]'); return i && i.value }",
        timeout=60_000,
    )
    page.wait_for_timeout(1100)  # the minimum fill time
    page.click("form.report-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Проверьте сообщение перед отправкой")


def test_back_from_the_check_page_shows_the_answers(form_page, report_site):  # noqa: F811
    page = form_page
    go_to_check_page(page)
    page.go_back()
    assert_answers_kept(page, report_site)


def test_change_then_back_forward_and_reload_keep_the_answers(
    form_page,
    report_site,  # noqa: F811
):
    page = form_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    go_to_check_page(page)
    page.get_by_role("button", name=re.compile("^Изменить — описание")).click()
    assert_answers_kept(page, report_site)
    expect(page.locator("#id_description")).to_be_focused()
    # From here on, the page after «Изменить» is an ordinary page: nothing is posted again.
    methods: list[str] = []
    page.on(
        "request",
        lambda request: methods.append(request.method) if request.is_navigation_request() else None,
    )
    page.reload()
    assert_answers_kept(page, report_site)
    page.go_back()
    page.go_forward()
    assert_answers_kept(page, report_site)
    assert methods and set(methods) == {"GET"}, methods
    assert dialogs == []


def test_the_form_keeps_what_was_typed_across_a_reload(form_page, report_site):  # noqa: F811
    page = form_page
    page.reload()
    assert_answers_kept(page, report_site)


def test_escape_while_typing_does_not_leave_and_shift_three_times_does(
    form_page,
    report_site,  # noqa: F811
    live_server,
    neutral_site,
):
    contacts = EmergencyContacts.for_site(Site.objects.get(is_default_site=True))
    contacts.quick_exit_url = neutral_site
    contacts.save()
    page = form_page
    page.reload()  # the new exit address
    page.focus("#id_description")
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 400})
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert page.url.startswith(live_server.url), page.url
    expect(page.locator("#id_description")).to_have_value(DESCRIPTION)
    expect(page.locator("[data-quick-exit-hint]")).to_have_text(re.compile("Shift"))
    expect(page.locator("[data-quick-exit-hint]")).not_to_contain_text("Esc")

    page.focus("#id_description")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(neutral_site)
    # Coming back in the same tab, on purpose, finds the answers again.
    page.goto(live_server.url + "/report/form/")
    assert_answers_kept(page, report_site)


def test_sending_clears_the_answers_and_clear_erases_them_on_purpose(
    form_page,
    report_site,  # noqa: F811
    live_server,
):
    page = form_page
    page.get_by_role("button", name="Стереть ответы").click()
    expect(page.locator("#id_description")).to_have_value("")
    page.reload()
    expect(page.locator("#id_description")).to_have_value("")
    expect(page.locator("#id_category_1")).not_to_be_checked()

    page.check("#id_category_1")
    page.fill("#id_description", DESCRIPTION)
    page.select_option("#id_district", str(report_site.pk))
    page.check("#id_danger_now_1")
    go_to_check_page(page)
    page.click("form[action='/report/send/'] button[type=submit]")
    expect(page.locator("[data-receipt]")).to_have_text(re.compile(r"^\d{4} \d{4} \d{4} \d{4}$"))
    page.goto(live_server.url + "/report/form/")
    expect(page.locator("#id_description")).to_have_value("")
    assert page.evaluate("() => sessionStorage.length") == 0


def test_a_paste_over_the_limit_is_kept_counted_and_refused_with_a_reason(
    form_page,
    report_site,  # noqa: F811
):
    page = form_page
    text = "Очень длинное описание. " * 834  # 20,016 characters
    page.fill("#id_description", text)
    assert page.locator("#id_description").evaluate("el => el.value.length") == len(text)
    counter = page.locator("#id_description-counter")
    expect(counter).to_be_visible()
    expect(counter).to_contain_text(re.compile(r"15[\s\u00a0]?016"))
    page.wait_for_function(
        "() => { const i = document.querySelector('input[name=altcha]'); return i && i.value }",
        timeout=60_000,
    )
    page.wait_for_timeout(1100)  # the minimum fill time
    page.click("form.report-form button[type=submit]")
    expect(page.locator(".error-summary")).to_contain_text("5000")
    assert page.locator("#id_description").evaluate("el => el.value.length") == len(text)
