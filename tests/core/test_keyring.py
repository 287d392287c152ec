"""The session keyring: a reader's private key, unlocked at sign-in, kept in two halves."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session

from safechildhood.core import keys
from safechildhood.core.models import UserKeyPair
from safechildhood.core.signin import keyring
from tests.core.conftest import login
from tests.signin import enrol_app, fresh_code, staff_password

pytestmark = pytest.mark.django_db


def test_first_sign_in_makes_a_key_pair_wrapped_under_the_password(client, specialist):
    response = login(client, "spec", staff_password("spec"))
    assert response.status_code == 302
    pair = UserKeyPair.objects.get(user=specialist)
    assert keys.valid_public_key(pair.public_key)
    private = keyring.unlock(specialist, staff_password("spec"))
    assert keys.public_of(private) == pair.public_key
    assert private not in keys.unb64(pair.wrapped_private_key)


def test_the_key_lives_in_two_halves_and_goes_at_logout(client, specialist):
    totp = enrol_app(specialist)
    response = login(client, "spec", staff_password("spec"))
    cookie = response.cookies[settings.KEYRING_COOKIE_NAME]
    assert cookie["httponly"] and cookie["path"] == "/admin/" and cookie["samesite"] == "Lax"
    stored = client.session[keyring.SESSION_KEY]
    private = keyring.unlock(specialist, staff_password("spec"))
    # Neither half alone opens it; both together do.
    assert keys.unstash(stored, keys.b64(keys.random_key())) is None
    assert keys.unstash(stored, cookie.value) == private
    session_rows = "".join(s.session_data for s in Session.objects.all())
    assert cookie.value not in session_rows
    client.post("/admin/sign-in/verify/", {"code": fresh_code(totp)})
    assert client.get("/admin/").status_code == 200
    logged_out = client.post("/admin/logout/")
    assert logged_out.cookies[settings.KEYRING_COOKIE_NAME].value == ""


def test_public_pages_do_not_touch_the_user_or_the_session(rf):
    """Outside the admin the middleware passes the request on untouched (no Vary: Cookie)."""
    from django.http import HttpResponse

    class Untouchable:
        def __getattr__(self, name):
            raise AssertionError(f"touched: {name}")

    request = rf.get("/novosti/")
    request.user = Untouchable()
    request.session = Untouchable()
    response = keyring.KeyringMiddleware(lambda r: HttpResponse("ok"))(request)
    assert response.status_code == 200 and not response.cookies


def test_a_password_set_by_someone_else_loses_the_key_pair(client, specialist):
    login(client, "spec", staff_password("spec"))
    specialist.set_password("Пароль-от-администратора-77")
    specialist.save()
    assert not UserKeyPair.objects.filter(user=specialist).exists()
