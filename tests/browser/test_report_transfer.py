"""Transfer in real Chromium (issue 13, acceptance): a report filed in district A is moved to
district B by A's specialist; B's specialist gets the alert e-mail (a link, no content),
follows its link, signs in with the password and the app's code, and reads the report."""

import re

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from safechildhood.requests.models import Report, ReportKeyGrant
from tests.browser.conftest import admin_sign_in
from tests.signin import fresh_code, staff_password, totp_for

DESCRIPTION = "Двое детей из дома 12 на Северной ночуют в подъезде"


@pytest.fixture
def two_districts(demo_snapshot, transactional_db, settings, live_server):
    """A specialist in each of two districts (signed in before: key pairs made, with an
    authenticator app and an address), and a report sent from the site in the first."""
    from django.core.cache import cache

    from safechildhood.core.signin import keyring
    from safechildhood.registry.models import District
    from safechildhood.requests import services
    from tests.requests.factories import SPECIALISTS, make_staff
    from tests.signin import enrol_app

    settings.WAGTAILADMIN_BASE_URL = live_server.url
    demo_snapshot.restore()
    cache.clear()
    first, second = list(District.objects.order_by("name")[:2])
    for username, district in [("spec_a", first), ("spec_b", second)]:
        user = make_staff(username, SPECIALISTS, [district])
        user.email = f"{username}@duty.example"
        user.save()
        enrol_app(user)
        keyring.unlock(user, staff_password(username))
    answers = {
        "category": "neglect",
        "description": DESCRIPTION,
        "district": str(first.pk),
        "danger_now": "no",
    }
    report, _code = services.create_report(answers, token="transfer-test", verified_by="pow")
    mail.outbox = []
    yield report, first, second
    cache.clear()


def test_a_report_moved_to_another_district_reaches_its_specialist(
    browser, live_server, two_districts
):
    report, first, second = two_districts
    base = live_server.url
    assert not ReportKeyGrant.objects.filter(report=report, user__username="spec_b").exists()

    a = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = a.new_page()
    page.set_default_timeout(60_000)
    admin_sign_in(page, base, "spec_a")
    page.goto(base + f"/admin/inbox/{report.pk}/")
    expect(page.locator("[data-report-description]")).to_have_text(DESCRIPTION)
    page.get_by_role("link", name="Передать в другой район").click()  # its own page
    page.wait_for_url(re.compile(rf"/admin/inbox/{report.pk}/transfer/$"))
    form = page.locator("form[data-transfer-form]")
    form.get_by_label("Новый район").select_option(label=second.name)
    form.get_by_label("Причина").select_option(label="Семья живёт или находится в другом районе")
    form.get_by_role("button", name="Передать").click()
    page.wait_for_url(re.compile(r"/admin/inbox/$"))
    expect(page.locator(".messages")).to_contain_text(f"Обращение передано: {second.name}")
    a.close()

    alerts = [m for m in mail.outbox if m.to == ["spec_b@duty.example"]]
    assert len(alerts) == 1
    message = alerts[0]
    assert message.subject == f"Обращение №{report.pk} передано в ваш район"
    assert DESCRIPTION not in message.body and second.name not in message.body
    link = re.search(r"http://\S+/admin/inbox/\d+/", message.body).group(0)
    assert link == f"{base}/admin/inbox/{report.pk}/"

    b = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = b.new_page()
    page.set_default_timeout(60_000)
    page.goto(link)  # signed out: the sign-in page first, then back to the report
    page.get_by_label("Имя пользователя").fill("spec_b")
    page.get_by_label("Пароль").fill(staff_password("spec_b"))
    page.locator("form button[type=submit]").first.click()
    device = TOTPDevice.objects.get(user__username="spec_b", confirmed=True)
    page.wait_for_url(re.compile(r"/admin/sign-in/verify/"))
    page.get_by_label("Код из приложения").fill(fresh_code(totp_for(device), device))
    page.get_by_role("button", name="Подтвердить").click()
    page.wait_for_url(re.compile(rf"/admin/inbox/{report.pk}/$"))
    expect(page.locator("[data-report-description]")).to_have_text(DESCRIPTION)
    expect(page.locator("tr[data-log-action='requests.transfer']")).to_contain_text(
        f"{first.name} → {second.name}"
    )
    b.close()
    assert Report.objects.get(pk=report.pk).district == second
