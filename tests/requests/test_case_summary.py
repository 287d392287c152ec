"""The printable case summary for the interagency commission (issue 13, point 4): what the
commission needs (category, district, dates, the record, outcome), never the reporter or
their words; linked from the report page; every opening audited; never cached."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from safechildhood.requests import record, services
from safechildhood.requests.models import ReportLogEntry, Status
from tests.sealing import sign_in_keys
from tests.signin import force_login_password_only, mark_verified

from .conftest import soup
from .factories import SPECIALISTS, ReportFactory, make_staff

pytestmark = pytest.mark.django_db

DESCRIPTION = "Соседка видела синяки у мальчика из квартиры 12"
CONTACT = "Анна Сергеевна, 8 900 111-22-33"
TEAM = "Сафина Л. Р., психолог; Гарипов Р. Р., участковый"
PLAN = "Консультации психолога два раза в месяц"


@pytest.fixture
def report(district, specialist):
    report = ReportFactory(
        district=district,
        description=DESCRIPTION,
        contact_name=CONTACT,
        category="violence",
        urgent=True,
    )
    today = timezone.localdate()
    record.record_visit(report, specialist, today - dt.timedelta(days=3), TEAM)
    record.record_risk(report, specialist, today - dt.timedelta(days=3), "high", "")
    record.record_agency(report, specialist, "police", "", today - dt.timedelta(days=3))
    record.record_agency(report, specialist, "kdn", "", today - dt.timedelta(days=2))
    record.save_plan(report, specialist, PLAN, today + dt.timedelta(days=30))
    return report


def summary_url(report) -> str:
    return f"/admin/inbox/{report.pk}/summary/"


def test_the_report_page_links_the_summary(client, report, specialist):
    client.force_login(specialist)
    link = soup(client.get(f"/admin/inbox/{report.pk}/")).select_one("[data-case-summary-link]")
    assert link["href"] == summary_url(report)


def test_the_summary_holds_what_the_commission_needs_and_nothing_of_the_reporter(
    client, report, specialist
):
    for status in [Status.TRIAGE, Status.TEAM_SENT, Status.FAMILY_SUPPORTED]:
        services.change_status(report, status, specialist)
    services.change_status(report, Status.CLOSED, specialist, "supported")
    client.force_login(specialist)
    response = client.get(summary_url(report))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = soup(response)
    summary = page.select_one("[data-case-summary]")
    text = summary.get_text(" ", strip=True)
    assert page.select_one("[data-summary-topic]").get_text() == "Насилие в отношении ребёнка"
    assert page.select_one("[data-summary-district]").get_text() == "Вологодский район"
    assert page.select_one("[data-summary-outcome]").get_text().startswith("Семье оказана помощь")
    assert report.created_at.astimezone().strftime("%d.%m.%Y") in text
    assert page.select_one("[data-summary-team]").get_text() == TEAM
    assert page.select_one("[data-summary-risk]").get_text().startswith("Высокий риск")
    agencies = [cell.get_text() for cell in page.select("[data-summary-agency]")]
    assert agencies == [
        "Полиция (подразделение по делам несовершеннолетних)",
        "Комиссия по делам несовершеннолетних и защите их прав (КДНиЗП)",
    ]
    assert page.select_one("[data-summary-plan]").get_text() == PLAN
    review = (timezone.localdate() + dt.timedelta(days=30)).strftime("%d.%m.%Y")
    assert f"Следующий пересмотр плана: {review}" in text
    html = response.content.decode()
    assert DESCRIPTION not in html and "Анна Сергеевна" not in html and "111-22-33" not in html
    assert "@media print" in _stylesheet(client, page)


def _stylesheet(client, page) -> str:
    from django.contrib.staticfiles import finders

    link = next(
        tag["href"] for tag in page.select("link[rel=stylesheet]") if "case_summary" in tag["href"]
    )
    path = finders.find("requests/case_summary.css")
    assert path and link.endswith(".css")
    with open(path, encoding="utf-8") as stylesheet:
        return stylesheet.read()


def test_every_opening_is_an_audit_entry(client, report, specialist):
    client.force_login(specialist)
    for _ in range(3):
        assert client.get(summary_url(report)).status_code == 200
    prints = ReportLogEntry.objects.filter(report=report, action="requests.print")
    assert prints.count() == 3
    assert {entry.user_id for entry in prints} == {specialist.pk}
    page = soup(client.get(f"/admin/inbox/{report.pk}/"))
    timeline = [row.select("td")[2].get_text() for row in page.select("tr[data-log-action]")]
    assert timeline.count("Открыта справка для межведомственной комиссии (для печати)") == 3


def test_outside_the_scope_it_is_a_404_and_nothing_is_logged(client, report, other_specialist):
    client.force_login(other_specialist)
    response = client.get(summary_url(report))
    assert response.status_code == 404
    assert TEAM not in response.content.decode()
    assert not ReportLogEntry.objects.filter(action="requests.print").exists()


def test_signed_out_it_asks_for_sign_in(client, report):
    response = client.get(summary_url(report))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not ReportLogEntry.objects.filter(action="requests.print").exists()


def test_without_the_key_it_shows_dates_and_choices_only_and_is_still_audited(district, report):
    newcomer = make_staff("newcomer", SPECIALISTS, [district])
    client = Client()
    force_login_password_only(client, newcomer)
    mark_verified(client, newcomer)
    sign_in_keys(client, newcomer, recover=False)
    response = client.get(summary_url(report))
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("[data-summary-locked]") is not None
    assert TEAM not in response.content.decode() and PLAN not in response.content.decode()
    assert page.select_one("[data-summary-risk]").get_text().startswith("Высокий риск")
    (entry,) = ReportLogEntry.objects.filter(action="requests.print")
    assert entry.user_id == newcomer.pk and entry.data == {"content": False}
