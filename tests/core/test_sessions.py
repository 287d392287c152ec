"""Session limits (idle, absolute) and the end of every other session on a password change."""

import time

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from safechildhood.core.signin import session
from tests.core.conftest import messages_of
from tests.signin import make_user, staff_password

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Новый-пароль-для-проверки-сеансов"  # noqa: S105 - a test password


def age_session(client, **seconds_ago) -> None:
    store = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        store[getattr(session, key)] = now - ago
    store.save()


def test_idle_session_ends_with_a_message_and_comes_back_to_the_page(client, specialist):
    client.force_login(specialist)
    assert client.get("/admin/inbox/").status_code == 200
    age_session(client, SEEN_AT=31 * 60)
    response = client.get("/admin/inbox/?status=new")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/inbox/%3Fstatus%3Dnew"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "Сеанс завершён: вы не работали в админке больше 30 минут. Войдите снова." in (
        messages_of(page)
    )


def test_activity_keeps_the_session_but_not_past_its_lifetime(client, specialist):
    client.force_login(specialist)
    age_session(client, SEEN_AT=29 * 60, SIGNED_IN_AT=11 * 3600)
    assert client.get("/admin/").status_code == 200
    assert time.time() - client.session[session.SEEN_AT] < 5  # the request counted
    age_session(client, SEEN_AT=60, SIGNED_IN_AT=12 * 3600 + 1)
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/login/")
    page = client.get(response["Location"])
    assert "Сеанс завершён: с момента входа прошло 12 часов. Войдите снова." in messages_of(page)


def test_the_last_seen_time_is_written_at_most_once_a_minute(client, editor):
    client.force_login(editor)
    age_session(client, SEEN_AT=30)
    before = client.session[session.SEEN_AT]
    client.get("/admin/")
    assert client.session[session.SEEN_AT] == before


def test_limits_come_from_the_environment(client, editor, settings):
    settings.ADMIN_SESSION_IDLE_MINUTES = 5
    client.force_login(editor)
    age_session(client, SEEN_AT=6 * 60)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_the_cookie_lives_no_longer_than_the_session(settings):
    assert settings.SESSION_COOKIE_AGE == settings.ADMIN_SESSION_MAX_HOURS * 3600 == 12 * 3600
    assert settings.ADMIN_SESSION_IDLE_MINUTES == 30


def test_a_post_after_the_limit_is_not_applied(client, editor):
    client.force_login(editor)
    age_session(client, SEEN_AT=31 * 60)
    response = client.post("/admin/account/two-factor/", {"action": "turn_off"})
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_an_expired_session_on_the_public_site_just_ends(client, editor):
    client.force_login(editor)
    age_session(client, SEEN_AT=31 * 60)
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def form_data(form) -> dict:
    """What the browser would send back for an unchanged form."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or value == "":
            continue
        data[form.add_prefix(name)] = "on" if value is True else value
    return data


def sessions_of(user, count: int):
    from django.test import Client

    clients = [Client() for _ in range(count)]
    for other in clients:
        other.force_login(user)
        assert other.get("/admin/").status_code == 200
    return clients


def test_changing_ones_password_ends_every_other_session(client, editor):
    editor.first_name, editor.last_name, editor.email = "Ольга", "Редакторова", "o@example.org"
    editor.save()
    this, other = sessions_of(editor, 2)
    page = this.get("/admin/account/")
    data = {}
    for panels in page.context["panels_by_tab"].values():
        for panel in panels:
            data.update(form_data(panel.get_form()))
    data.update(
        {
            "password-old_password": staff_password("redaktor"),
            "password-new_password1": NEW_PASSWORD,
            "password-new_password2": NEW_PASSWORD,
        }
    )
    response = this.post("/admin/account/", data)
    assert response.status_code == 302
    assert this.get("/admin/").status_code == 200
    assert other.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_password_set_by_an_administrator_ends_all_sessions(client, editor):
    (victim,) = sessions_of(editor, 1)
    boss = make_user("boss", is_staff=True, is_superuser=True)
    client.force_login(boss)
    page = client.get(f"/admin/users/edit/{editor.pk}/")
    assert page.status_code == 200
    data = form_data(page.context["form"])
    data.update(
        email="redaktor@example.org",
        first_name="Ольга",
        last_name="Редакторова",
        password1=NEW_PASSWORD,
        password2=NEW_PASSWORD,
    )
    response = client.post(f"/admin/users/edit/{editor.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert victim.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_password_reset_ends_all_sessions(client, editor):
    editor.email = "redaktor@example.org"
    editor.save()
    (victim,) = sessions_of(editor, 1)
    client.post("/admin/password_reset/", {"email": "redaktor@example.org"})
    assert len(mail.outbox) == 1
    uid = urlsafe_base64_encode(force_bytes(editor.pk))
    token = default_token_generator.make_token(editor)
    response = client.get(f"/admin/password_reset/confirm/{uid}/{token}/")
    assert response.status_code == 302  # Django moves the token into the session
    response = client.post(
        response["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert victim.get("/admin/")["Location"].startswith("/admin/login/")
    assert settings.PASSWORD_HASHERS  # the new password works
    fresh = client.post("/admin/login/", {"username": "redaktor", "password": NEW_PASSWORD})
    assert fresh.status_code == 302


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ADMIN_SESSION_IDLE_MINUTES", "0"),
        ("ADMIN_SESSION_MAX_HOURS", "1000"),
        ("SIGNIN_HOLD_AFTER_FAILURES", "1"),
    ],
)
def test_unsafe_limits_stop_the_server_at_start(name, value):
    import os
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "safechildhood.settings.test", name: value},
    )
    assert result.returncode != 0
    assert f"{name}={value} is outside the safe range" in result.stderr
