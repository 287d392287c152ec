"""The second factor: enrolment forced on first sign-in, verification, recovery codes."""

import re
import time

import pyotp
import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safechildhood.core.models import AccountLogEntry, SignInThrottle
from safechildhood.core.signin import audit, session
from tests.core.conftest import login, messages_of
from tests.signin import enrol_app, fresh_code, make_user, staff_password, totp_for

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/admin/", "/admin/inbox/", "/admin/pages/", "/admin/users/", "/admin/account/"]


def secret_on(page: str) -> str:
    match = re.search(r"<code[^>]*data-totp-secret>([A-Z2-7 ]+)</code>", page)
    return match.group(1).replace(" ", "")


def sign_in_and_enrol(client, username: str) -> tuple[pyotp.TOTP, list[str]]:
    """Password, then the set-up page with the app's code; returns the app and the codes."""
    login(client, username, staff_password(username))
    page = client.get("/admin/sign-in/setup/").content.decode()
    totp = pyotp.TOTP(secret_on(page))
    response = client.post("/admin/sign-in/setup/", {"code": totp.now()})
    assert response.status_code == 302
    assert response["Location"] == "/admin/sign-in/recovery-codes/"
    page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page)
    client.post("/admin/sign-in/recovery-codes/")
    return totp, codes


def test_first_sign_in_of_a_specialist_opens_nothing_before_enrolment(client, specialist):
    response = login(client, "spec", staff_password("spec"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/sign-in/setup/?next=")
    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/sign-in/setup/?next="), url
    # Outside the admin a half-signed-in user is nobody.
    assert client.get("/admin/sign-in/setup/").status_code == 200


def test_enrolment_with_the_app_then_recovery_codes_then_the_inbox(client, specialist):
    login(client, "spec", staff_password("spec"))
    page = client.get("/admin/sign-in/setup/").content.decode()
    assert "<svg" in page and "QR" in page  # an inline QR code, nothing loaded from elsewhere
    totp = pyotp.TOTP(secret_on(page))
    # A reload shows the same key (the app may already hold it).
    assert secret_on(client.get("/admin/sign-in/setup/").content.decode()) == secret_on(page)

    wrong = client.post("/admin/sign-in/setup/", {"code": "000000"})
    assert "Код не подошёл" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=specialist, confirmed=True).exists()
    TOTPDevice.objects.update(throttling_failure_timestamp=None)  # django-otp's 1 s back-off

    response = client.post("/admin/sign-in/setup/", {"code": totp.now()})
    assert response["Location"] == "/admin/sign-in/recovery-codes/"
    page = client.get("/admin/sign-in/recovery-codes/").content.decode()
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page)
    assert len(codes) == 10 and all(
        re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", c) for c in codes
    )
    assert client.post("/admin/sign-in/recovery-codes/")["Location"] == "/admin/"
    assert client.get("/admin/sign-in/recovery-codes/").status_code == 302  # shown once
    assert client.get("/admin/inbox/").status_code == 200

    actions = list(
        AccountLogEntry.objects.filter(object_id=str(specialist.pk))
        .order_by("pk")
        .values_list("action", "data")
    )
    assert actions == [
        (audit.TOTP_ENROLLED, {}),
        (audit.SIGNED_IN, {"method": "totp"}),
        (audit.RECOVERY_CODES, {}),
    ]


