"""Issue 13, point 6: a family asks for help for itself («Семейная диспетчерская»)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from safechildhood.requests.models import CallBack, Kind, Report, ReportLogEntry, Status
from tests.registry.factories import LocationFactory, PhoneFactory, ServiceFactory

from .conftest import soup
from .factories import ReportFactory

pytestmark = pytest.mark.django_db

URL = "/report/family/"
ANSWERS = {
    "family_topic": "money",
    "description": "Муж потерял работу, нечем платить за садик.",
    "contact_name": "Елена",
    "contact_phone": "8 900 123-45-67",
    "callback_time": "в будни с 10 до 13, потом дома муж",
    "consent": "on",
}


def token(client) -> str:
    return soup(client.get(URL)).select_one("input[name=form_token]")["value"]


def send(client, district, /, **overrides):
    data = {**ANSWERS, "district": str(district.pk) if district else "unknown", **overrides}
    data = {name: value for name, value in data.items() if value is not None}
    data.setdefault("form_token", token(client))
    return client.post(URL, data)


def receipt(response) -> str:
    found = soup(response).select_one("[data-receipt]")
    assert found is not None, response.content.decode()[:3000]
    return re.sub(r"\D", "", found.get_text())


def service_of(district, kind: str, name: str):
    service = ServiceFactory(name=name, kinds=[kind])
    LocationFactory(service=service, district=district)
    PhoneFactory(service=service, number="8 (8352) 00-00-07")
    return service


def status_page(client, code: str):
    form_token = soup(client.get("/report/status/")).select_one("input[name=form_token]")["value"]
    return client.post("/report/status/", {"code": code, "form_token": form_token})


def test_the_form_says_it_is_not_anonymous_before_anything_is_typed(client, district):
    response = client.get(URL)
    assert response.status_code == 200
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]
    page = soup(response)
    warning = page.select_one("[data-not-anonymous]")
    assert "Это не анонимно" in warning.get_text()
    assert page.select_one("main a[href='/report/']")  # the anonymous way, for another's child
    first_field = page.select_one("form.family-form input:not([type=hidden]), form textarea")
    assert warning.sourceline < first_field.sourceline
    assert [i["value"] for i in page.select("input[name=family_topic]")] == [
        "relations",
        "upbringing",
        "money",
        "legal",
        "violence",
        "other",
    ]
    assert page.select_one("input[name=consent][type=checkbox]")
    assert "зашифрованном виде" in page.select_one("#id_consent-hint").get_text()
    assert page.select_one("form[data-draft=family]")


def test_round_trip_form_to_inbox_to_status_page(client, district, specialist):
    dispatch = service_of(district, "family_dispatch", "Семейная диспетчерская (демо)")
    done = send(client, district)
    assert done.status_code == 200
    code = receipt(done)
    page = soup(done)
    assert "Просьба отправлена" in page.select_one("h1").get_text()
    assert page.select_one("[data-draft-clear=family]")
    assert dispatch.name in page.select_one("[data-acting-service]").get_text()
    assert page.select_one("[data-acting-service] a[href='tel:88352000007']")

    report = Report.objects.get()
    assert report.kind == Kind.FAMILY and report.family_topic == "money"
    assert report.service == dispatch and report.district == district
    assert report.contact_phone == ANSWERS["contact_phone"]
    assert report.callback_time == ANSWERS["callback_time"]
    assert not report.urgent

    client.force_login(specialist)
    inbox = soup(client.get("/admin/inbox/?kind=family")).select("table.listing td.title a")
    assert [a.get_text(strip=True) for a in inbox] == [str(report)]
    assert not soup(client.get("/admin/inbox/?kind=report")).select("table.listing td.title a")
    detail = soup(client.get(f"/admin/inbox/{report.pk}/"))
    assert "Просьба семьи о помощи" in detail.select_one("[data-report-kind]").get_text()
    assert detail.select_one("[data-report-callback-time]").get_text() == ANSWERS["callback_time"]
    assert ANSWERS["contact_phone"] in detail.select_one("[data-report-contact]").get_text()

    called = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(minutes=10)
    response = client.post(
        f"/admin/inbox/{report.pk}/call-back/",
        {"called_at": called.strftime("%Y-%m-%dT%H:%M"), "result": "reached", "agreed": "visit"},
    )
    assert response.status_code == 302
    call = CallBack.objects.get()
    assert (call.report, call.author, call.result, call.agreed) == (
        report,
        specialist,
        "reached",
        "visit",
    )
    report.refresh_from_db()
    assert report.status == Status.TRIAGE  # the first call takes a new request into work
    assert ReportLogEntry.objects.filter(report=report, action="requests.call_back").exists()
    detail = soup(client.get(f"/admin/inbox/{report.pk}/"))
    assert "Договорились о встрече или выезде" in detail.select_one("[data-call-backs]").get_text()

    client.logout()
    status = soup(status_page(client, code))
    assert "Специалист разбирается, чем помочь вашей семье" in status.get_text()
    assert "Специалист звонил вам" in status.select_one("[data-call-backs]").get_text()
    assert dispatch.name in status.select_one("[data-who-acts]").get_text()


def test_routed_to_family_dispatch_else_to_the_sos_service(client, district, other_district):
    dispatch = service_of(district, "family_dispatch", "Семейная диспетчерская")
    service_of(district, "sos", "SOS первого района")
    sos = service_of(other_district, "sos", "SOS второго района")
    send(client, district)
    send(client, other_district)
    done = send(client, None)
    by_district = {r.district_id: r.service for r in Report.objects.all()}
    assert by_district == {district.pk: dispatch, other_district.pk: sos, None: None}
    assert "Район не указан" in soup(done).select_one("[data-no-district]").get_text()


def test_violence_at_home_is_urgent_and_promised_the_urgent_time(client, district, settings):
    settings.REPORTS_URGENT_SLA_HOURS = 2
    done = send(client, district, family_topic="violence")
    assert Report.objects.get().urgent
    assert "в течение 2 часов" in soup(done).select_one("[data-promised-hours]").get_text()


def test_it_cannot_be_anonymous(client, district):
    response = send(client, district, contact_name="", contact_phone="   ", consent=None)
    assert response.status_code == 200
    assert not Report.objects.exists()
    summary = [a.get_text() for a in soup(response).select(".error-summary__list a")]
    assert summary == [
        "Напишите, как к вам обращаться",
        "Укажите телефон, по которому вам перезвонят",
        "Подтвердите согласие на обработку персональных данных: без него мы не можем вам позвонить",
    ]


def test_validation_messages_keep_what_was_typed(client, district):
    response = send(
        client,
        district,
        family_topic="",
        district="",
        contact_phone="позвоните мне",
        callback_time="",
        description="Я " * 1500,
    )
    assert response.status_code == 200
    assert not Report.objects.exists()
    page = soup(response)
    assert page.title.get_text().startswith("Ошибка:")
    links = {a["href"]: a.get_text() for a in page.select(".error-summary__list a")}
    assert links["#id_family_topic_0"] == "Выберите, с чем нужна помощь"
    assert links["#id_district"] == "Выберите район или «Не знаю»"
    assert links["#id_contact_phone"] == "Введите телефон цифрами, например 8 900 123-45-67"
    assert links["#id_callback_time"] == "Напишите, когда вам можно позвонить"
    assert links["#id_description"].startswith("Рассказ длиннее, чем можно")
    assert page.select_one("#id_contact_phone")["value"] == "позвоните мне"
    assert page.select_one("#id_contact_name")["value"] == "Елена"


def test_a_double_tap_stores_one_request_and_shows_its_receipt_again(client, district):
    form_token = token(client)
    first = send(client, district, form_token=form_token)
    second = send(client, district, form_token=form_token)
    assert Report.objects.count() == 1
    assert receipt(first) == receipt(second)
    assert "уже получено" in soup(second).get_text()


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"form_token": ""}, 400),
        ({"form_token": "forged"}, 403),
        ({"homepage_url": "http://spam.example"}, 400),
        ({"district": "999999"}, 200),
        ({"family_topic": "<script>"}, 200),
        ({"contact_name": "\x00\x01"}, 200),
    ],
)
def test_bad_input_is_refused_without_a_server_error(client, district, data, status):
    response = send(client, district, **data)
    assert response.status_code == status
    assert not Report.objects.exists()


def test_cross_site_posts_are_refused(client, district):
    data = {**ANSWERS, "district": str(district.pk), "form_token": token(client)}
    response = client.post(URL, data, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_call_back_needs_a_conversation_to_agree_and_is_for_family_requests_only(
    client, district, specialist
):
    send(client, district)
    family = Report.objects.get()
    report = ReportFactory(district=district)
    client.force_login(specialist)
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    client.post(
        f"/admin/inbox/{family.pk}/call-back/",
        {"called_at": now, "result": "no_answer", "agreed": "visit"},
    )
    assert not CallBack.objects.exists()
    response = client.post(
        f"/admin/inbox/{report.pk}/call-back/", {"called_at": now, "result": "reached"}
    )
    assert response.status_code == 404
    client.post(f"/admin/inbox/{family.pk}/call-back/", {"called_at": now, "result": "no_answer"})
    assert CallBack.objects.get().result == "no_answer"


def test_linked_from_home_registry_and_report_start(client, home):
    for address in ("/", "/services/", "/report/"):
        page = soup(client.get(address))
        assert page.select_one(f"main a[href='{URL}']"), address


def test_what_the_family_wrote_is_sealed_and_purged_but_the_calls_stay(client, district):
    from django.db import connection

    from safechildhood.requests import services

    send(client, district)
    report = Report.objects.get()
    CallBack.objects.create(report=report, called_at=timezone.now(), result="no_answer")
    with connection.cursor() as cursor:
        cursor.execute("SELECT callback_time, contact_phone FROM requests_report")
        raw = cursor.fetchone()
    assert ANSWERS["callback_time"] not in str(raw) and "123-45-67" not in str(raw)
    services.purge(report)
    report.refresh_from_db()
    assert (report.callback_time, report.contact_phone, report.contact_name) == ("", "", "")
    assert CallBack.objects.filter(report=report).count() == 1  # metadata, for statistics
