"""«Отправить» pressed two or three times, or the same page sent again after a lost answer.

One report is stored, and every answer is a page the person can act on: the first and
every repeat within ``RECEIPT_REPEAT_SECONDS`` show the same receipt code (derived from
the page's own random token, so it is never stored); later repeats say the report has
arrived. Never a 500 (it was: an ``IntegrityError`` on ``submission_key``).
"""

import datetime as dt
import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from safechildhood.requests import receipts, services, views
from safechildhood.requests.models import Report, ReportNotification

from .conftest import check_page, soup, state_of

pytestmark = pytest.mark.django_db


def receipt_of(response) -> str | None:
    shown = soup(response).select_one("[data-receipt]")
    return re.sub(r"\D", "", shown.get_text()) if shown else None


def test_sending_the_same_page_again_shows_the_same_receipt(client, district):
    state = state_of(check_page(client, district))
    first = client.post("/report/send/", {"state": state})
    again = client.post("/report/send/", {"state": state})
    assert first.status_code == again.status_code == 200
    code = receipt_of(first)
    assert code and receipt_of(again) == code
    assert "уже получено" in soup(again).get_text()
    assert "уже получено" not in soup(first).get_text()
    report = Report.objects.get()
    assert Report.find_by_receipt(code) == report
    assert ReportNotification.objects.count() == 1
    assert report.log_entries.filter(action="requests.create").count() == 1


def test_the_code_is_not_stored_in_any_column(client, district):
    state = state_of(check_page(client, district))
    code = receipt_of(client.post("/report/send/", {"state": state}))
    row = Report.objects.filter(pk=Report.objects.get().pk).values().get()
    for value in row.values():
        assert code not in str(value)


def test_two_pages_get_two_different_codes(client, district):
    first = receipt_of(
        client.post("/report/send/", {"state": state_of(check_page(client, district))})
    )
    second = receipt_of(
        client.post("/report/send/", {"state": state_of(check_page(client, district))})
    )
    assert first != second and Report.objects.count() == 2


def test_after_the_repeat_window_the_page_says_sent_without_the_code(client, district):
    state = state_of(check_page(client, district))
    client.post("/report/send/", {"state": state})
    Report.objects.update(
        created_at=timezone.now() - dt.timedelta(seconds=views.RECEIPT_REPEAT_SECONDS + 1)
    )
    again = client.post("/report/send/", {"state": state})
    assert again.status_code == 200
    assert "уже отправлено" in soup(again).h1.get_text()
    assert receipt_of(again) is None
    assert Report.objects.count() == 1


def test_an_expired_page_whose_report_arrived_says_so(client, district, monkeypatch):
    """Not «не было отправлено»: that would invite a second report of the same family."""
    from safechildhood.core import protection

    state = state_of(check_page(client, district))
    code = receipt_of(client.post("/report/send/", {"state": state}))
    monkeypatch.setattr(protection, "TOKEN_MAX_AGE", -1)  # the page is too old to send now
    again = client.post("/report/send/", {"state": state})
    assert again.status_code == 200
    assert "не было отправлено" not in again.content.decode()
    assert receipt_of(again) == code  # stored minutes ago: the same confirmation
    Report.objects.update(created_at=timezone.now() - dt.timedelta(hours=4))
    later = client.post("/report/send/", {"state": state})
    assert later.status_code == 200 and receipt_of(later) is None
    assert "уже отправлено" in soup(later).h1.get_text()
    assert Report.objects.count() == 1


def test_a_stored_code_that_does_not_match_is_never_shown(client, district):
    """A report stored with another code (before codes were derived) gets no code shown."""
    state = state_of(check_page(client, district))
    client.post("/report/send/", {"state": state})
    report = Report.objects.get()
    report.set_receipt(receipts.new_code())
    report.save()
    again = client.post("/report/send/", {"state": state})
    assert again.status_code == 200 and receipt_of(again) is None
    assert "уже отправлено" in soup(again).h1.get_text()


def test_losing_the_race_answers_with_the_winners_receipt(client, district, monkeypatch):
    """Deterministic interleaving: the other tap stores the report between this request's
    check and its insert, so the insert meets the unique submission key."""
    state = state_of(check_page(client, district))
    opened, _expired = views._open_state(state)
    real_find = services.find_submitted
    calls = []

    def other_tap_wins(token):
        calls.append(token)
        if len(calls) == 1:
            services.create_report(opened["a"], token=opened["k"], verified_by=opened["v"])
            return None
        return real_find(token)

    monkeypatch.setattr(services, "find_submitted", other_tap_wins)
    response = client.post("/report/send/", {"state": state})
    assert response.status_code == 200
    code = receipt_of(response)
    assert code and Report.find_by_receipt(code) == Report.objects.get()
    assert "уже получено" in soup(response).get_text()


def _send_at_once(state: str, taps: int) -> list:
    """`taps` clients post the same page at the same moment, each on its own connection."""
    barrier = threading.Barrier(taps)
    responses: list = [None] * taps
    errors: list = []

    def tap(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            responses[index] = Client(raise_request_exception=False).post(
                "/report/send/", {"state": state}
            )
        except Exception as exc:  # collected and reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(i,)) for i in range(taps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return responses


@pytest.mark.django_db(transaction=True)
def test_three_simultaneous_taps_store_one_report_and_all_show_its_code(
    migration_data, district, slow_first_audit_entry
):
    state = state_of(check_page(Client(), district))
    responses = _send_at_once(state, 3)
    assert [r.status_code for r in responses] == [200, 200, 200], [
        r.content.decode()[:300] for r in responses if r.status_code != 200
    ]
    codes = {receipt_of(r) for r in responses}
    assert len(codes) == 1 and None not in codes
    report = Report.objects.get()
    assert Report.find_by_receipt(codes.pop()) == report
    assert ReportNotification.objects.filter(report=report).count() == 1


# --- Rate limits count a page once ------------------------------------------------------------


def test_taps_of_one_page_never_meet_the_limit_they_already_passed(client, district):
    """Without JavaScript a client may send 2 reports an hour: tapping the second one three
    times answers three times with its receipt, and a third report is still refused."""
    client.post("/report/send/", {"state": state_of(check_page(client, district))})
    second = state_of(check_page(client, district))
    answers = [client.post("/report/send/", {"state": second}) for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 200]
    assert len({receipt_of(r) for r in answers}) == 1
    third = client.post("/report/send/", {"state": state_of(check_page(client, district))})
    assert third.status_code == 429
    assert Report.objects.count() == 2


def test_racing_taps_are_counted_once(rf, district, client):
    """Deterministic interleaving: two taps both pass the check before either is counted,
    and a third arrives when the counter is at the limit."""
    from safechildhood.requests import protection

    state = state_of(check_page(client, district))
    opened, _expired = views._open_state(state)
    request = rf.post("/report/send/", REMOTE_ADDR="192.0.2.7")
    other = rf.post("/report/send/", REMOTE_ADDR="192.0.2.7")
    protection.hit(other, "report_unverified")  # an earlier report of this client
    assert views._check_limits(request, opened)[0]
    assert views._check_limits(request, opened)[0]  # the second tap: not counted again
    assert views._check_limits(request, opened)[0]  # the counter is at 2 = the limit now
    assert protection.is_limited(other, "report_unverified")  # another page is refused
