"""Issue 13, point 5: the sender sees who will act, how to reach them, and when."""

import datetime as dt

import pytest
from django.utils import timezone

from safechildhood.registry.models import Service
from safechildhood.requests.models import Report, Status
from tests.registry.factories import (
    LocationFactory,
    PhoneFactory,
    ScheduleFactory,
    ServiceFactory,
)

from .conftest import check_page, file_report, soup, state_of

pytestmark = pytest.mark.django_db


def sos_service(district, name: str, *, open_all_day: bool) -> Service:
    service = ServiceFactory(name=name, kinds=["sos"])
    LocationFactory(service=service, district=district)
    PhoneFactory(service=service, number="8 (8172) 00-00-01", kind="daytime")
    PhoneFactory(service=service, number="+7 900 000-00-02", kind="out_of_hours")
    if open_all_day:  # equal opening and closing times: the whole day, every day
        for day in range(7):
            ScheduleFactory(service=service, weekday=day, opens_at=dt.time(0), closes_at=dt.time(0))
    return service


def confirmation(client, district, **overrides):
    check = check_page(client, district, **overrides)
    assert check.status_code == 200
    return client.post("/report/send/", {"state": state_of(check)})


def test_confirmation_names_the_sos_service_with_tel_links_and_open_now(client, district, settings):
    settings.REPORTS_SLA_HOURS = 30
    sos_service(district, "SOS Вологодского района", open_all_day=True)
    page = soup(confirmation(client, district))
    who = page.select_one("[data-who-acts]")
    assert who is not None
    service = who.select_one("[data-acting-service]")
    assert "SOS Вологодского района" in service.get_text()
    assert service.select_one("[data-open-now]") is not None
    assert service.select_one("[data-closed-now]") is None
    hrefs = [a["href"] for a in service.select("a[href^='tel:']")]
    assert hrefs == ["tel:88172000001", "tel:+79000000002"]
    assert service.select_one("a[href^='/services/']") is not None
    promise = who.select_one("[data-promised-hours]").get_text(" ", strip=True)
    assert "в течение 30 часов" in promise


def test_a_closed_service_is_said_to_be_closed_and_urgent_reports_get_the_urgent_time(
    client, district, settings
):
    settings.REPORTS_URGENT_SLA_HOURS = 3
    sos_service(district, "SOS с часами приёма", open_all_day=False)
    page = soup(confirmation(client, district, danger_now="yes"))
    service = page.select_one("[data-acting-service]")
    assert service.select_one("[data-closed-now]") is not None
    assert service.select_one("[data-open-now]") is None
    promise = page.select_one("[data-promised-hours]").get_text(" ", strip=True)
    assert "срочное" in promise and "в течение 3 часов" in promise


def test_unknown_district_is_said_truthfully(client, district):
    sos_service(district, "SOS Вологодского района", open_all_day=True)
    page = soup(confirmation(client, None))
    assert page.select_one("[data-acting-service]") is None
    assert "Район не указан" in page.select_one("[data-no-district]").get_text()


def test_a_district_without_an_sos_service_is_said_truthfully(client, district):
    page = soup(confirmation(client, district))
    assert page.select_one("[data-acting-service]") is None
    assert district.name in page.select_one("[data-no-service]").get_text()


def test_status_page_names_the_service_staff_chose_and_drops_the_promise_once_taken(
    client, district
):
    sos = sos_service(district, "SOS Вологодского района", open_all_day=True)
    chosen = sos_service(district, "Кризисный центр", open_all_day=False)
    code = file_report(client, district)
    report = Report.objects.get()
    page = soup(client.post("/report/status/", {"code": code, "form_token": _status_token(client)}))
    assert sos.name in page.select_one("[data-who-acts]").get_text()
    assert page.select_one("[data-promised-hours]") is not None

    Report.objects.filter(pk=report.pk).update(service=chosen, status=Status.TRIAGE)
    page = soup(client.post("/report/status/", {"code": code, "form_token": _status_token(client)}))
    names = [s.get_text(" ", strip=True) for s in page.select("[data-acting-service]")]
    assert len(names) == 1 and "Кризисный центр" in names[0]
    assert page.select_one("[data-promised-hours]") is None  # taken into work already


def _status_token(client) -> str:
    page = soup(client.get("/report/status/"))
    return page.select_one("input[name=form_token]")["value"]


def test_a_closed_service_says_when_it_opens(client, district):
    service = sos_service(district, "SOS с часами приёма", open_all_day=False)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).weekday()
    for day in range(7):  # open only tomorrow, 9:00–18:00: closed now, whatever the time
        if day == tomorrow:
            ScheduleFactory(service=service, weekday=day)
    page = soup(confirmation(client, district))
    closed = page.select_one("[data-acting-service] [data-closed-now]").get_text(" ", strip=True)
    assert closed == "Сейчас закрыто. Откроется завтра в 9:00."
