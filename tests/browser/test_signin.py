"""Staff sign-in in real Chromium: enrolment, password and app code, a passkey, a hold."""

import re

import pyotp
import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from safechildhood.core.models import SignInThrottle
from tests.browser.conftest import admin_sign_in, assert_no_axe_violations
from tests.signin import fresh_code, staff_password, totp_for

CODE = "Код из приложения"


@pytest.fixture
def staff(demo_snapshot, transactional_db):
    """The demo site and a specialist of one district who has never signed in."""
    from django.core.cache import cache

    from safechildhood.registry.models import District
    from tests.requests.factories import SPECIALISTS, ReportFactory, make_staff

    demo_snapshot.restore()
    cache.clear()
    district = District.objects.order_by("name").first()
    make_staff("spec", SPECIALISTS, [district])
    report = ReportFactory(district=district)
    yield report
    cache.clear()


def fill_password(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/admin/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()


def test_specialist_enrols_then_signs_in_with_password_and_code_to_the_inbox(
    browser, live_server, staff
):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(60_000)  # a shared 2-core machine can be slow
    base = live_server.url

    # First sign-in: the password, then nothing but the set-up page.
    fill_password(page, base, "spec", staff_password("spec"))
    page.wait_for_url(re.compile(r"/admin/sign-in/setup/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Подключите приложение-аутентификатор"
    )
    expect(page.locator(".core-signin-qr svg")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(base + "/admin/inbox/")
    page.wait_for_url(re.compile(r"/admin/sign-in/setup/"))

    # The app reads the key; the code is pasted (with a space, as some apps copy it).
    secret = page.locator("[data-totp-secret]").inner_text().replace(" ", "")
    code = pyotp.TOTP(secret).now()
    field = page.get_by_label(CODE)
    assert field.get_attribute("autocomplete") == "one-time-code"
    assert field.get_attribute("inputmode") == "numeric"
    field.fill(f"{code[:3]} {code[3:]}")
    page.get_by_role("button", name="Подключить").click()

    page.wait_for_url(re.compile(r"/admin/sign-in/recovery-codes/"))
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Я сохранил(а) коды, продолжить").click()
    page.wait_for_url(re.compile(r"/admin/inbox/$"))
    expect(page.get_by_role("link", name=str(staff))).to_be_visible()

    # Next time: password and the app's code reach the inbox.
    context.clear_cookies()
    fill_password(page, base, "spec", staff_password("spec"))
    page.wait_for_url(re.compile(r"/admin/sign-in/verify/"))
    assert_no_axe_violations(page)
    device = TOTPDevice.objects.get(user__username="spec", confirmed=True)
    page.get_by_label(CODE).fill(fresh_code(totp_for(device), device))
    page.get_by_role("button", name="Подтвердить").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto(base + "/admin/inbox/")
    expect(page.get_by_role("link", name=str(staff))).to_be_visible()
    context.close()


def test_repeated_wrong_passwords_hold_the_account_and_say_when(browser, live_server, staff):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="ru-RU")
    page = context.new_page()
    for attempt in range(5):
        # The growing pause between attempts (1, 3, 7 s) is skipped, not the count.
        SignInThrottle.objects.filter(held=False).update(locked_until=None)
        fill_password(page, live_server.url, "spec", f"не-тот-пароль-{attempt}")
    hold = SignInThrottle.objects.get(held=True)
    until = timezone.localtime(hold.locked_until).strftime("%H:%M")
    messages = page.locator(".messages")
    expect(messages).to_contain_text("Неверное имя пользователя или пароль.")
    expect(messages).to_contain_text(
        f"Вход временно приостановлен после нескольких неудачных попыток подряд. "
        f"Попробуйте снова после {until} (через 15 минут)."
    )
    # The right password changes nothing while the hold lasts.
    fill_password(page, live_server.url, "spec", staff_password("spec"))
    expect(page.locator(".messages")).to_contain_text("Вход временно приостановлен")
    assert "/admin/login/" in page.url
    context.close()


def test_a_passkey_stands_in_for_the_code(browser, live_server, staff):
    """Chromium's virtual authenticator plays the phone's fingerprint sensor."""
    from tests.signin import enrol_app

    enrol_app(staff.district.inbox_scopes.get().user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    base = live_server.url.replace("127.0.0.1", "localhost")
    admin_sign_in(page, base, "spec")
    page.goto(base + "/admin/account/two-factor/")
    page.get_by_role("button", name="Добавить ключ доступа").click()
    expect(page.locator("[data-passkey-name]")).to_have_count(1, timeout=15000)

    context.clear_cookies()
    fill_password(page, base, "spec", staff_password("spec"))
    page.wait_for_url(re.compile(r"/admin/sign-in/verify/"))
    page.get_by_role("button", name="Войти с ключом доступа").click()
    page.wait_for_url(re.compile(r"/admin/$"), timeout=15000)
    context.close()
