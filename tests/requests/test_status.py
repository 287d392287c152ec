"""The status page: a receipt code shows the status, staff messages, and takes a reply."""

import pytest

from safechildhood.requests import protection, services
from safechildhood.requests.models import Report, ReportMessage, Status

from .conftest import file_report, soup

pytestmark = pytest.mark.django_db


def look_up(client, code: str):
    token = soup(client.get("/report/status/")).select_one("input[name=form_token]")["value"]
    return client.post("/report/status/", {"code": code, "form_token": token})


def test_status_page_asks_for_the_code_in_a_plain_form(client):
    response = client.get("/report/status/")
    assert response.status_code == 200
    page = soup(response)
    field = page.select_one("input[name=code]")
    assert field["autocomplete"] == "off" and field["inputmode"] == "numeric"
    assert page.select_one("form[method=post][action='/report/status/']")
    assert not response.cookies


def test_the_code_shows_status_and_the_staff_message(client, district, specialist):
    code = file_report(client, district)
    report = Report.objects.get()
    services.change_status(report, Status.TRIAGE, specialist)
    services.message_reporter(report, "Спасибо! В каком подъезде живёт семья?", specialist)

    spaced = " ".join(code[i : i + 4] for i in range(0, 16, 4))
    response = look_up(client, spaced)
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one(".status-tag").get_text() == "Разбор"
    assert "Специалисты изучают сообщение" in page.get_text()
    assert "В каком подъезде живёт семья?" in page.select_one(".messages").get_text()
    assert "spec" not in page.select_one(".messages").get_text()  # no staff names
    assert code not in response.content.decode()  # the code is not echoed back


def test_reporter_can_answer_and_staff_see_it_encrypted(client, district):
    code = file_report(client, district)
    page = soup(look_up(client, code))
    token = page.select_one("input[name=status_token]")["value"]
    response = client.post(
        "/report/status/message/", {"status_token": token, "body": "Второй подъезд, кв. 12"}
    )
    assert response.status_code == 200
    page = soup(response)
    assert "Ваше сообщение отправлено" in page.get_text()
    assert "Второй подъезд, кв. 12" in page.select_one(".messages").get_text()
    message = ReportMessage.objects.get()
    assert message.from_reporter and message.body == "Второй подъезд, кв. 12"
    report = Report.objects.get()
    assert report.unread_reporter_message
    assert report.log_entries.filter(action="requests.message_from_reporter").exists()

    empty = client.post("/report/status/message/", {"status_token": token, "body": "   "})
    assert empty.status_code == 400
    assert "Напишите сообщение" in soup(empty).select_one(".error-summary").get_text()


def test_forged_or_stale_status_tokens_do_nothing(client, district, monkeypatch):
    code = file_report(client, district)
    token = soup(look_up(client, code)).select_one("input[name=status_token]")["value"]
    assert (
        client.post("/report/status/message/", {"status_token": "x", "body": "a"}).status_code
        == 400
    )
    from safechildhood.requests import views

    monkeypatch.setattr(views, "STATUS_TOKEN_TTL", -1)
    stale = client.post("/report/status/message/", {"status_token": token, "body": "a"})
    assert stale.status_code == 400
    assert "введите код обращения ещё раз" in soup(stale).get_text()
    assert ReportMessage.objects.count() == 0


def test_wrong_codes_get_a_clear_message_and_are_rate_limited(client, district):
    file_report(client, district)
    response = look_up(client, "1234 5678 9012 3456")
    assert response.status_code == 400
    assert "не найдено" in soup(response).select_one(".error-summary").get_text()
    for _ in range(protection.LIMITS["status_failure"].count - 1):
        look_up(client, "0000 0000 0000 0000")
    blocked = look_up(client, "0000 0000 0000 0001")
    assert blocked.status_code == 429
    assert soup(blocked).select_one("main a[href='tel:112']")


@pytest.mark.parametrize("code", ["", "12345", "abcd efgh ijkl mnop", "1" * 40])
def test_malformed_codes_are_explained(client, code):
    response = look_up(client, code)
    assert response.status_code == 400
    assert soup(response).select_one(".error-summary")


def test_status_form_needs_its_token(client):
    assert client.post("/report/status/", {"code": "1" * 16}).status_code == 400
    forged = client.post("/report/status/", {"code": "1" * 16, "form_token": "abc"})
    assert forged.status_code == 403


def test_a_purged_report_no_longer_opens(client, district, specialist):
    code = file_report(client, district)
    report = Report.objects.get()
    services.change_status(report, Status.CLOSED, specialist, "unfounded")
    services.purge(report)
    assert look_up(client, code).status_code == 400
    assert Report.find_by_receipt(code) is None
