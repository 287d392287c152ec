"""Coordinators: reset a colleague's second factor, lift a hold, read the sign-in log."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import registry

from safechildhood.core.models import AccountLogEntry, SignInThrottle
from safechildhood.core.signin import audit, devices, session, throttle
from tests.core.conftest import login
from tests.signin import make_user, staff_password

pytestmark = pytest.mark.django_db


def test_the_staff_page_shows_factors_and_holds(client, coordinator, specialist, editor):
    devices.new_recovery_codes(specialist)
    client.force_login(specialist)  # enrols the specialist's app
    for _ in range(5):
        SignInThrottle.objects.filter(held=False).update(locked_until=None)
        login(client, "redaktor", "не-тот-пароль")
    client.force_login(coordinator)
    page = client.get("/admin/staff-sign-in/").content.decode()
    rows = {row.split('"')[0]: row for row in page.split('data-staff="')[1:]}
    assert "приложение; 10 кодов восстановления" in " ".join(rows["spec"].split())
    assert "приостановлен до" in rows["redaktor"] and "Открыть вход" in rows["redaktor"]
    assert "не подключён (необязателен)" in rows["redaktor"]
    assert "Сбросить второй фактор" in rows["spec"]
    assert "Сбросить второй фактор" not in rows["coord"]  # not one's own


def test_a_coordinator_resets_a_specialists_second_factor(client, coordinator, specialist):
    other = make_user("spec-other")
    specialist_client = client.__class__()
    specialist_client.force_login(specialist)
    devices.new_recovery_codes(specialist)
    assert specialist_client.get("/admin/inbox/").status_code == 200
    store = specialist_client.session
    store[session.PASSWORD_AT] = time.time() - 3600  # signed in an hour ago
    store.save()

    client.force_login(coordinator)
    confirm = client.get(f"/admin/staff-sign-in/{specialist.pk}/reset/")
    assert "Сбросить второй фактор сотрудника" in confirm.content.decode()
    response = client.post(f"/admin/staff-sign-in/{specialist.pk}/reset/")
    assert response["Location"] == "/admin/staff-sign-in/"
    assert not TOTPDevice.objects.filter(user=specialist).exists()
    assert not StaticDevice.objects.filter(user=specialist).exists()
    entry = AccountLogEntry.objects.get(action=audit.RESET)
    assert entry.object_id == str(specialist.pk) and entry.user == coordinator
    assert not AccountLogEntry.objects.filter(object_id=str(other.pk)).exists()

    # The specialist's open session no longer opens the admin, nor lets anyone enrol a phone.
    response = specialist_client.get("/admin/inbox/")
    assert response["Location"].startswith("/admin/sign-in/setup/")
    response = specialist_client.get(response["Location"])
    assert response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in specialist_client.session
    # At the next sign-in they enrol again.
    response = login(specialist_client, "spec", staff_password("spec"))
    assert response["Location"].startswith("/admin/sign-in/setup/")


def refused(response) -> bool:
    """Wagtail answers a refused admin action with the dashboard and a message."""
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_who_may_reset_whom(client, coordinator, specialist, editor):
    boss = make_user("boss", is_staff=True, is_superuser=True)
    other_boss = make_user("boss2", is_staff=True, is_superuser=True)
    client.force_login(boss)  # the boss and the coordinator have an app now
    client.force_login(coordinator)
    assert refused(client.post(f"/admin/staff-sign-in/{boss.pk}/reset/"))
    assert refused(client.post(f"/admin/staff-sign-in/{coordinator.pk}/reset/"))
    assert refused(client.post(f"/admin/staff-sign-in/{boss.pk}/lift-hold/"))
    assert TOTPDevice.objects.filter(user=boss).exists()
    assert TOTPDevice.objects.filter(user=coordinator).exists()
    client.force_login(specialist)
    assert refused(client.get("/admin/staff-sign-in/"))
    assert refused(client.post(f"/admin/staff-sign-in/{editor.pk}/reset/"))
    client.force_login(other_boss)
    assert client.post(f"/admin/staff-sign-in/{boss.pk}/reset/").status_code == 302
    assert not TOTPDevice.objects.filter(user=boss).exists()
    assert client.get("/admin/staff-sign-in/999999/reset/").status_code == 404


def test_a_coordinator_lifts_a_hold(client, coordinator, editor):
    for _ in range(5):
        SignInThrottle.objects.filter(held=False).update(locked_until=None)
        login(client, "redaktor", "не-тот-пароль")
    held = login(client, "redaktor", staff_password("redaktor"))
    assert "приостановлен" in held.content.decode()
    client.force_login(coordinator)
    assert client.get(f"/admin/staff-sign-in/{editor.pk}/lift-hold/").status_code == 302
    assert SignInThrottle.objects.exists()  # a GET changes nothing
    client.post(f"/admin/staff-sign-in/{editor.pk}/lift-hold/")
    assert not SignInThrottle.objects.exists()
    assert AccountLogEntry.objects.get(action=audit.HOLD_LIFTED).user == coordinator
    client.post("/admin/logout/")
    assert login(client, "redaktor", staff_password("redaktor")).status_code == 302


def test_the_sign_in_log_is_for_coordinators(client, coordinator, specialist, editor):
    login(client, "nikto", "пароль-наугад")
    for _ in range(5):
        SignInThrottle.objects.filter(held=False).update(locked_until=None)
        login(client, "redaktor", "не-тот-пароль")
    client.force_login(coordinator)
    page = client.get("/admin/reports/staff-sign-ins/").content.decode()
    assert "Журнал входов сотрудников" in page
    assert "Неверный пароль для несуществующего имени пользователя" in page
    assert "Неудачная попытка входа: неверный пароль" in page
    assert "Вход приостановлен до" in page
    assert "nikto" not in page
    # Wagtail's site history includes them too, for coordinators.
    history = client.get("/admin/reports/site-history/").content.decode()
    assert "Неудачная попытка входа: неверный пароль" in history
    client.force_login(specialist)
    assert refused(client.get("/admin/reports/staff-sign-ins/"))
    history = client.get("/admin/reports/site-history/").content.decode()
    assert "redaktor" not in history


def test_actions_have_russian_and_english_labels():
    from django.utils import translation

    with translation.override("ru"):
        labels = dict(registry.get_choices())
        assert labels[audit.RESET] == "Сброс второго фактора"
    with translation.override("en"):
        assert str(dict(registry.get_choices())[audit.RESET]) == "Second factor reset"


def test_superusers_get_a_reset_button_in_the_users_list(client, specialist):
    boss = make_user("boss", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=specialist, name="app", confirmed=True)
    client.force_login(boss)
    page = client.get("/admin/users/").content.decode()
    assert f"/admin/staff-sign-in/{specialist.pk}/reset/" in page


def test_the_operator_resets_from_the_command_line(specialist, capsys):
    from django.core.management import CommandError, call_command

    TOTPDevice.objects.create(user=specialist, name="app", confirmed=True)
    devices.new_recovery_codes(specialist)
    SignInThrottle.objects.create(
        account_key=throttle.account_key("spec"),
        failures=5,
        holds=1,
        held=True,
        last_failure_at=timezone.now(),
        locked_until=timezone.now() + timedelta(minutes=15),
    )
    call_command("reset_second_factor", "spec")
    assert "removed" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=specialist).exists()
    assert not StaticDevice.objects.filter(user=specialist).exists()
    assert not SignInThrottle.objects.exists()
    entry = AccountLogEntry.objects.get(action=audit.RESET)
    assert entry.user is None and entry.data == {"via": "command"}
    with pytest.raises(CommandError):
        call_command("reset_second_factor", "nikto")


def test_the_sign_in_log_exports(client, coordinator, editor):
    login(client, "redaktor", "не-тот-пароль")
    client.force_login(coordinator)
    response = client.get("/admin/reports/staff-sign-ins/?export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "Неудачная попытка входа" in body and "redaktor" in body
    filtered = client.get(f"/admin/reports/staff-sign-ins/?action={audit.FAILED}")
    assert filtered.status_code == 200