def test_enrolled_specialist_passes_password_and_code(client, specialist):
    totp = enrol_app(specialist)
    response = login(client, "spec", staff_password("spec"))
    assert response["Location"].startswith("/admin/sign-in/verify/?next=")
    page = client.get(response["Location"]).content.decode()
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", page).group(0)
    assert 'autocomplete="one-time-code"' in field and 'inputmode="numeric"' in field
    assert re.search(r'<label[^>]*for="id_code"', page)
    assert client.get("/admin/inbox/")["Location"].startswith("/admin/sign-in/verify/")

    key_before = client.session.session_key
    code = totp.now()
    response = client.post(
        "/admin/sign-in/verify/", {"code": f"{code[:3]} {code[3:]}", "next": "/admin/inbox/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/inbox/"
    assert client.session.session_key != key_before  # a verified session gets a new key
    assert client.get("/admin/inbox/").status_code == 200
    entry = AccountLogEntry.objects.get(action=audit.SIGNED_IN)
    assert entry.user == specialist and entry.data == {"method": "totp"}


def test_a_code_is_accepted_once(client, specialist):
    totp = enrol_app(specialist)
    code = totp.now()
    login(client, "spec", staff_password("spec"))
    assert client.post("/admin/sign-in/verify/", {"code": code}).status_code == 302
    client.post("/admin/logout/")
    login(client, "spec", staff_password("spec"))
    response = client.post("/admin/sign-in/verify/", {"code": code})
    assert response.status_code == 200 and "Код не подошёл" in response.content.decode()


def test_wrong_codes_count_and_the_fifth_holds_and_signs_out(client, specialist):
    enrol_app(specialist)
    device = TOTPDevice.objects.get(user=specialist)
    login(client, "spec", staff_password("spec"))
    for _attempt in range(5):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        SignInThrottle.objects.filter(held=False).update(locked_until=None)
        response = client.post("/admin/sign-in/verify/", {"code": "123456"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert any("Вход временно приостановлен" in message for message in messages_of(page))
    assert SignInThrottle.objects.get().held
    assert AccountLogEntry.objects.filter(action=audit.FAILED, data={"step": "totp"}).count() == 5


def test_the_apps_own_back_off_is_explained(client, specialist):
    enrol_app(specialist)
    login(client, "spec", staff_password("spec"))
    client.post("/admin/sign-in/verify/", {"code": "123456"})
    SignInThrottle.objects.update(locked_until=None)
    response = client.post("/admin/sign-in/verify/", {"code": "123456"})
    assert re.search(r"Подождите \d+ секунд[уы]? и введите новый код", response.content.decode())


def test_bad_input_is_a_message_not_an_error(client, specialist):
    enrol_app(specialist)
    login(client, "spec", staff_password("spec"))
    for code in ["", "12345", "abcdef", "١٢٣٤٥٦", "1" * 50]:
        response = client.post("/admin/sign-in/verify/", {"code": code})
        assert response.status_code == 200, code
        assert "error" in response.content.decode()
    assert not SignInThrottle.objects.exists()  # malformed input is not a guess


def test_recovery_code_works_once_and_warns_when_few_are_left(client, specialist):
    _totp, codes = sign_in_and_enrol(client, "spec")
    client.post("/admin/logout/")
    StaticToken.objects.exclude(token=codes[0].replace("-", "")).exclude(
        token=codes[1].replace("-", "")
    ).delete()
    login(client, "spec", staff_password("spec"))
    response = client.post("/admin/sign-in/recovery/", {"code": codes[0].upper()})
    assert response.status_code == 302
    follow = client.get("/admin/")
    assert any("Остался 1 код восстановления" in message for message in messages_of(follow))
    assert AccountLogEntry.objects.filter(
        action=audit.SIGNED_IN, data={"method": "recovery_code"}
    ).exists()

    client.post("/admin/logout/")
    login(client, "spec", staff_password("spec"))
    response = client.post("/admin/sign-in/recovery/", {"code": codes[0]})
    assert "уже использован" in response.content.decode()


def test_enrolment_needs_a_fresh_password(client, specialist):
    login(client, "spec", staff_password("spec"))
    store = client.session
    store[session.PASSWORD_AT] = time.time() - session.ENROL_WITHIN_SECONDS - 1
    store.save()
    response = client.get("/admin/sign-in/setup/")
    assert response["Location"].startswith("/admin/login/?next=/admin/sign-in/setup/")
    assert "_auth_user_id" not in client.session
    assert any(
        "войдите снова" in message for message in messages_of(client.get(response["Location"]))
    )


def test_who_must_use_a_second_factor(client, specialist, coordinator, editor, settings):
    superuser = make_user("boss", is_staff=True, is_superuser=True)
    for username in ["spec", "coord", "boss"]:
        client.post("/admin/logout/")
        response = login(client, username, staff_password(username))
        assert response["Location"].startswith("/admin/sign-in/setup/"), username
    client.post("/admin/logout/")
    response = login(client, "redaktor", staff_password("redaktor"))
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AccountLogEntry.objects.filter(
        action=audit.SIGNED_IN, object_id=str(editor.pk), data={"method": "password"}
    ).exists()
    assert superuser.is_superuser

    settings.TWO_FACTOR_REQUIRED_FOR_ALL_STAFF = True
    client.post("/admin/logout/")
    response = login(client, "redaktor", staff_password("redaktor"))
    assert response["Location"].startswith("/admin/sign-in/setup/")


def test_an_editor_may_turn_it_on_and_is_then_asked_every_time(client, editor):
    totp, _codes = sign_in_and_enrol(client, "redaktor")
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")
    response = login(client, "redaktor", staff_password("redaktor"))
    assert response["Location"].startswith("/admin/sign-in/verify/")
    device = TOTPDevice.objects.get(user=editor)
    client.post("/admin/sign-in/verify/", {"code": fresh_code(totp, device)})
    # ...and may turn it off again, since the role does not require it.
    response = client.post("/admin/account/two-factor/", {"action": "turn_off"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert AccountLogEntry.objects.filter(action=audit.TURNED_OFF).exists()


def test_a_required_second_factor_cannot_be_turned_off(client, specialist):
    client.force_login(specialist)
    client.post("/admin/account/two-factor/", {"action": "turn_off"})
    assert TOTPDevice.objects.filter(user=specialist, confirmed=True).exists()


def test_account_page_replaces_the_app_and_makes_new_codes(client, specialist):
    totp, codes = sign_in_and_enrol(client, "spec")
    page = client.get("/admin/account/two-factor/").content.decode()
    assert "Приложение-аутентификатор" in page and "Осталось 10 неиспользованных кодов." in page
    response = client.post("/admin/account/two-factor/", {"action": "new_codes"})
    assert response["Location"] == "/admin/sign-in/recovery-codes/"
    new_codes = re.findall(
        r"<li><code>([a-z0-9-]+)</code></li>", client.get(response["Location"]).content.decode()
    )
    assert set(new_codes).isdisjoint(codes)
    assert not StaticToken.objects.filter(token=codes[0].replace("-", "")).exists()

    old = TOTPDevice.objects.get(user=specialist, confirmed=True)
    page = client.get("/admin/sign-in/setup/").content.decode()
    assert "Замена приложения" in page
    new_totp = pyotp.TOTP(secret_on(page))
    response = client.post("/admin/sign-in/setup/", {"code": new_totp.now()})
    assert response["Location"] == "/admin/account/two-factor/"
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert AccountLogEntry.objects.filter(action=audit.TOTP_REPLACED).exists()
    assert totp_for(TOTPDevice.objects.get(user=specialist)).secret == new_totp.secret


def test_passkeys_need_the_app_first_and_never_replace_the_password(client, editor):
    client.force_login(editor)  # no app: an editor's role does not require one
    response = client.post(
        "/admin/sign-in/passkeys/registration/begin/", content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "app_required"
    client.post("/admin/logout/")
    response = client.post(
        "/admin/sign-in/passkeys/authentication/begin/", content_type="application/json"
    )
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_passkey_registration_is_offered_with_self_hosted_scripts(client, specialist):
    client.force_login(specialist)
    response = client.post(
        "/admin/sign-in/passkeys/registration/begin/", content_type="application/json"
    )
    assert response.status_code == 200
    options = response.json()
    assert options["rp"]["id"] == "testserver" and options["rp"]["name"] == "Безопасное детство"
    page = client.get("/admin/account/two-factor/").content.decode()
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert any(src.endswith("otp_webauthn_register.js") for src in scripts)
    assert all(src.startswith("/") for src in scripts)  # nothing from another site


def test_setup_and_verify_pages_follow_the_admin_language(client, specialist):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(specialist)
    profile.preferred_language = "en"
    profile.save()
    login(client, "spec", staff_password("spec"))
    page = client.get("/admin/sign-in/setup/").content.decode()
    assert "Set up an authenticator app" in page and "Code from the app" in page
    enrol_app(specialist)
    page = client.get("/admin/sign-in/verify/").content.decode()
    assert "Confirm your sign-in" in page


def test_with_only_recovery_codes_left_the_recovery_page_is_the_way(client, specialist):
    from safechildhood.core.signin import devices

    devices.new_recovery_codes(specialist)
    response = login(client, "spec", staff_password("spec"))
    assert response["Location"].startswith("/admin/sign-in/recovery/")
    assert client.get("/admin/sign-in/verify/")["Location"].startswith("/admin/sign-in/recovery/")
    assert client.get("/admin/sign-in/setup/")["Location"].startswith("/admin/sign-in/recovery/")


def test_with_only_a_passkey_the_verify_page_offers_the_passkey(client, specialist):
    from django_otp_webauthn.models import WebAuthnCredential

    WebAuthnCredential.objects.create(
        user=specialist,
        name="ключ",
        confirmed=True,
        credential_id=b"\x01" * 16,
        public_key=b"\x02" * 32,
        sign_count=0,
    )
    response = login(client, "spec", staff_password("spec"))
    assert response["Location"].startswith("/admin/sign-in/verify/")
    page = client.get(response["Location"]).content.decode()
    assert "Войти с ключом доступа" in page and 'name="code"' not in page
    response = client.post("/admin/sign-in/verify/", {"code": "123456"})
    assert "Приложение не подключено" in response.content.decode()


def test_outside_the_admin_a_half_signed_in_user_is_nobody(client, specialist, home):
    login(client, "spec", staff_password("spec"))
    page = client.get("/").content.decode()
    assert "wagtail-userbar" not in page  # the userbar (edit links) is for verified staff
    client.force_login(specialist)  # now with the second factor
    assert "wagtail-userbar" in client.get("/").content.decode()
