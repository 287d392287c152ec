"""Figures for managers (issue 13, point 7): exact figures for a known set of reports,
«< 5» in the exports, the exports read back, who may see them, and a fixed query count."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from safechildhood.core.models import AccountLogEntry
from safechildhood.requests import statistics as stats
from safechildhood.requests.models import Kind, Outcome, ReportLogEntry, Status

from .conftest import soup
from .factories import ReportFactory, make_staff

pytestmark = pytest.mark.django_db

MANAGERS = "Руководители"
PERIOD = "date_from=2026-01-01&date_to=2026-03-31"
NOW = timezone.make_aware(dt.datetime(2026, 4, 1, 12, 0))


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


def _act(report, user, after_hours: float, action: str = "requests.status") -> None:
    ReportLogEntry.objects.log_action(
        report,
        action,
        user=user,
        timestamp=report.created_at + dt.timedelta(hours=after_hours),
    )


def _report(
    created,
    by=None,
    *,
    first=None,
    closed_after=None,
    outcome="",
    action="requests.status",
    **fields,
):
    """A report received at `created`, first acted on by `by` `first` hours later."""
    status = fields.pop("status", Status.CLOSED if closed_after else Status.TRIAGE)
    report = ReportFactory(
        created_at=created,
        status=status,
        outcome=outcome,
        closed_at=created + dt.timedelta(hours=closed_after) if closed_after else None,
        **fields,
    )
    if first is not None:
        _act(report, by, first, action)
    return report


@pytest.fixture
def known_set(district, other_district, coordinator):
    """Six real reports in January–March 2026, one demo report, one from December."""
    a, b, c = district, other_district, coordinator
    r1 = _report(
        at(1, 10, 10),
        c,
        first=0.5,
        closed_after=48,
        outcome=Outcome.SUPPORTED,
        urgent=True,
        category="violence",
        district=a,
        reporter_role="neighbour",
    )
    _report(
        at(1, 20, 12),
        c,
        first=2,
        closed_after=96,
        outcome=Outcome.REFERRED,
        urgent=True,
        category="violence",
        district=a,
        reporter_role="teacher",
    )
    r3 = _report(at(2, 5), c, first=10, category="neglect", district=b, reporter_role="relative")
    _report(
        at(2, 6),
        c,
        first=30,
        closed_after=120,
        outcome=Outcome.UNFOUNDED,
        category="bullying",
        district=b,
        reporter_role="teacher",
    )
    _report(
        at(3, 1), status=Status.NEW, category="neglect", district=None, reporter_role="neighbour"
    )
    _report(
        at(3, 10),
        c,
        first=4,
        closed_after=24,
        outcome=Outcome.SUPPORTED,
        action="requests.call_back",
        kind=Kind.FAMILY,
        category="",
        district=a,
        reporter_role="",
        danger_now="",
    )
    # Not counted: a demo report, one before the period, views and alerts (not actions).
    _report(at(3, 15), c, first=1, is_demo=True, category="violence", district=a)
    _report(timezone.make_aware(dt.datetime(2025, 12, 31, 23, 0)), c, first=1, district=a)
    _act(r3, coordinator, 1, "requests.view_content")
    ReportLogEntry.objects.log_action(
        r1, "requests.alert", user=None, timestamp=r1.created_at + dt.timedelta(minutes=1)
    )
    return a, b


def _figures(**period):
    districts = stats.all_districts()
    defaults = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 3, 31)}
    return stats.figures(stats.Period(**{**defaults, **period}), districts, now=NOW)


def _table(figures, key):
    return {row[0]: row[1:] for row in next(t for t in figures.tables if t.key == key).rows}


def test_counts_match_the_known_set(known_set):
    figures = _figures()
    assert figures.total == 6
    assert [row[1] for row in next(t for t in figures.tables if t.key == "month").rows] == [2, 2, 2]
    assert _table(figures, "district") == {
        "Вологодский район": [3],
        "Сокольский район": [2],
        "Район не указан": [1],
    }
    category = _table(figures, "category")
    assert category["Насилие в отношении ребёнка"] == [2]
    assert category["Ребёнок без присмотра и заботы"] == [2]
    assert category["Травля (буллинг)"] == [1]
    assert category["Другое"] == [0]
    assert category["Не указано (просьбы семей)"] == [1]
    assert _table(figures, "urgency") == {"Срочные": [2], "Несрочные": [4]}
    assert _table(figures, "kind") == {"Сообщение о ребёнке": [5], "Просьба семьи о помощи": [1]}
    reporter = _table(figures, "reporter")
    assert reporter["Сосед или соседка"] == [2] and reporter["Педагог или специалист"] == [2]
    assert reporter["Родственник"] == [1] and reporter["Не указано"] == [1]
    outcome = _table(figures, "outcome")
    assert outcome["Семье оказана помощь"] == [2] and outcome["Ещё не закрыто"] == [2]
    assert outcome["Передано в другое ведомство"] == [1]
    assert outcome["Опасения не подтвердились"] == [1]


def test_times_match_the_known_set(known_set, settings):
    settings.REPORTS_URGENT_SLA_HOURS, settings.REPORTS_SLA_HOURS = 1, 24
    figures = _figures()
    # total, with an action, promised, median, p90, on time, late, waiting
    assert _table(figures, "first_action") == {
        "Срочные": [2, 2, 1, 1.25, 2.0, 1, 1, 0],
        "Несрочные": [4, 3, 24, 10.0, 30.0, 2, 2, 0],
        "Все": [6, 5, None, 4.0, 30.0, 3, 3, 0],
    }
    # total, closed, median, p90
    assert _table(figures, "closing") == {
        "Срочные": [2, 2, 72.0, 96.0],
        "Несрочные": [4, 2, 72.0, 120.0],
        "Все": [6, 4, 72.0, 120.0],
    }


def test_a_report_still_within_its_promise_is_waiting(known_set):
    early = timezone.make_aware(dt.datetime(2026, 3, 1, 20, 0))  # 11 h after the new report
    reaction = _table(_figures(end=dt.date(2026, 3, 5)), "first_action")
    assert reaction["Несрочные"][-2:] == [2, 0]  # late: r4 and the new one (a month later)
    figures = stats.figures(
        stats.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 1)), stats.all_districts(), now=early
    )
    assert _table(figures, "first_action")["Несрочные"] == [1, 0, 24, None, None, 0, 0, 1]


def test_a_record_of_the_interagency_work_is_an_action(district, coordinator):
    _report(at(2, 1), coordinator, first=3, action="requests.visit", district=district)
    report = _report(at(2, 2), district=district)
    _act(report, coordinator, 1, "requests.record_removed")  # removing a mistake is not
    reaction = _table(_figures(), "first_action")["Несрочные"]
    assert reaction[:2] == [2, 1] and reaction[3:5] == [3.0, 3.0]


def test_district_filter(known_set):
    a, _b = known_set
    figures = _figures(district=str(a.pk))
    assert figures.total == 3
    assert _table(figures, "district") == {"Вологодский район": [3]}
    assert _figures(district=stats.NO_DISTRICT).total == 1


def test_percentiles():
    assert stats.median([]) is None and stats.percentile([], 0.9) is None
    assert stats.percentile([5.0], 0.9) == 5.0
    assert stats.percentile([float(n) for n in range(1, 11)], 0.9) == 9.0
    assert stats.median([1.0, 2.0, 3.0, 10.0]) == 2.5


def test_a_lone_small_count_is_not_left_to_subtraction():
    counts = stats.Table("t", "t", ["", "n"], [["a", 7], ["b", 2], ["c", 9], ["d", 0]])
    assert stats.suppressed_rows(counts) == [["a", "скрыто"], ["b", "< 5"], ["c", 9], ["d", 0]]
    two_small = stats.Table("t", "t", ["", "n"], [["a", 7], ["b", 2], ["c", 3]])
    assert stats.suppressed_rows(two_small) == [["a", 7], ["b", "< 5"], ["c", "< 5"]]
    # Times: the row «Все» is the sum of the others, and on time + late + waiting = total.
    times = stats.Table(
        "first_action",
        "t",
        [""] * 9,
        [
            ["Срочные", 6, 6, 1, 1.0, 2.0, 5, 1, 0],
            ["Несрочные", 20, 12, 24, 5.0, 9.0, 6, 8, 6],
            ["Все", 26, 18, None, 4.0, 8.0, 11, 9, 6],
        ],
        count_columns=(1, 2, 6, 7, 8),
        basis=2,
        total_row=True,
        row_parts=(6, 7, 8),
    )
    rows = stats.suppressed_rows(times)
    assert rows[0] == ["Срочные", 6, 6, 1, 1.0, 2.0, "скрыто", "< 5", 0]
    # Otherwise «Все» minus the others would give the urgent ones away, and from them the 1.
    assert rows[1][6:] == ["скрыто", "скрыто", 6]
    assert rows[2] == times.rows[2]


# --- The page and the exports ----------------------------------------------------------------


@pytest.fixture
def manager(db):
    return make_staff("chief", MANAGERS)


def test_manager_sees_the_figures_with_charts_and_tables(client, known_set, manager):
    client.force_login(manager)
    page = soup(client.get(f"/admin/inbox-statistics/?{PERIOD}"))
    assert "Всего обращений: 6" in page.get_text()
    charts = page.select("svg[role=img]")
    assert len(charts) == 9
    for chart in charts:
        labelled = chart["aria-labelledby"].split()
        assert chart.select_one("title")["id"] == labelled[0]
        assert chart.select_one("desc")["id"] == labelled[1]
    month = page.select_one("table[data-table=month]")
    assert [td.get_text() for td in month.select("tbody td")] == ["2", "2", "2"]
    times = page.select_one("table[data-table=first_action]").get_text()
    assert "1,3" in times  # the urgent median, 1.25 h
    assert not page.select("script[src*='//']")
    assert "Дети во дворе" not in page.get_text()  # never any content


def test_the_page_and_exports_follow_the_admin_language(client, known_set, manager):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(manager)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(manager)
    page = soup(client.get(f"/admin/inbox-statistics/?{PERIOD}"))
    headings = [h.get_text() for h in page.select("h2")]
    assert headings[:2] == ["By month", "By district"] and "Time to first action" in headings
    assert page.select_one("table[data-table=month] th[scope=row]").get_text() == "January 2026"
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/admin/inbox-statistics/export/csv/?{PERIOD}").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert ["Reports in total", "6"] in rows and ["Report about a child", "hidden"] in rows


def test_default_period_is_the_last_twelve_months(client, manager):
    client.force_login(manager)
    page = soup(client.get("/admin/inbox-statistics/"))
    assert len(page.select("table[data-table=month] tbody tr")) == 12
    today = timezone.localdate()
    assert page.select_one("input[name=date_to]")["value"] == today.isoformat()
    assert (
        page.select_one("input[name=date_from]")["value"] == stats.default_start(today).isoformat()
    )


@pytest.mark.parametrize(
    "query",
    [
        "date_from=2026-05-01&date_to=2026-01-01",
        "date_from=вчера",
        "date_from=1900-01-01",
        "district=999999",
        "date_from=9999-01-01&date_to=9999-12-31",
    ],
)
def test_bad_filter_gets_a_clear_answer(client, manager, query):
    client.force_login(manager)
    response = client.get(f"/admin/inbox-statistics/?{query}")
    assert response.status_code == 200
    assert soup(response).select(".error-message, .help-critical")
    export = client.get(f"/admin/inbox-statistics/export/csv/?{query}")
    assert export.status_code == 302 and not AccountLogEntry.objects.exists()


def test_csv_export_hides_small_counts_and_is_logged(client, known_set, manager):
    client.force_login(manager)
    response = client.get(f"/admin/inbox-statistics/export/csv/?{PERIOD}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["Всего обращений", "6"] in rows
    assert ["Вологодский район", "< 5"] in rows
    assert ["Другое", "0"] in rows
    # A lone «< 5» (one family request) would be the total minus the rest: that is hidden too.
    assert ["Просьба семьи о помощи", "< 5"] in rows and ["Сообщение о ребёнке", "скрыто"] in rows
    # Rows of fewer than five reports hide their times; the row of all five shows them.
    assert ["Срочные", "< 5", "< 5", "1", "", "", "< 5", "< 5", "0"] in rows
    assert ["Все", "6", "5", "", "4.0", "30.0", "< 5", "< 5", "0"] in rows
    for row in rows:
        for cell in row:
            assert cell not in {"1", "2", "3", "4"} or row[0] == "Срочные"
    assert "Дети во дворе" not in response.content.decode("utf-8-sig")
    entry = AccountLogEntry.objects.get(action="requests.statistics_export")
    assert entry.user == manager and entry.object_id == str(manager.pk)
    assert entry.data == {
        "format": "csv",
        "from": "2026-01-01",
        "to": "2026-03-31",
        "district": "все районы",
    }


def test_xlsx_export_reads_back(client, known_set, coordinator):
    client.force_login(coordinator)
    response = client.get(f"/admin/inbox-statistics/export/xlsx/?{PERIOD}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Сводка"
    summary = [list(row) for row in book["Сводка"].iter_rows(values_only=True)]
    assert ["Всего обращений", 6] in summary
    districts = [list(r) for r in book["По районам"].iter_rows(values_only=True)]
    assert ["Вологодский район", "< 5"] in districts
    times = [list(r) for r in book["Время до первого действия"].iter_rows(values_only=True)]
    assert ["Все", 6, 5, None, 4.0, 30.0, "< 5", "< 5", 0] in times
    assert AccountLogEntry.objects.filter(action="requests.statistics_export").count() == 1
    # Coordinators read it in the staff accounts' log.
    log_page = client.get("/admin/reports/staff-sign-ins/").content.decode()
    assert "Выгружена статистика обращений (XLSX): 2026-01-01 – 2026-03-31, все районы" in log_page


def test_unknown_export_format_is_404(client, manager):
    client.force_login(manager)
    assert client.get("/admin/inbox-statistics/export/pdf/").status_code == 404


# --- Who may see them ---------------------------------------------------------------------------


def test_managers_group_is_created_by_migration():
    codes = set(Group.objects.get(name=MANAGERS).permissions.values_list("codename", flat=True))
    assert codes == {"access_admin", "view_statistics"}
    assert (
        Group.objects.get(name="Координаторы")
        .permissions.filter(codename="view_statistics")
        .exists()
    )


def _assert_denied(response, unseen: str) -> None:
    """Wagtail answers a refusal in the admin with its dashboard and «no permission»."""
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert response.redirect_chain[-1][0] == "/admin/"
        assert "permission" in response.content.decode() or "прав" in response.content.decode()
    assert unseen not in response.content.decode()


def test_manager_sees_no_inbox_and_no_report(client, manager, district):
    report = ReportFactory(district=district)
    client.force_login(manager)
    for url in ["/admin/inbox/", f"/admin/inbox/{report.pk}/"]:
        _assert_denied(client.get(url, follow=True), str(report))
    ReportLogEntry.objects.log_action(report, "requests.create")
    history = client.get("/admin/reports/site-history/")
    assert history.status_code in (200, 302) and str(report) not in history.content.decode()
    menu = client.get("/admin/").content.decode()
    assert "/admin/inbox-statistics/" in menu and 'href="/admin/inbox/"' not in menu


def test_specialist_may_not_see_statistics(client, specialist):
    client.force_login(specialist)
    for url in ["/admin/inbox-statistics/", "/admin/inbox-statistics/export/csv/"]:
        _assert_denied(client.get(url, follow=True), "Всего обращений")
    assert not AccountLogEntry.objects.filter(action="requests.statistics_export").exists()


def test_anonymous_is_sent_to_sign_in(client):
    for url in ["/admin/inbox-statistics/", "/admin/inbox-statistics/export/xlsx/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- Cost ---------------------------------------------------------------------------------------


def test_figures_cost_a_fixed_number_of_queries(known_set, django_assert_num_queries):
    districts = stats.all_districts()
    period = stats.Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    with django_assert_num_queries(4):
        stats.figures(period, districts, now=NOW)


def test_page_queries_do_not_grow_with_reports(
    client, known_set, manager, coordinator, django_assert_max_num_queries
):
    client.force_login(manager)
    url = f"/admin/inbox-statistics/?{PERIOD}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    a, _b = known_set
    for day in range(1, 26):
        _report(
            at(2, day),
            coordinator,
            first=day,
            closed_after=day * 2,
            outcome=Outcome.SUPPORTED,
            district=a,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
    # The admin's own (session, user, permissions, menu) and five for the figures.
    with django_assert_max_num_queries(16):
        client.get(url)
    for fmt in ["csv", "xlsx"]:
        with django_assert_max_num_queries(16):
            assert client.get(f"/admin/inbox-statistics/export/{fmt}/?{PERIOD}").status_code == 200
