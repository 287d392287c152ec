"""Login throttling: growing delays, then holds, per account and per client; no IP anywhere."""

import os
import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from safechildhood.core.models import AccountLogEntry, SignInThrottle
from safechildhood.core.signin import audit, throttle
from tests.core.conftest import login
from tests.signin import staff_password

pytestmark = pytest.mark.django_db

WRONG = "совсем-не-тот-пароль"


def errors_of(response) -> list[str]:
    return [str(error) for error in response.context["form"].non_field_errors()]


def fail(client, username: str, times: int, **extra) -> list:
    """Wrong passwords, each after any delay has passed (the delay is moved into the past)."""
    responses = []
    for _ in range(times):
        SignInThrottle.objects.filter(held=False).update(locked_until=None)
        responses.append(login(client, username, WRONG, **extra))
    return responses


def test_a_wrong_password_says_so_and_is_counted(client, editor):
    response = login(client, "redaktor", WRONG)
    assert response.status_code == 200
    assert errors_of(response) == ["Неверное имя пользователя или пароль."]
    row = SignInThrottle.objects.get()
    assert row.failures == 1 and row.locked_until is None


def test_delays_grow_after_each_failure(client, editor):
    delays = []
    for _ in range(4):
        SignInThrottle.objects.filter(held=False).update(locked_until=None)
        login(client, "redaktor", WRONG)
        row = SignInThrottle.objects.get()
        # From the failure itself: on a loaded machine each sign-in takes a while.
        waited = (row.locked_until - row.last_failure_at) if row.locked_until else None
        delays.append(round(waited.total_seconds()) if waited else 0)
    assert delays == [0, 1, 3, 7]


def test_an_attempt_during_a_delay_is_refused_without_checking_the_password(
    client, editor, monkeypatch
):
    fail(client, "redaktor", 3)  # now 3 seconds to wait
    checked = []
    monkeypatch.setattr(
        "django.contrib.auth.backends.ModelBackend.authenticate",
        lambda *args, **kwargs: checked.append(1),
    )
    response = login(client, "redaktor", staff_password("redaktor"))
    assert checked == []
    assert re.match(r"Подождите \d секунд[уы]? и попробуйте снова\.", errors_of(response)[0])
    assert "_auth_user_id" not in client.session


def test_fifth_failure_holds_the_account_for_15_minutes_with_the_time_to_return(client, editor):
    responses = fail(client, "redaktor", 5)
    errors = errors_of(responses[-1])
    assert errors[0] == "Неверное имя пользователя или пароль."
    assert "Вход временно приостановлен" in errors[1]
    row = SignInThrottle.objects.get()
    assert row.held and row.holds == 1
    assert timedelta(minutes=14) < row.locked_until - timezone.now() <= timedelta(minutes=15)
    until = timezone.localtime(row.locked_until).strftime("%H:%M")
    assert f"после {until} (через 15 минут)" in errors[1]

    # The right password does not open a held account, and costs no hash.
    response = login(client, "redaktor", staff_password("redaktor"))
    assert "Вход временно приостановлен" in errors_of(response)[0]
    assert "_auth_user_id" not in client.session


def test_holds_grow_and_a_success_forgets_everything(client, editor):
    fail(client, "redaktor", 5)
    SignInThrottle.objects.update(locked_until=timezone.now())  # the first hold is over
    fail(client, "redaktor", 5)
    row = SignInThrottle.objects.get()
    assert row.holds == 2
    assert timedelta(minutes=29) < row.locked_until - timezone.now() <= timedelta(minutes=30)

    SignInThrottle.objects.update(locked_until=timezone.now())
    response = login(client, "redaktor", staff_password("redaktor"))
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(editor.pk)
    assert not SignInThrottle.objects.exists()


def test_holds_are_capped(client, editor, settings):
    settings.SIGNIN_HOLD_MAX_HOURS = 1
    SignInThrottle.objects.create(
        account_key=throttle.account_key("redaktor"),
        failures=20,
        holds=4,
        last_failure_at=timezone.now(),
    )
    fail(client, "redaktor", 5)
    row = SignInThrottle.objects.get()
    assert row.holds == 5
    assert row.locked_until - timezone.now() <= timedelta(hours=1)


def test_unknown_user_names_get_exactly_the_same_answers(client, editor):
    known = [errors_of(response) for response in fail(client, "redaktor", 5)]
    unknown = [errors_of(response) for response in fail(client, "nikto-takoy", 5)]
    assert known == unknown
    assert SignInThrottle.objects.filter(held=True).count() == 2
    # And a held unknown name answers like a held account.
    assert errors_of(login(client, "nikto-takoy", WRONG)) == errors_of(
        login(client, "redaktor", WRONG)
    )


def test_case_and_spaces_do_not_make_a_new_name(client, editor):
    fail(client, "redaktor", 2)
    fail(client, " REDAKTOR ", 3)
    assert SignInThrottle.objects.get().held


def test_failures_are_forgotten_after_a_quiet_day(client, editor):
    fail(client, "redaktor", 4)
    SignInThrottle.objects.update(
        last_failure_at=timezone.now() - timedelta(hours=25), locked_until=None
    )
    fail(client, "redaktor", 1)
    assert SignInThrottle.objects.get().failures == 1


def test_per_client_limit_refuses_every_name_from_that_client(client, editor, settings):
    settings.SIGNIN_CLIENT_FAILURES = 6
    for index in range(6):
        login(client, f"guess-{index}", WRONG)
    response = login(client, "redaktor", staff_password("redaktor"))
    assert "С этого устройства было слишком много неудачных попыток входа" in errors_of(response)[0]
    assert "_auth_user_id" not in client.session
    # Another client is not affected.
    response = login(client, "redaktor", staff_password("redaktor"), REMOTE_ADDR="192.0.2.77")
    assert response.status_code == 302


