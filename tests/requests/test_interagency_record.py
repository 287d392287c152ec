"""The interagency record (issue 13, point 4): the team's visits, the risk assessment, the
agencies informed and the support plan, recorded on the report's page; what staff write is
sealed like a note; every change is a timeline entry; nobody outside the report's scope
reads or writes it; bad input is answered, never a 500."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.utils import timezone

from safechildhood.requests import services
from safechildhood.requests.models import (
    AgencyNotice,
    ReportLogEntry,
    RiskAssessment,
    SupportPlan,
    Visit,
)
from tests.sealing import sign_in_keys
from tests.signin import force_login_password_only, mark_verified

from .conftest import soup
from .factories import SPECIALISTS, ReportFactory, make_staff

pytestmark = pytest.mark.django_db

TEAM = "Иванова А. П., специалист по социальной работе; Петров И. С., инспектор ПДН"
RISK_NOTE = "Холодильник пустой, мать обещала прийти в центр занятости"
OTHER_AGENCY = "Центр занятости населения села Сарманово"
PLAN = "Еженедельные встречи с психологом; продуктовый набор; помощь с трудоустройством матери"
WRITTEN = (TEAM, RISK_NOTE, OTHER_AGENCY, PLAN)


def today() -> dt.date:
    return timezone.localdate()


def iso(days: int = 0) -> str:
    return (today() + dt.timedelta(days=days)).isoformat()


def record_everything(client, report) -> None:
    base = f"/admin/inbox/{report.pk}"
    posts = [
        ("visit", {"visit-visited_on": iso(-2), "visit-team": TEAM}),
        ("risk", {"risk-assessed_on": iso(-2), "risk-level": "medium", "risk-note": RISK_NOTE}),
        ("agency", {"agency-agency": "guardianship", "agency-informed_on": iso(-1)}),
        (
            "agency",
            {
                "agency-agency": "other",
                "agency-other_name": OTHER_AGENCY,
                "agency-informed_on": iso(-1),
            },
        ),
        ("plan", {"plan-plan_text": PLAN, "plan-next_review": iso(30)}),
    ]
    for action, data in posts:
        response = client.post(f"{base}/{action}/", data)
        assert response.status_code == 302, (action, response.content.decode()[:2000])
        assert response["Location"] == f"{base}/"


def test_a_specialist_records_each_part_and_reads_it_on_the_page(staff, report, specialist):
    record_everything(staff, report)

    visit = Visit.objects.get()
    assert (visit.report, visit.visited_on, visit.team, visit.author) == (
        report,
        today() - dt.timedelta(days=2),
        TEAM,
        specialist,
    )
    risk = RiskAssessment.objects.get()
    assert (risk.level, risk.note) == ("medium", RISK_NOTE)
    assert sorted(AgencyNotice.objects.values_list("agency", flat=True)) == [
        "guardianship",
        "other",
    ]
    assert AgencyNotice.objects.get(agency="other").other_name == OTHER_AGENCY
    assert AgencyNotice.objects.get(agency="guardianship").other_name == ""
    plan = SupportPlan.objects.get()
    assert (plan.text, plan.next_review) == (PLAN, today() + dt.timedelta(days=30))

    page = soup(staff.get(f"/admin/inbox/{report.pk}/"))
    assert page.select_one("[data-visit-team]").get_text() == TEAM
    assert page.select_one("[data-risk-level]").get_text() == "Средний риск"
    assert page.select_one("[data-risk-note]").get_text() == RISK_NOTE
    assert page.select_one("[data-agency-name]").get_text() == OTHER_AGENCY
    assert page.select_one("[data-plan-text]").get_text() == PLAN
    # The plan's form (its own page) holds the current plan, to be edited rather than retyped.
    plan_page = soup(staff.get(f"/admin/inbox/{report.pk}/plan/"))
    assert plan_page.select_one("textarea[name=plan-plan_text]").get_text().strip() == PLAN


def test_every_change_is_a_timeline_entry_without_what_anyone_wrote(staff, report):
    record_everything(staff, report)
    staff.post(
        f"/admin/inbox/{report.pk}/plan/",
        {"plan-plan_text": PLAN + " и логопед", "plan-next_review": iso(14)},
    )
    assert SupportPlan.objects.count() == 1
    assert SupportPlan.objects.get().text.endswith("и логопед")

    actions = list(
        ReportLogEntry.objects.filter(report=report)
        .exclude(action="requests.view_content")
        .order_by("timestamp", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "requests.visit",
        "requests.risk",
        "requests.agency",
        "requests.agency",
        "requests.plan",
        "requests.plan",
    ]
    for entry in ReportLogEntry.objects.filter(report=report):
        dumped = json.dumps(entry.data, ensure_ascii=False)
        assert not any(text in dumped for text in WRITTEN), entry.action
        assert "логопед" not in dumped

    page = soup(staff.get(f"/admin/inbox/{report.pk}/"))
    timeline = [row.select("td")[2].get_text() for row in page.select("tr[data-log-action]")]
    day = (today() - dt.timedelta(days=2)).strftime("%d.%m.%Y")
    review = (today() + dt.timedelta(days=14)).strftime("%d.%m.%Y")
    assert f"Записан выезд команды {day}" in timeline
    assert f"Оценка рисков {day}: Средний риск" in timeline
    assert any(m.endswith("Органы опеки и попечительства") for m in timeline)
    assert f"План сопровождения изменён; следующий пересмотр {review}" in timeline


def test_the_written_record_is_sealed_in_the_database(staff, report):
    record_everything(staff, report)
    columns = {
        "requests_visit": "team",
        "requests_riskassessment": "note",
        "requests_agencynotice": "other_name",
        "requests_supportplan": "text",
    }
    with connection.cursor() as cursor:
        for table, column in columns.items():
            cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE "{column}" <> \'\'')  # noqa: S608
            stored = [row[0] for row in cursor.fetchall()]
            assert stored, table
            for value in stored:
                assert value.startswith("s1."), table
                assert not any(text in value for text in WRITTEN), table


def test_purging_the_report_keeps_dates_and_choices_and_drops_the_text(staff, report):
    record_everything(staff, report)
    services.purge(report)
    visit, risk, plan = Visit.objects.get(), RiskAssessment.objects.get(), SupportPlan.objects.get()
    assert visit.team == "" and risk.note == "" and plan.text == ""
    assert risk.level == "medium" and plan.next_review == today() + dt.timedelta(days=30)
    assert {notice.other_name for notice in AgencyNotice.objects.all()} == {""}


@pytest.mark.parametrize(
    ("action", "data", "error"),
    [
        ("visit", {"visit-visited_on": iso(3), "visit-team": TEAM}, "не может быть в будущем"),
        ("visit", {"visit-visited_on": "31.02.2026", "visit-team": TEAM}, "ДД.ММ.ГГГГ"),
        ("visit", {"visit-visited_on": iso(-1), "visit-team": "   "}, "Напишите, кто выезжал"),
        ("visit", {"visit-visited_on": "1900-01-01", "visit-team": TEAM}, "слишком ранняя"),
        ("visit", {"visit-team": TEAM}, "Укажите дату выезда"),
        ("risk", {"risk-assessed_on": iso(), "risk-level": "extreme"}, "из списка"),
        ("risk", {"risk-assessed_on": iso()}, "Выберите итог оценки рисков"),
        (
            "agency",
            {"agency-agency": "other", "agency-informed_on": iso()},
            "Напишите название ведомства",
        ),
        ("agency", {"agency-agency": "fsb", "agency-informed_on": iso()}, "из списка"),
        ("plan", {"plan-plan_text": "", "plan-next_review": iso(5)}, "Напишите план"),
        ("plan", {"plan-plan_text": PLAN, "plan-next_review": iso(-5)}, "не может быть в прошлом"),
        ("plan", {"plan-plan_text": "я" * 5001}, "Не длиннее 5000 знаков"),
    ],
)
def test_bad_input_is_answered_on_the_page_and_nothing_is_stored(
    staff, report, action, data, error
):
    response = staff.post(f"/admin/inbox/{report.pk}/{action}/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    for model in (Visit, RiskAssessment, AgencyNotice, SupportPlan):
        assert not model.objects.exists()
    assert not ReportLogEntry.objects.filter(action=f"requests.{action}").exists()


def test_what_was_typed_stays_in_the_form_after_an_error(staff, report):
    response = staff.post(
        f"/admin/inbox/{report.pk}/plan/", {"plan-plan_text": PLAN, "plan-next_review": iso(-1)}
    )
    assert response.status_code == 400
    assert soup(response).select_one("textarea[name=plan-plan_text]").get_text().strip() == PLAN


def test_a_get_shows_the_form_and_records_nothing(staff, report):
    for action in ["visit", "risk", "agency", "plan"]:
        assert staff.get(f"/admin/inbox/{report.pk}/{action}/").status_code == 200
    for model in (Visit, RiskAssessment, AgencyNotice, SupportPlan):
        assert not model.objects.exists()
    assert not ReportLogEntry.objects.exclude(action="requests.view_content").exists()


def test_outside_the_scope_nothing_is_read_or_written(client, report, other_specialist):
    owner = Client()
    owner.force_login(make_staff("owner", SPECIALISTS, [report.district]))
    record_everything(owner, report)
    client.force_login(other_specialist)
    assert client.get(f"/admin/inbox/{report.pk}/").status_code == 404
    posts = {
        "visit": {"visit-visited_on": iso(), "visit-team": "чужой выезд"},
        "risk": {"risk-assessed_on": iso(), "risk-level": "low"},
        "agency": {"agency-agency": "police", "agency-informed_on": iso()},
        "plan": {"plan-plan_text": "чужой план"},
    }
    for action, data in posts.items():
        response = client.post(f"/admin/inbox/{report.pk}/{action}/", data)
        assert response.status_code == 404, action
        assert TEAM not in response.content.decode()
    assert Visit.objects.count() == 1 and RiskAssessment.objects.count() == 1
    assert SupportPlan.objects.get().text == PLAN


def test_a_reader_who_may_not_act_is_refused(client, report, district):
    """Wagtail answers a refused admin action (PermissionDenied) with its dashboard."""
    User = get_user_model()
    reader = User.objects.create_user("reader", password="x" * 16, is_staff=True)
    reader.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_report"),
    )
    from safechildhood.requests.models import InboxScope

    InboxScope.objects.create(user=reader).districts.set([district])
    client.force_login(reader)
    response = client.post(
        f"/admin/inbox/{report.pk}/visit/", {"visit-visited_on": iso(), "visit-team": TEAM}
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert not Visit.objects.exists()
    assert not ReportLogEntry.objects.filter(action="requests.visit").exists()


def test_without_the_reports_key_no_text_is_written(district, report):
    """A specialist new to the district has no key yet: told why, nothing stored."""
    newcomer = make_staff("newcomer", SPECIALISTS, [district])
    client = Client()
    force_login_password_only(client, newcomer)
    mark_verified(client, newcomer)
    sign_in_keys(client, newcomer, recover=False)
    response = client.post(
        f"/admin/inbox/{report.pk}/visit/",
        {"visit-visited_on": iso(), "visit-team": TEAM},
        follow=True,
    )
    assert response.status_code == 200
    assert "нет ключа к этому обращению" in response.content.decode()
    assert not Visit.objects.exists()
    assert not ReportLogEntry.objects.filter(action="requests.visit").exists()


def test_a_mistaken_entry_is_removed_and_the_timeline_keeps_that_it_was(staff, report):
    record_everything(staff, report)
    notice = AgencyNotice.objects.get(agency="guardianship")
    page = soup(staff.get(f"/admin/inbox/{report.pk}/"))
    assert len(page.select("[data-remove-agency]")) == 2
    url = f"/admin/inbox/{report.pk}/record/agency/{notice.pk}/remove/"
    assert staff.get(url).status_code == 404  # a link followed by accident removes nothing
    assert staff.post(url).status_code == 302
    assert not AgencyNotice.objects.filter(pk=notice.pk).exists()
    again = staff.post(url, follow=True)
    assert "Этой записи уже нет" in again.content.decode()
    (entry,) = ReportLogEntry.objects.filter(action="requests.record_removed")
    assert entry.data == {"kind": "agency", "date": iso(-1), "agency": "guardianship"}
    page = soup(staff.get(f"/admin/inbox/{report.pk}/"))
    timeline = [row.select("td")[2].get_text() for row in page.select("tr[data-log-action]")]
    day = (today() - dt.timedelta(days=1)).strftime("%d.%m.%Y")
    assert (
        f"Удалена ошибочная запись: информирование ведомства от {day} "
        "(Органы опеки и попечительства)" in timeline
    )
    assert staff.post(f"/admin/inbox/{report.pk}/record/plan/1/remove/").status_code == 404


def test_another_districts_entry_cannot_be_removed(staff, report, other_district):
    elsewhere = ReportFactory(district=other_district)
    from safechildhood.requests import record

    visit = record.record_visit(elsewhere, None, today(), TEAM)
    # Through a report of one's own, with the id of another report's entry: not found.
    response = staff.post(f"/admin/inbox/{report.pk}/record/visit/{visit.pk}/remove/", follow=True)
    assert "Этой записи уже нет" in response.content.decode()
    assert (
        staff.post(f"/admin/inbox/{elsewhere.pk}/record/visit/{visit.pk}/remove/").status_code
        == 404
    )
    assert Visit.objects.filter(pk=visit.pk).exists()
