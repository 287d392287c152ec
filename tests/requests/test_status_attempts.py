"""The receipt-code allowance (issue 12, finding 7): a brute-force defence that warns
before it bites, says until when, ignores codes of the wrong shape and never locks out
someone who mistyped a couple of times."""

import datetime as dt
import re
import time

import pytest
from django.utils import timezone

from safechildhood.requests import protection

from .conftest import file_report, soup
from .test_status import look_up

pytestmark = pytest.mark.django_db

WRONG = "0000 0000 0000 0000"


def allowance() -> int:
    return protection.LIMITS["status_failure"].count


def test_malformed_codes_do_not_count_against_the_allowance(client, district):
    code = file_report(client, district)
    typos = ["12345", "abcd efgh ijkl mnop", "1" * 17, "", "1234 5678 9012 345"]
    for typo in typos * 8:  # 40: more than the wrong-code and the lookup allowances
        response = look_up(client, typo)
        assert response.status_code == 400
        assert "Осталось" not in soup(response).get_text()
    assert look_up(client, code).status_code == 200


def test_two_typos_then_the_right_code_opens_and_each_typo_says_what_is_left(client, district):
    code = file_report(client, district)
    for left in (allowance() - 1, allowance() - 2):
        response = look_up(client, WRONG)
        assert response.status_code == 400
        text = soup(response).select_one("#id_code-error").get_text(" ", strip=True)
        assert re.search(rf"Осталось попыток: {left}\b|осталось {left} попыт", text, re.I), text
    assert look_up(client, code).status_code == 200


def test_the_last_attempt_is_announced_and_the_lock_says_until_when(client, district):
    file_report(client, district)
    for _ in range(allowance() - 1):
        last = look_up(client, WRONG)
    assert "последняя попытка" in soup(last).select_one("#id_code-error").get_text().lower()

    started = time.time()
    locked = look_up(client, WRONG)
    assert locked.status_code == 429
    text = soup(locked).select_one("main").get_text(" ", strip=True)
    assert "отправили много сообщений" not in text
    window = protection.LIMITS["status_failure"].window
    ends = [
        timezone.localtime(dt.datetime.fromtimestamp(started + window + slack, tz=dt.UTC))
        for slack in (-60, 0, 60)
    ]
    assert any(end.strftime("%H:%M") in text for end in ends), text
    retry_after = int(locked["Retry-After"])
    assert window - 120 <= retry_after <= window
    assert soup(locked).select_one("main a[href='tel:112']")


def test_the_right_code_waits_too_once_the_allowance_is_used(client, district):
    """Otherwise the lock would be no defence: guessing could go on until a hit."""
    code = file_report(client, district)
    for _ in range(allowance()):
        look_up(client, WRONG)
    assert look_up(client, code).status_code == 429