def test_parallel_attempts_for_one_account_wait_their_turn(client, editor):
    with throttle.Attempt(RequestFactory().get("/", REMOTE_ADDR="192.0.2.1"), "redaktor") as first:
        assert first.refusal is None
        response = login(client, "redaktor", staff_password("redaktor"))
        assert "Подождите" in errors_of(response)[0]
    assert login(client, "redaktor", staff_password("redaktor")).status_code == 302


def test_at_most_two_attempts_per_client_are_checked_at_once(client, editor):
    request = RequestFactory().get("/")  # the test client's address, 127.0.0.1
    with throttle.Attempt(request, "one"), throttle.Attempt(request, "two"):
        third = throttle.Attempt(request, "three")
        assert third.refusal is not None and third.refusal.reason == "busy"
        response = login(client, "redaktor", staff_password("redaktor"))
        assert "Подождите" in errors_of(response)[0]
        other = throttle.Attempt(RequestFactory().get("/", REMOTE_ADDR="192.0.2.9"), "four")
        assert other.refusal is None  # another client is not affected
        other.release()
    assert login(client, "redaktor", staff_password("redaktor")).status_code == 302


def test_no_address_is_stored_cached_or_logged(client, editor, caplog, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    address = "203.0.113.45"
    caplog.set_level("DEBUG")
    fail(client, "redaktor", 5, HTTP_X_FORWARDED_FOR=address, REMOTE_ADDR="10.9.8.7")
    fail(client, "nikto", 2, HTTP_X_FORWARDED_FOR=address, REMOTE_ADDR="10.9.8.7")
    stored = [
        *SignInThrottle.objects.values_list("account_key", flat=True),
        *(str(entry.data) + entry.label for entry in AccountLogEntry.objects.all()),
    ]
    for value in stored:
        assert address not in value and "10.9.8.7" not in value
        assert "nikto" not in value  # nor the typed name of an unknown account
    for key in cache._cache:  # locmem in tests
        assert address not in key and "10.9.8.7" not in key
    assert address not in caplog.text and "10.9.8.7" not in caplog.text


def test_failures_and_the_hold_are_audited_without_the_typed_name(client, editor):
    fail(client, "redaktor", 5)
    fail(client, "nikto", 1)
    entries = list(AccountLogEntry.objects.order_by("pk"))
    actions = [(entry.action, entry.object_id) for entry in entries]
    assert actions == [
        *[(audit.FAILED, str(editor.pk))] * 5,
        (audit.HELD, str(editor.pk)),
        (audit.FAILED, ""),
    ]
    assert entries[0].user is None and entries[0].data == {"step": "password"}
    assert entries[-1].label == "—"


def test_the_login_page_helps_password_managers(client, editor):
    page = client.get("/admin/login/").content.decode()
    assert 'autocomplete="username"' in page and 'autocomplete="current-password"' in page


def test_messages_have_english_translations():
    from django.utils import translation

    until = timezone.now() + timedelta(minutes=15)
    with translation.override("en"):
        assert (
            throttle.Refusal(until, "hold")
            .message()
            .startswith(
                "Signing in is paused after several failed attempts in a row. Try again after"
            )
        )
        assert "(in 15 minutes)" in throttle.Refusal(until, "hold").message()
        delay = throttle.Refusal(timezone.now() + timedelta(seconds=3), "delay").message()
        assert delay == "Wait 3 seconds and try again."
    with translation.override("ru"):
        assert "(через 15 минут)" in throttle.Refusal(until, "hold").message()
        two = throttle.Refusal(timezone.now() + timedelta(minutes=2), "client").message()
        assert "(через 2 минуты)" in two


def test_a_stored_password_is_checked_once_per_admitted_attempt(client, editor, monkeypatch):
    calls = []
    real = check_password

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("django.contrib.auth.base_user.check_password", counting)
    fail(client, "redaktor", 5)
    assert len(calls) == 5
    for _ in range(20):  # the held account costs the server nothing more
        login(client, "redaktor", WRONG)
    assert len(calls) == 5
    cache.clear()


def test_the_login_page_is_in_russian(client):
    page = client.get("/admin/login/").content.decode()
    assert ">\n            Пароль<span" in page and ">\n            Имя пользователя<span" in page


@pytest.mark.skipif(not os.environ.get("REDIS_URL_FOR_TESTS"), reason="REDIS_URL_FOR_TESTS unset")
def test_counters_and_slots_work_on_redis(client, editor, settings):
    """Production shares counters between workers through Redis (CI sets REDIS_URL_FOR_TESTS)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL_FOR_TESTS"],
            "KEY_PREFIX": "test-signin",
        }
    }
    from django.core.cache import cache as redis_cache

    redis_cache.clear()
    settings.SIGNIN_CLIENT_FAILURES = 5
    request = RequestFactory().get("/")
    with throttle.Attempt(request, "one"), throttle.Attempt(request, "two"):
        assert throttle.Attempt(request, "three").refusal.reason == "busy"
    with throttle.Attempt(request, "three") as third:
        assert third.refusal is None
    for index in range(5):
        login(client, f"guess-{index}", WRONG)
    response = login(client, "redaktor", staff_password("redaktor"))
    assert "С этого устройства" in errors_of(response)[0]
    redis_cache.clear()
