"""Retention: closed reports lose their content after REPORTS_RETENTION_DAYS, with warning."""

import datetime as dt
import logging

import pytest
from django.core.management import call_command
from django.utils import timezone

from safechildhood.requests import services, tasks
from safechildhood.requests.models import Report, ReportMessage, ReportNote, Status

from .conftest import file_report, soup
from .factories import ReportFactory

pytestmark = pytest.mark.django_db


def closed_days_ago(report: Report, days: int) -> Report:
    report.status = Status.CLOSED
    report.outcome = "unfounded"
    report.closed_at = timezone.now() - dt.timedelta(days=days)
    report.save()
    return report


def test_purge_strips_content_and_stops_the_receipt(client, district, specialist, settings):
    settings.REPORTS_RETENTION_DAYS = 30
    code = file_report(
        client,
        district,
        consent=True,
        contact_preference="contact",
        contact_phone="8 900 000-00-00",
    )
    report = Report.objects.get()
    services.add_note(report, "заметка", specialist)
    services.message_reporter(report, "вопрос", specialist)
    closed_days_ago(report, 31)
    recent = closed_days_ago(ReportFactory(district=district), 29)
    open_old = ReportFactory(district=district, created_at=timezone.now() - dt.timedelta(days=400))

    handler = logging.Handler()
    records = []
    handler.emit = records.append
    logger = logging.getLogger("safechildhood.requests.services")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        call_command("purge_reports", verbosity=0)
    finally:
        logger.removeHandler(handler)

    report.refresh_from_db()
    assert report.purged_at is not None
    assert (report.description, report.place, report.contact_phone) == ("", "", "")
    assert report.receipt_hash == "" and report.receipt_lookup == ""
    assert not ReportNote.objects.exists() and not ReportMessage.objects.exists()
    # What statistics need stays.
    assert (report.category, report.district, report.outcome) == ("neglect", district, "unfounded")
    assert Report.find_by_receipt(code) is None
    assert report.log_entries.filter(action="requests.purge").exists()
    assert any(f"Report {report.pk} purged" in r.getMessage() for r in records)
    for untouched in (recent, open_old):
        untouched.refresh_from_db()
        assert untouched.purged_at is None and untouched.description


def test_dry_run_changes_nothing(district, settings, capsys):
    settings.REPORTS_RETENTION_DAYS = 10
    report = closed_days_ago(ReportFactory(district=district), 11)
    call_command("purge_reports", "--dry-run")
    assert "Would purge 1 report(s)" in capsys.readouterr().out
    report.refresh_from_db()
    assert report.purged_at is None


def test_staff_are_warned_a_week_before(client, district, specialist, settings):
    settings.REPORTS_RETENTION_DAYS = 30
    soon = closed_days_ago(ReportFactory(district=district), 25)
    later = closed_days_ago(ReportFactory(district=district), 10)
    client.force_login(specialist)
    panel = soup(client.get("/admin/")).select_one("#report-inbox-section")
    assert "содержание будет удалено в течение недели" in panel.get_text()
    listing = client.get("/admin/inbox/?attention=purge").content.decode()
    assert str(soon) in listing and str(later) not in listing
    page = soup(client.get(f"/admin/inbox/{soon.pk}/"))
    assert "Содержание будет удалено" in page.get_text()


def test_maintenance_task_purges_and_schedules_itself(district, settings):
    settings.REPORTS_RETENTION_DAYS = 5
    report = closed_days_ago(ReportFactory(district=district), 6)
    result = tasks.report_maintenance.call()
    assert result["purged"] == 1
    report.refresh_from_db()
    assert report.purged_at is not None


def test_maintenance_is_queued_once_on_the_database_backend(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("schedule_report_maintenance", verbosity=0)
    call_command("schedule_report_maintenance", verbosity=0)
    queued = DBTaskResult.objects.filter(task_path=tasks.report_maintenance.module_path)
    assert queued.count() == 1
    run_after = timezone.localtime(queued.get().run_after)
    assert (run_after.hour, run_after.minute) == (3, 0)
    assert run_after > timezone.now()
