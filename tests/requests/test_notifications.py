"""The new-report e-mail: queued after the commit, content-free, retried, visible when failing."""

import datetime as dt
import smtplib

import pytest
from django.core.management import call_command
from django.utils import timezone

from safechildhood.requests import tasks
from safechildhood.requests.models import Report, ReportNotification

from .conftest import ANSWERS, file_report, soup
from .factories import ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sos_service(district):
    from tests.registry.factories import LocationFactory, ServiceFactory

    service = ServiceFactory(name="SOS-служба", kinds=["sos"], email="sos-duty@example.ru")
    LocationFactory(service=service, district=district)
    return service


def test_new_report_mails_the_sos_duty_address_without_content(
    client, district, sos_service, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file_report(client, district)
    report = Report.objects.get()
    (message,) = mailoutbox
    assert message.to == ["sos-duty@example.ru"]
    assert message.subject == f"Новое обращение №{report.pk}"
    assert f"/admin/inbox/{report.pk}/" in message.body
    for secret in [ANSWERS["description"], ANSWERS["place"], "Вологодский", "присмотра"]:
        assert secret not in message.body and secret not in message.subject
    notification = report.notifications.get()
    assert notification.state == ReportNotification.State.SENT
    assert notification.recipients == "sos-duty@example.ru"
    assert report.log_entries.filter(action="requests.notified").exists()


def test_urgent_reports_say_so_in_the_subject(
    client, district, sos_service, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file_report(client, district, danger_now="yes")
    assert mailoutbox[0].subject.startswith("СРОЧНО: новое обращение")


def test_fallback_address_when_the_district_has_no_sos_service(
    client, district, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.REPORTS_FALLBACK_EMAIL = "duty@region.example"
    with django_capture_on_commit_callbacks(execute=True):
        file_report(client, None)
    assert mailoutbox[0].to == ["duty@region.example"]


def test_nothing_is_queued_before_the_commit(client, district, sos_service, mailoutbox):
    """The report is written first; the e-mail only after the transaction commits."""
    file_report(client, district)  # on_commit callbacks are not run inside the test transaction
    assert Report.objects.count() == 1
    assert mailoutbox == []
    assert Report.objects.get().notifications.get().state == ReportNotification.State.PENDING


def test_a_mail_failure_keeps_the_report_and_retries_with_back_off(
    client, district, sos_service, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection refused")

    monkeypatch.setattr(tasks, "send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        code = file_report(client, district)
    assert len(code) == 16  # the visitor got their receipt all the same
    report = Report.objects.get()
    notification = report.notifications.get()
    assert notification.state == ReportNotification.State.RETRYING
    assert notification.attempts == 1
    assert "SMTPServerDisconnected" in notification.last_error
    assert (
        dt.timedelta(seconds=50)
        < notification.next_attempt_at - timezone.now()
        < dt.timedelta(minutes=2)
    )

    # Not due yet: the sweep leaves it alone.
    assert tasks.retry_due_notifications() == 0
    # Due: retried, fails again, waits longer.
    later = timezone.now() + dt.timedelta(minutes=2)
    assert tasks.retry_due_notifications(now=later) == 1
    notification.refresh_from_db()
    assert notification.attempts == 2
    assert notification.next_attempt_at - timezone.now() > dt.timedelta(minutes=4)

    # Staff see it in the inbox.
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_superuser("boss", password="x")
    client.force_login(staff)
    page = soup(client.get(f"/admin/inbox/{report.pk}/"))
    assert page.select_one("[data-notification-state=retrying]")
    listing = client.get("/admin/inbox/?attention=notification")
    assert str(report) in listing.content.decode()

    # The mail server comes back.
    monkeypatch.undo()
    ReportNotification.objects.update(next_attempt_at=timezone.now())
    tasks.retry_due_notifications()
    notification.refresh_from_db()
    assert notification.state == ReportNotification.State.SENT
    assert len(mailoutbox) == 1


def test_a_notification_that_keeps_failing_gives_up_visibly(district, monkeypatch):
    monkeypatch.setattr(tasks, "send_mail", lambda *a, **k: (_ for _ in ()).throw(OSError("down")))
    report = ReportFactory(district=district)
    notification = ReportNotification.objects.create(report=report, recipients="")
    for _ in range(ReportNotification.MAX_ATTEMPTS):
        tasks.send_report_notification.enqueue(notification.pk)
        ReportNotification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    notification.refresh_from_db()
    assert notification.state == ReportNotification.State.FAILED
    assert notification.attempts == ReportNotification.MAX_ATTEMPTS
    assert report.log_entries.filter(action="requests.notification_failed").exists()
    # No more attempts once failed.
    assert tasks.retry_due_notifications() == 0


def test_with_the_database_backend_a_retry_is_deferred(district, settings, monkeypatch):
    """Production's backend can defer: the task re-enqueues itself with run_after."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(tasks, "send_mail", lambda *a, **k: (_ for _ in ()).throw(OSError("down")))
    report = ReportFactory(district=district)
    notification = ReportNotification.objects.create(report=report)
    tasks.send_report_notification.call(notification.pk)
    queued = DBTaskResult.objects.get(task_path=tasks.send_report_notification.module_path)
    notification.refresh_from_db()
    assert queued.run_after == notification.next_attempt_at
    assert queued.args_kwargs["args"] == [notification.pk]


def test_purge_command_also_queues_due_retries(district, monkeypatch, mailoutbox, settings):
    settings.REPORTS_FALLBACK_EMAIL = "duty@region.example"
    report = ReportFactory(district=district)
    ReportNotification.objects.create(report=report, next_attempt_at=timezone.now())
    call_command("purge_reports", verbosity=0)
    assert len(mailoutbox) == 1
