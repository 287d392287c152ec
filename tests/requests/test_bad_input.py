"""Bad input never gives a 500: a clear Russian message or a 4xx; HTML is always escaped."""

import pytest
from django.test import Client
from django.utils.html import escape

from safechildhood.requests import services
from safechildhood.requests.models import Report

from .conftest import ANSWERS, check_page, file_report, form_token, soup, state_of

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ settings.SECRET_KEY }} {% debug %}",
]


def assert_escaped(html: str, payload: str) -> None:
    """Shown as text: escaped where it matters, never interpreted."""
    assert escape(payload) in html
    if escape(payload) != payload:
        assert payload not in html
    assert "SECRET_KEY" not in payload or "test-only-insecure-key" not in html


def summary(response) -> str:
    node = soup(response).select_one(".error-summary")
    return node.get_text(" ", strip=True) if node else ""


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": ""}, "Опишите, что вас беспокоит"),
        ({"description": "   \n\t "}, "Опишите, что вас беспокоит"),
        ({"description": "я" * 5001}, "Описание длиннее, чем можно: 5001 знаков, а можно 5000"),
        ({"place": "д" * 301}, "Место должно быть не длиннее 300 знаков"),
        ({"children_ages": "1" * 101}, "Возраст детей должен быть не длиннее 100 знаков"),
        ({"category": "aliens"}, "Выберите один из вариантов в списке"),
        ({"danger_now": "maybe"}, "Выберите один из вариантов в списке"),
        ({"reporter_role": "police"}, "Выберите один из вариантов в списке"),
        ({"district": "999999"}, "Выберите район из списка"),
        ({"district": "'; DROP TABLE requests_report; --"}, "Выберите район из списка"),
        ({"contact_preference": "sometimes"}, "Выберите один из вариантов в списке"),
    ],
)
def test_invalid_answers_get_a_clear_message(client, district, overrides, message):
    response = check_page(client, district, **overrides)
    assert response.status_code == 200
    assert message in summary(response)
    assert not soup(response).select_one("input[name=state]")
    assert Report.objects.count() == 0


def test_the_longest_allowed_description_goes_through(client, district):
    file_report(client, district, description="я" * 5000)
    assert len(Report.objects.get().description) == 5000


def test_control_characters_are_removed(client, district):
    file_report(client, district, description="строка\x07 с\x1b звонком\r\nи переводом")
    assert Report.objects.get().description == "строка с звонком\nи переводом"


def test_nul_bytes_and_control_characters_are_removed_not_refused(client, district):
    """Issue 9, defect 8: a NUL byte (which PostgreSQL refuses) or another control character
    pasted into any field is removed before the form sees it: the report goes through as
    typed, without the invisible characters, instead of an error about «Null characters»."""
    code = file_report(
        client,
        district,
        description="текст\x00с нулём\x01 и\x0b звонком\x07",
        place="ул.\x00 Ленина",
        contact_preference="contact\x00",
        contact_phone="8 900\x00 123-45-67",
        consent=True,
    )
    report = Report.objects.get()
    assert report.description == "текстс нулём и звонком"
    assert (report.place, report.contact_phone) == ("ул. Ленина", "8 900 123-45-67")

    token = form_token_for_status(client)
    found = client.post("/report/status/", {"code": "\x00".join(code), "form_token": token})
    assert found.status_code == 200 and soup(found).select_one("input[name=status_token]")
    status_token = soup(found).select_one("input[name=status_token]")["value"]
    reply = client.post(
        "/report/status/message/", {"status_token": status_token, "body": "спасибо\x00\x1b!"}
    )
    assert reply.status_code == 200
    assert [m.body for m in report.messages.all()] == ["спасибо!"]


def form_token_for_status(client) -> str:
    return soup(client.get("/report/status/")).select_one("input[name=form_token]")["value"]


def test_repeated_fields_take_one_value(client, district):
    data = {**ANSWERS, "district": str(district.pk), "form_token": form_token(client)}
    body = "&".join(f"{k}={v}" for k, v in data.items()) + "&category=violence&category=bullying"
    response = client.post(
        "/report/form/", body.encode(), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        b"description=%FF%FE%FA&category=\xff\xfe&form_token=",
        b"\xff\xfe\x00\x01garbage",
        b"=&&&==",
    ],
)
def test_non_utf8_bodies_are_4xx_or_messages(client, district, body):
    token = form_token(client)
    body = body.replace(b"form_token=", b"form_token=" + token.encode())
    for url in ["/report/form/", "/report/send/", "/report/status/", "/report/status/message/"]:
        response = client.post(url, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, (url, response.status_code)
        assert response.status_code in (200, 400, 403), url


def test_a_wrong_charset_is_a_4xx(client, district):
    response = client.generic(
        "POST",
        "/report/form/",
        b"description=x&form_token=y",
        content_type="application/x-www-form-urlencoded; charset=klingon",
    )
    assert 400 <= response.status_code < 500


def test_multipart_garbage_is_a_4xx(client):
    response = client.post(
        "/report/form/",
        b'--broken\r\nContent-Disposition: form-data; name="x"\r\n\r\nvalue',
        content_type="multipart/form-data; boundary=other",
    )
    assert 400 <= response.status_code < 500


def test_oversize_bodies_are_a_400(client, district, settings):
    big = "я" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2 + 10)
    data = {
        **ANSWERS,
        "district": str(district.pk),
        "form_token": form_token(client),
        "description": big,
    }
    for url in ["/report/form/", "/report/send/", "/report/status/", "/report/status/message/"]:
        response = client.post(url, data)
        assert response.status_code == 400, url
        assert "слишком большое" in soup(response).get_text()
    # Also when the client lies about the length: Django's own limit answers 400, not 500.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/report/form/", {"description": "я" * 2000}, CONTENT_LENGTH="10")
    assert response.status_code in (200, 400)


def test_other_methods_are_refused(client):
    assert client.put("/report/form/").status_code == 405
    assert client.get("/report/send/").status_code == 405
    assert client.delete("/report/status/").status_code == 405


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_in_answers_is_escaped_everywhere(client, district, specialist, payload):
    check = check_page(client, district, description=payload, place=payload, children_ages="5")
    assert_escaped(check.content.decode(), payload)
    assert payload in [dd.get_text() for dd in soup(check).select(".summary__value")]
    client.post("/report/send/", {"state": state_of(check)})
    report = Report.objects.get()
    assert report.description == payload  # stored as typed, escaped when shown

    staff = Client()
    staff.force_login(specialist)
    admin_html = staff.get(f"/admin/inbox/{report.pk}/").content.decode()
    assert_escaped(admin_html, payload)
    assert (
        soup(staff.get(f"/admin/inbox/{report.pk}/"))
        .select_one("[data-report-description]")
        .get_text()
        == payload
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_in_messages_is_escaped_on_the_status_page(client, district, specialist, payload):
    code = file_report(client, district)
    services.message_reporter(Report.objects.get(), payload, specialist)
    token = soup(client.get("/report/status/")).select_one("input[name=form_token]")["value"]
    response = client.post("/report/status/", {"code": code, "form_token": token})
    assert_escaped(response.content.decode(), payload)
    assert payload in soup(response).select_one(".messages__body").get_text()

    status_token = soup(response).select_one("input[name=status_token]")["value"]
    reply = client.post("/report/status/message/", {"status_token": status_token, "body": payload})
    assert reply.status_code == 200
    assert_escaped(reply.content.decode(), payload)
