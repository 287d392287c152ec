"""Alerts to the people on duty (issue 13, point 1): new reports and replies reach the
district's specialists by e-mail (a link, never the content), urgent ones at once, the
others at once or in a daily digest as each person chose; through the task queue, retried."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.test import Client
from django.utils import timezone

from safechildhood.requests import services, tasks
from safechildhood.requests.models import (
    AlertPreference,
    Report,
    ReportNotification,
    StaffAlert,
)

from .conftest import ANSWERS, file_report, soup
from .factories import COORDINATORS, SPECIALISTS, ReportFactory, make_staff

pytestmark = pytest.mark.django_db

SECRETS = [ANSWERS["description"], ANSWERS["place"], ANSWERS["children_ages"], "Вологодский"]


def with_email(user, address: str | None = None):
    user.email = address or f"{user.get_username()}@duty.example"
    user.save()
    return user


@pytest.fixture
def team(district, other_district):
    """Two specialists of the district, one of another district, a coordinator; all with mail."""
    return {
        "anna": with_email(make_staff("anna", SPECIALISTS, [district])),
        "boris": with_email(make_staff("boris", SPECIALISTS, [district])),
        "other": with_email(make_staff("other", SPECIALISTS, [other_district])),
        "coord": with_email(make_staff("coord", COORDINATORS)),
    }


def mail_to(outbox, user) -> list:
    return [m for m in outbox if m.to == [user.email]]


def assert_no_content(message) -> None:
    for secret in SECRETS:
        assert secret not in message.subject and secret not in message.body


def test_a_new_report_alerts_each_specialist_of_its_district_with_a_link_only(
    client, district, team, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file_report(client, district)
    report = Report.objects.get()
    for name in ("anna", "boris"):
        (message,) = mail_to(mailoutbox, team[name])
        assert message.subject == f"Новое обращение №{report.pk}"
        assert f"http://127.0.0.1:8000/admin/inbox/{report.pk}/" in message.body
        assert "Содержание обращения в письмо не включается." in message.body
        assert_no_content(message)
    assert mail_to(mailoutbox, team["other"]) == []
    assert mail_to(mailoutbox, team["coord"]) == []  # the district has its own people
    assert set(report.alerts.values_list("state", flat=True)) == {StaffAlert.State.SENT}
    # Nobody configured an SOS address or a fallback: people were told, so no failing
    # notification of the service's address is written.
    assert not ReportNotification.objects.exists()

    # The timeline says who was alerted.
    staff = Client()
    staff.force_login(team["anna"])
    page = soup(staff.get(f"/admin/inbox/{report.pk}/"))
    row = page.select_one("tr[data-log-action='requests.alert']")
    assert "Оповещение «Новое обращение»: anna, boris" in row.get_text()


def test_urgent_reports_are_alerted_at_once_and_marked_urgent_even_for_digest_readers(
    client, district, team, mailoutbox, django_capture_on_commit_callbacks
):
    AlertPreference.objects.create(user=team["anna"], non_urgent="digest")
    with django_capture_on_commit_callbacks(execute=True):
        file_report(client, district, danger_now="yes")
    report = Report.objects.get()
    (message,) = mail_to(mailoutbox, team["anna"])
    assert message.subject == f"СРОЧНО: Новое обращение №{report.pk}"
    assert_no_content(message)


def test_the_sos_service_address_is_mailed_too_when_the_registry_has_one(
    client, district, team, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.registry.factories import LocationFactory, ServiceFactory

    service = ServiceFactory(name="SOS-служба", kinds=["sos"], email="sos-duty@example.ru")
    LocationFactory(service=service, district=district)
    with django_capture_on_commit_callbacks(execute=True):
        file_report(client, district)
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == ["anna@duty.example", "boris@duty.example", "sos-duty@example.ru"]


def test_a_report_without_district_alerts_the_coordinators(
    client, team, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file_report(client, None)
    assert [m.to for m in mailoutbox] == [[team["coord"].email]]


def test_nobody_with_an_address_leaves_the_service_notification_to_show_the_problem(
    client, district, mailoutbox, django_capture_on_commit_callbacks
):
    make_staff("silent", SPECIALISTS, [district])  # no e-mail address
    with django_capture_on_commit_callbacks(execute=True):
        file_report(client, district)
    report = Report.objects.get()
    assert not report.alerts.exists()
    assert report.notifications.get().state == ReportNotification.State.RETRYING
    entry = report.log_entries.get(action="requests.alert")
    assert entry.data["to"] == [] and entry.data["digest"] == []


def test_each_person_chooses_at_once_or_a_daily_digest_in_the_account_settings(
    client, district, team, mailoutbox, django_capture_on_commit_callbacks
):
    anna = Client()
    anna.force_login(team["anna"])
    account = soup(anna.get("/admin/account/"))
    assert account.find(string="Оповещения об обращениях")
    assert account.select_one("input[name='report_alerts-non_urgent'][value=at_once][checked]")
    response = anna.post(
        "/admin/account/",
        {
            "report_alerts-non_urgent": "digest",
            "name_email-first_name": "Анна",
            "name_email-last_name": "Иванова",
            "name_email-email": team["anna"].email,
            "locale-preferred_language": "ru",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "theme-keyboard_shortcuts": "on",
        },
    )
    assert response.status_code == 302, soup(response).select(".error-message")
    assert AlertPreference.objects.get(user=team["anna"]).non_urgent == "digest"

    with django_capture_on_commit_callbacks(execute=True):
        file_report(client, district)
        file_report(client, district, category="bullying")
    assert mail_to(mailoutbox, team["anna"]) == []  # waiting for the digest
    assert len(mail_to(mailoutbox, team["boris"])) == 2  # at once, his default
    reports = list(Report.objects.order_by("pk"))
    entry = reports[0].log_entries.get(action="requests.alert")
    assert entry.data["to"] == ["boris"] and entry.data["digest"] == ["anna"]

    assert tasks.alert_digests.call() == 1
    (digest,) = mail_to(mailoutbox, team["anna"])
    assert digest.subject == "Сводка по обращениям: оповещений 2"
    for report in reports:
        assert f"/admin/inbox/{report.pk}/" in digest.body
    assert_no_content(digest)
    assert set(StaffAlert.objects.filter(user=team["anna"]).values_list("state", flat=True)) == {
        StaffAlert.State.SENT
    }
    assert tasks.alert_digests.call() == 0  # nothing left: no empty digest


def test_a_reply_alerts_the_specialists_then_only_the_assignee(
    district, team, mailoutbox, django_capture_on_commit_callbacks
):
    def reply(text: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            services.reporter_follow_up(report, text)

    report = ReportFactory(district=district)
    reply("Вспомнила: второй подъезд")
    assert sorted(m.to[0] for m in mailoutbox) == ["anna@duty.example", "boris@duty.example"]
    assert mailoutbox[0].subject == f"Ответ заявителя по обращению №{report.pk}"
    assert "второй подъезд" not in mailoutbox[0].body

    # A second reply before anyone read the first: no second alert.
    reply("И ещё: дверь синяя")
    assert len(mailoutbox) == 2

    report.refresh_from_db()
    Report.objects.filter(pk=report.pk).update(unread_reporter_message=False)  # read
    services.assign(report, team["boris"], False, team["anna"])
    mailoutbox.clear()
    reply("Сегодня опять кричали")
    assert [m.to for m in mailoutbox] == [["boris@duty.example"]]


def test_a_failed_alert_is_retried_and_a_lasting_failure_shows_in_the_timeline(
    district, team, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection refused")

    monkeypatch.setattr(tasks, "send_mail", broken)
    report = ReportFactory(district=district)
    with django_capture_on_commit_callbacks(execute=True):
        services.reporter_follow_up(report, "Дополнение")
    alert = StaffAlert.objects.get(user=team["anna"])
    assert alert.state == StaffAlert.State.RETRYING and alert.attempts == 1
    assert "SMTPServerDisconnected" in alert.last_error
    assert tasks.retry_due_alerts() == 0  # not due yet
    assert tasks.retry_due_alerts(now=timezone.now() + dt.timedelta(minutes=2)) == 2

    for _ in range(StaffAlert.MAX_ATTEMPTS):
        StaffAlert.objects.update(next_attempt_at=timezone.now())
        tasks.retry_due_alerts()
    alert.refresh_from_db()
    assert alert.state == StaffAlert.State.FAILED
    assert report.log_entries.filter(action="requests.alert_failed").count() == 2

    # The mail server is back: alerts that gave up are not sent again.
    monkeypatch.undo()
    tasks.retry_due_alerts()
    assert mailoutbox == []


def test_with_the_database_backend_alerts_and_retries_go_through_the_queue(
    district, team, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    report = ReportFactory(district=district)
    with django_capture_on_commit_callbacks(execute=True):
        services.reporter_follow_up(report, "Дополнение")
    queued = DBTaskResult.objects.filter(task_path=tasks.send_staff_alert.module_path)
    assert sorted(q.args_kwargs["args"][0] for q in queued) == sorted(
        StaffAlert.objects.values_list("pk", flat=True)
    )
    monkeypatch.setattr(tasks, "send_mail", lambda *a, **k: (_ for _ in ()).throw(OSError("down")))
    alert = StaffAlert.objects.first()
    tasks.send_staff_alert.call(alert.pk)
    alert.refresh_from_db()
    assert alert.state == StaffAlert.State.RETRYING
    retry = queued.get(run_after=alert.next_attempt_at)  # the retry waits for its moment
    assert retry.args_kwargs["args"] == [alert.pk]
    assert queued.all().count() == 3  # two alerts, one retry
