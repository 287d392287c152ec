"""Sealed reports in real Chromium (issue 11, point 6): a specialist signs in with the
password and the app's code, reads a report of their district and writes to the reporter;
the reporter reads it with the receipt code alone and replies; a specialist of another
district sees nothing; repeated wrong passwords hold the account."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safechildhood.core.models import SignInThrottle
from safechildhood.requests.models import Report, ReportKeyGrant
from tests.browser.conftest import admin_sign_in

DESCRIPTION = "Мальчик лет семи из кв. 14 ночует на лестнице"
QUESTION = "Спасибо. В каком подъезде это было?"
ANSWER = "Во втором подъезде, у лифта"


# Wagtail's «Выйти» posts a form; the same, from the report page's CSRF token.
LOG_OUT = """() => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = '/admin/logout/';
    const token = document.createElement('input');
    token.name = 'csrfmiddlewaretoken';
    token.value = document.querySelector('input[name=csrfmiddlewaretoken]').value;
    form.appendChild(token);
    document.body.appendChild(form);
    form.submit();
}"""


@pytest.fixture
def sealed_site(demo_snapshot, transactional_db, settings):
    """Two specialists who signed in before (key pairs made) and a report of the first
    one's district, sent from the site (its key sealed to that specialist and the escrow)."""
    from django.core.cache import cache

    from safechildhood.core.signin import keyring
    from safechildhood.registry.models import District
    from safechildhood.requests import services
    from tests.requests.factories import SPECIALISTS, make_staff
    from tests.signin import enrol_app, staff_password

    demo_snapshot.restore()
    cache.clear()
    mine, other = list(District.objects.order_by("name")[:2])
    for user in [
        make_staff("spec", SPECIALISTS, [mine]),
        make_staff("other", SPECIALISTS, [other]),
    ]:
        enrol_app(user)
        keyring.unlock(user, staff_password(user.get_username()))
    answers = {
        "category": "neglect",
        "description": DESCRIPTION,
        "district": str(mine.pk),
        "danger_now": "no",
    }
    report, code = services.create_report(answers, token="browser-test", verified_by="pow")
    yield report, code
    cache.clear()


def test_specialist_and_reporter_talk_through_a_sealed_report(browser, live_server, sealed_site):
    report, code = sealed_site
    base = live_server.url
    assert set(
        ReportKeyGrant.objects.filter(report=report).values_list("user__username", flat=True)
    ) == {"spec", None}

    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    admin = staff.new_page()
    admin.set_default_timeout(60_000)
    admin_sign_in(admin, base, "spec")  # password, then pyotp's code for the app
    assert any(c["name"] == "sc_keyring" and c["httpOnly"] for c in staff.cookies())
    admin.goto(base + f"/admin/inbox/{report.pk}/")
    expect(admin.locator("[data-report-description]")).to_have_text(DESCRIPTION)
    admin.get_by_label("Сообщение заявителю").fill(QUESTION)
    admin.get_by_role("button", name="Отправить заявителю").click()
    expect(admin.locator("[data-report-message]")).to_have_text(QUESTION)

    reporter = browser.new_context(locale="ru-RU")
    page = reporter.new_page()
    page.goto(base + "/report/status/")
    page.fill("#id_code", " ".join(re.findall(".{4}", code)))
    page.click("form[action='/report/status/'] button[type=submit]")
    expect(page.locator(".messages")).to_contain_text(QUESTION)
    page.fill("#id_body", ANSWER)
    page.click("form[action='/report/status/message/'] button[type=submit]")
    expect(page.locator(".notice")).to_contain_text("отправлено")
    expect(page.locator(".messages")).to_contain_text(ANSWER)
    reporter.close()

    admin.reload()
    expect(admin.locator("[data-report-message]").last).to_have_text(ANSWER)
    # Logging out drops the cookie half of the key.
    admin.evaluate(LOG_OUT)
    admin.wait_for_url(re.compile(r"/admin/login/"))
    assert not any(c["name"] == "sc_keyring" for c in staff.cookies())
    staff.close()

    stranger = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    other = stranger.new_page()
    other.set_default_timeout(60_000)
    admin_sign_in(other, base, "other")
    other.goto(base + "/admin/inbox/")
    expect(other.get_by_role("link", name=str(report))).to_have_count(0)
    assert other.goto(base + f"/admin/inbox/{report.pk}/").status == 404
    stranger.close()
    assert (
        Report.objects.get(pk=report.pk).log_entries.filter(action="requests.view_content").exists()
    )


def test_repeated_wrong_passwords_hold_the_specialist(browser, live_server, sealed_site):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="ru-RU")
    page = context.new_page()
    for attempt in range(5):
        SignInThrottle.objects.filter(held=False).update(locked_until=None)  # skip the pauses
        page.goto(live_server.url + "/admin/login/")
        page.get_by_label("Имя пользователя").fill("spec")
        page.get_by_label("Пароль").fill(f"не-тот-пароль-{attempt}")
        page.get_by_role("button", name="Войти").click()
    hold = SignInThrottle.objects.get(held=True)
    until = timezone.localtime(hold.locked_until).strftime("%H:%M")
    expect(page.locator(".messages")).to_contain_text(
        f"Вход временно приостановлен после нескольких неудачных попыток подряд. "
        f"Попробуйте снова после {until}"
    )
    context.close()
