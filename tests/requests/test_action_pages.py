"""The report page and its action pages (issue 11, point 5: opening a report fast).

A report page is opened far more often than its rarer actions are taken. The page shows
the report, its record and correspondence with the everyday forms (status, assignee and
urgency, a message to the reporter, an internal note); each rarer action (assign a service,
tell the registry's editors, move the report to another district, record a call, a visit, a
risk assessment, the agencies informed, the support plan) has its own page at its own
address: GET shows the form, POST does it, a refused form comes back on that page with what
was typed and the reasons.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from safechildhood.requests import services
from safechildhood.requests.models import Kind, ReportLogEntry, SupportPlan, Visit
from tests.registry.factories import DistrictFactory, ServiceAreaFactory, ServiceFactory
from tests.sealing import sign_in_keys
from tests.signin import force_login_password_only, mark_verified

from .conftest import soup
from .factories import SPECIALISTS, ReportFactory, make_staff

pytestmark = pytest.mark.django_db

EVERY_REPORT = ["service", "registry-flag", "transfer", "visit", "risk", "agency", "plan"]
PLAN = "Еженедельные встречи с психологом; продуктовый набор"


def test_the_report_page_links_to_each_rarer_action_and_renders_only_everyday_forms(staff, report):
    page = soup(staff.get(f"/admin/inbox/{report.pk}/"))
    links = {a["href"] for a in page.select("a[data-action-link]")}
    assert links == {f"/admin/inbox/{report.pk}/{action}/" for action in EVERY_REPORT}
    actions = sorted(form["action"] for form in page.select("form:has(button)"))
    everyday = ["assign", "message", "note", "status"]
    assert actions == sorted(f"/admin/inbox/{report.pk}/{action}/" for action in everyday)
    assert not page.select("select[name=district], textarea[name=visit-team], textarea[name^=plan]")


def test_a_family_request_links_to_recording_a_call(staff, district):
    family = ReportFactory(district=district, kind=Kind.FAMILY, family_topic="money")
    page = soup(staff.get(f"/admin/inbox/{family.pk}/"))
    assert page.select_one(f"a[href='/admin/inbox/{family.pk}/call-back/']")
    assert staff.get(f"/admin/inbox/{family.pk}/call-back/").status_code == 200


@pytest.mark.parametrize("action", EVERY_REPORT)
def test_each_action_page_shows_its_form_and_where_it_belongs(staff, report, action):
    url = f"/admin/inbox/{report.pk}/{action}/"
    response = staff.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = soup(response)
    (form,) = page.select("main form:has(button[type=submit])")
    assert form["action"] == url and form["method"] == "post"
    assert page.select_one(f"a[data-back-to-report][href='/admin/inbox/{report.pk}/']")
    assert report.district.name in page.select_one("[data-report-summary]").get_text()
    assert "Дети одни третий день" not in response.content.decode()  # the report's text


def test_the_plan_page_holds_the_current_plan_and_its_view_is_audited(staff, report):
    staff.post(f"/admin/inbox/{report.pk}/plan/", {"plan-plan_text": PLAN})
    viewed = ReportLogEntry.objects.filter(report=report, action="requests.view_content")
    before = viewed.count()
    page = soup(staff.get(f"/admin/inbox/{report.pk}/plan/"))
    assert page.select_one("textarea[name=plan-plan_text]").get_text().strip() == PLAN
    assert viewed.count() == before + 1


def test_a_refused_form_comes_back_on_its_page_with_what_was_typed(staff, report):
    typed = {"visit-visited_on": "31.02.2026", "visit-team": "Иванова А. П."}
    response = staff.post(f"/admin/inbox/{report.pk}/visit/", typed)
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one("textarea[name=visit-team]").get_text().strip() == "Иванова А. П."
    assert "ДД.ММ.ГГГГ" in page.get_text()
    assert page.select_one("main form")["action"] == f"/admin/inbox/{report.pk}/visit/"
    assert not Visit.objects.exists()


def test_a_transfer_without_a_reason_keeps_the_chosen_district(staff, report):
    elsewhere = DistrictFactory(name="Сокольский район")
    response = staff.post(f"/admin/inbox/{report.pk}/transfer/", {"district": elsewhere.pk})
    assert response.status_code == 400
    page = soup(response)
    chosen = page.select_one("select[name=district] option[selected]")
    assert chosen["value"] == str(elsewhere.pk)
    assert "Выберите причину" in page.get_text()
    report.refresh_from_db()
    assert report.district_id != elsewhere.pk


def test_a_service_not_on_the_list_is_answered_on_the_service_page(staff, report):
    far = ServiceFactory(name="Служба другого района")
    near = ServiceFactory(name="Служба района")
    ServiceAreaFactory(service=near, district=report.district)
    response = staff.post(f"/admin/inbox/{report.pk}/service/", {"service": far.pk})
    assert response.status_code == 400
    page = soup(response)
    names = [option.get_text() for option in page.select("select[name=service] option")]
    assert "Служба района" in names and "Служба другого района" not in names
    assert "Выберите службу из списка" in page.get_text()


def test_action_pages_keep_the_inbox_scope(client, report, other_specialist):
    client.force_login(other_specialist)
    for action in EVERY_REPORT:
        assert client.get(f"/admin/inbox/{report.pk}/{action}/").status_code == 404, action


def test_no_action_page_for_a_purged_report_or_a_call_to_a_non_family(staff, report):
    assert staff.get(f"/admin/inbox/{report.pk}/call-back/").status_code == 404
    services.purge(report)
    for action in EVERY_REPORT:
        assert staff.get(f"/admin/inbox/{report.pk}/{action}/").status_code == 404, action


def test_a_reader_who_may_not_act_gets_no_action_page(client, report, district):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from safechildhood.requests.models import InboxScope

    reader = get_user_model().objects.create_user("reader", password="x" * 16, is_staff=True)
    reader.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_report"),
    )
    InboxScope.objects.create(user=reader).districts.set([district])
    client.force_login(reader)
    page = soup(client.get(f"/admin/inbox/{report.pk}/"))
    assert not page.select("a[data-action-link]")
    response = client.get(f"/admin/inbox/{report.pk}/transfer/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_without_the_reports_key_the_record_pages_say_why_and_offer_no_form(district, report):
    newcomer = make_staff("newcomer", SPECIALISTS, [district])
    client = Client()
    force_login_password_only(client, newcomer)
    mark_verified(client, newcomer)
    sign_in_keys(client, newcomer, recover=False)
    for action in ["visit", "risk", "agency", "plan"]:
        page = soup(client.get(f"/admin/inbox/{report.pk}/{action}/"))
        assert page.select_one("[data-report-locked]"), action
        assert not page.select("main form:has(button[type=submit])"), action
    assert soup(client.get(f"/admin/inbox/{report.pk}/transfer/")).select_one(
        "form[data-transfer-form]"
    )
    assert not SupportPlan.objects.exists()
    entry = ReportLogEntry.objects.filter(report=report, user=newcomer).last()
    assert entry is None or entry.action != "requests.view_content"


def test_a_call_is_recorded_from_its_page(staff, district):
    family = ReportFactory(district=district, kind=Kind.FAMILY, family_topic="money")
    called = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(hours=1)
    response = staff.post(
        f"/admin/inbox/{family.pk}/call-back/",
        {"called_at": called.strftime("%Y-%m-%dT%H:%M"), "result": "reached", "agreed": "visit"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/admin/inbox/{family.pk}/"
    assert family.call_backs.count() == 1
