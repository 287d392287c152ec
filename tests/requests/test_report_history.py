"""A report's history: the report page shows the latest entries, the history page all of
them, paged and filterable, to the same people who may open the report."""

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from safechildhood.requests.admin_views import TIMELINE_SHOWN
from safechildhood.requests.models import ReportLogEntry

from .conftest import soup

pytestmark = pytest.mark.django_db


def add_entries(report, user, count: int) -> list[ReportLogEntry]:
    """`count` entries an hour apart, the newest last."""
    start = timezone.now() - dt.timedelta(hours=count)
    entries = []
    for number in range(count):
        entry = ReportLogEntry.objects.log_action(report, "requests.note", user=user)
        entry.timestamp = start + dt.timedelta(hours=number)
        entry.save(update_fields=["timestamp"])
        entries.append(entry)
    return entries


def when(entry: ReportLogEntry) -> str:
    return date_format(timezone.localtime(entry.timestamp), "d.m.Y H:i:s")


def test_the_report_page_shows_the_latest_entries_and_links_to_the_rest(staff, report, specialist):
    entries = add_entries(report, specialist, TIMELINE_SHOWN + 10)
    page = soup(staff.get(f"/admin/inbox/{report.pk}/"))
    shown_times = [row.select_one("td").get_text() for row in page.select("tr[data-log-action]")]
    newest_first = [when(entry) for entry in reversed(entries)]
    assert shown_times == newest_first[:TIMELINE_SHOWN]
    shown = page.select_one("[data-full-history]")
    assert f"Показаны последние {TIMELINE_SHOWN} записей." in shown.get_text()
    link = shown.select_one("a")
    assert link.get_text() == "Вся история обращения"
    assert link["href"] == f"/admin/inbox/{report.pk}/history/"


def test_a_short_history_is_all_on_the_report_page(staff, report, specialist):
    add_entries(report, specialist, 3)
    page = soup(staff.get(f"/admin/inbox/{report.pk}/"))
    assert len(page.select("tr[data-log-action]")) == 3
    assert page.select_one("[data-full-history]") is None


def test_the_history_page_pages_through_every_entry(staff, report, specialist):
    add_entries(report, specialist, 45)
    total = ReportLogEntry.objects.filter(report=report).count()
    seen = 0
    for number in range(1, 4):
        response = staff.get(f"/admin/inbox/{report.pk}/history/?p={number}")
        assert response.status_code == 200
        rows = soup(response).select("table.listing tbody tr")
        seen += len(rows)
    assert seen == total
    page = soup(staff.get(f"/admin/inbox/{report.pk}/history/"))
    text = page.get_text(" ", strip=True)
    assert str(report) in text
    assert "Добавлена внутренняя заметка" in text
    # The way back is the report page, and there is no «edit» for a report.
    assert page.select_one(f"a[href='/admin/inbox/{report.pk}/']") is not None
    assert page.select_one("a[href*='/edit/']") is None
    # Opening the history is not opening the report's content: no entry is added.
    assert ReportLogEntry.objects.filter(report=report).count() == total


def test_the_history_page_filters_by_action(staff, report, specialist):
    add_entries(report, specialist, 3)
    staff.get(f"/admin/inbox/{report.pk}/")
    response = staff.get(f"/admin/inbox/{report.pk}/history/?action=requests.view_content")
    rows = soup(response).select("table.listing tbody tr")
    assert len(rows) == 1
    assert "Просмотрено содержание обращения" in rows[0].get_text()


def test_nobody_outside_the_reports_scope_sees_its_history(
    client, report, specialist, other_specialist, django_user_model
):
    add_entries(report, specialist, 1)
    client.force_login(other_specialist)
    assert client.get(f"/admin/inbox/{report.pk}/history/").status_code == 404
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    client.force_login(editor)
    response = client.get(f"/admin/inbox/{report.pk}/history/", follow=True)
    assert response.redirect_chain  # turned away, to the admin's sign-in or home page
    assert "Добавлена внутренняя заметка" not in response.content.decode()


def test_an_audit_entry_is_one_insert_and_still_checked(report, specialist):
    """Opening a report writes an entry: one INSERT, without Wagtail's per-field checks that
    the report, the user and the content type exist (the caller has just read them)."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.exceptions import ValidationError
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ContentType.objects.get_for_model(report)  # cached for the process, as in a worker
    with CaptureQueriesContext(connection) as queries:
        ReportLogEntry.objects.log_action(report, "requests.view_content", user=specialist)
    assert [q["sql"].split()[0] for q in queries] == ["INSERT"]
    with pytest.raises(ValidationError):  # an unregistered action is still refused
        ReportLogEntry.objects.log_action(report, "requests.no_such_action", user=specialist)


def test_an_action_on_several_reports_at_once_stays_in_each_reports_history(
    staff, district, specialist
):
    """Wagtail groups the entries one request writes (one log context, one uuid): its own
    history view keeps only the latest per action, across every object. Taking two reports
    at once must leave the entry in the first report's history too."""
    from .factories import ReportFactory

    first, second = ReportFactory.create_batch(2, district=district)
    staff.post(f"/admin/bulk/requests/report/take/?id={first.pk}&id={second.pk}")
    for report in (first, second):
        entries = ReportLogEntry.objects.filter(report=report).values_list("action", flat=True)
        assert "requests.assign" in entries
        page = soup(staff.get(f"/admin/inbox/{report.pk}/history/"))
        rows = page.select("table.listing tbody tr")
        assert len(rows) == len(entries)
        assert any("Исполнитель" in row.get_text() for row in rows)
