"""Escalation (issue 13, point 2), with the clock frozen: an urgent report nobody takes into
work within REPORTS_URGENT_SLA_HOURS alerts the coordinators; a report without any staff
action for REPORTS_SLA_HOURS sends a reminder; every alert is in the report's timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from safechildhood.requests import services, tasks
from safechildhood.requests.models import StaffAlert

from .conftest import soup
from .factories import COORDINATORS, SPECIALISTS, ReportFactory, make_staff

pytestmark = pytest.mark.django_db

START = timezone.now().replace(microsecond=0)


class Clock:
    """`django.utils.timezone.now` frozen at a moment the test moves by hand."""

    def __init__(self, monkeypatch) -> None:
        self.now = START
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def at(self, **delta) -> None:
        self.now = START + dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def people(district):
    made = {
        "spec": make_staff("spec", SPECIALISTS, [district]),
        "coord": make_staff("coord", COORDINATORS),
        "coord2": make_staff("coord2", COORDINATORS),
    }
    for user in made.values():
        user.email = f"{user.get_username()}@duty.example"
        user.save()
    return made


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """One run of the periodic check, its e-mails sent as after a real commit."""

    def run() -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.alert_sweep.call()

    return run


def test_an_urgent_report_not_taken_in_time_alerts_the_coordinators_once(
    sweep, clock, settings, district, people, mailoutbox
):
    settings.REPORTS_URGENT_SLA_HOURS = 1
    report = ReportFactory(district=district, urgent=True, created_at=START)
    clock.at(minutes=59)
    assert sweep()["escalated"] == 0
    assert mailoutbox == []

    clock.at(minutes=61)
    assert sweep()["escalated"] == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["coord2@duty.example", "coord@duty.example"]
    message = mailoutbox[0]
    assert message.subject == f"СРОЧНО: Обращение №{report.pk} не взято в работу вовремя"
    assert "за 1 ч" in message.body and f"/admin/inbox/{report.pk}/" in message.body
    assert report.description not in message.body

    clock.at(minutes=90)
    assert sweep()["escalated"] == 0  # once per report
    assert len(mailoutbox) == 2

    # The coordinators see it in the report's timeline.
    boss = Client()
    boss.force_login(people["coord"])
    page = soup(boss.get(f"/admin/inbox/{report.pk}/"))
    rows = [row.get_text() for row in page.select("tr[data-log-action='requests.alert']")]
    assert any(
        "Оповещение «Срочное обращение не взято в работу» (срочно): coord, coord2" in row
        for row in rows
    )


def test_an_urgent_report_taken_into_work_in_time_is_not_escalated(
    sweep, clock, district, people, mailoutbox
):
    report = ReportFactory(district=district, urgent=True, created_at=START)
    clock.at(minutes=30)
    services.take(report, people["spec"])
    clock.at(hours=2)
    assert sweep()["escalated"] == 0
    assert not StaffAlert.objects.filter(kind=StaffAlert.Kind.OVERDUE_URGENT).exists()


def test_a_report_without_action_sends_a_reminder_once_per_quiet_spell(
    sweep, clock, settings, district, people, mailoutbox
):
    settings.REPORTS_SLA_HOURS = 24
    report = ReportFactory(district=district, created_at=START)
    clock.at(hours=10)
    services.add_note(report, "Позвонила в школу", people["spec"])  # an action
    clock.at(hours=33)
    assert sweep()["reminded"] == 0  # 23 hours since the note
    clock.at(hours=35)
    assert sweep()["reminded"] == 1
    (message,) = mailoutbox
    assert message.to == ["spec@duty.example"]
    assert message.subject == f"Напоминание: обращение №{report.pk} без действий"
    assert "не было действий 24 ч" in message.body
    assert "Позвонила" not in message.body

    clock.at(hours=70)
    assert sweep()["reminded"] == 0  # nobody acted since the reminder: not again
    # Opening the report is not an action; changing its status is.
    services.change_status(report, "triage", people["spec"])
    clock.at(hours=95)
    assert sweep()["reminded"] == 1
    assert len(mailoutbox) == 2
    entries = report.log_entries.filter(action="requests.alert", data__kind="reminder")
    assert entries.count() == 2


def test_closed_and_assigned_reports_remind_the_right_people(
    sweep, clock, district, people, mailoutbox
):
    closed = ReportFactory(district=district, created_at=START)
    services.change_status(closed, "closed", people["spec"], "unfounded")
    assigned = ReportFactory(district=district, created_at=START)
    services.assign(assigned, people["coord"], False, people["spec"])
    clock.at(hours=25)
    assert sweep()["reminded"] == 1
    assert [m.to for m in mailoutbox] == [["coord@duty.example"]]
    assert f"№{assigned.pk}" in mailoutbox[0].subject


def test_reminders_follow_the_digest_choice_and_escalations_do_not(
    sweep, clock, district, people, mailoutbox
):
    from safechildhood.requests.models import AlertPreference

    for user in people.values():
        AlertPreference.objects.create(user=user, non_urgent="digest")
    ReportFactory(district=district, created_at=START)
    ReportFactory(district=district, urgent=True, created_at=START)
    clock.at(hours=25)
    sweep()
    subjects = sorted(m.subject for m in mailoutbox)
    assert all(s.startswith("СРОЧНО:") for s in subjects)  # the urgent one's alerts only
    waiting = StaffAlert.objects.filter(state=StaffAlert.State.DIGEST)
    assert list(waiting.values_list("kind", "user__username")) == [("reminder", "spec")]


def test_the_alert_tasks_are_planned_once_on_the_database_backend(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.REPORTS_ALERT_CHECK_MINUTES = 15
    settings.REPORTS_DIGEST_HOUR = 8
    call_command("schedule_report_maintenance", verbosity=0)
    call_command("schedule_report_maintenance", verbosity=0)
    sweeps = DBTaskResult.objects.filter(task_path=tasks.alert_sweep.module_path)
    digests = DBTaskResult.objects.filter(task_path=tasks.alert_digests.module_path)
    assert sweeps.count() == 1 and digests.count() == 1
    wait = sweeps.get().run_after - timezone.now()
    assert dt.timedelta(minutes=14) < wait <= dt.timedelta(minutes=15)
    digest_at = timezone.localtime(digests.get().run_after)
    assert (digest_at.hour, digest_at.minute) == (8, 0)

    # A sweep plans the next one itself (the waiting one counts: still one).
    tasks.alert_sweep.call()
    assert sweeps.count() == 1


def test_settings_come_from_the_environment_with_safe_bounds():
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safechildhood.settings.test",
        "REPORTS_URGENT_SLA_HOURS": "0",
        "REPORTS_SLA_HOURS": "48",
        "REPORTS_ALERT_CHECK_MINUTES": "1000",
        "REPORTS_DIGEST_HOUR": "7",
    }
    names = "REPORTS_URGENT_SLA_HOURS REPORTS_SLA_HOURS REPORTS_ALERT_CHECK_MINUTES "
    names += "REPORTS_DIGEST_HOUR"
    code = "from django.conf import settings; "
    code += f"print([getattr(settings, n) for n in {names.split()!r}])"
    result = subprocess.run(
        [sys.executable, str(root / "manage.py"), "shell", "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == "[1, 48, 60, 7]", result.stderr


def test_without_the_database_backend_cron_runs_the_check_and_the_digest(
    clock, district, people, mailoutbox, django_capture_on_commit_callbacks
):
    from safechildhood.requests.models import AlertPreference

    AlertPreference.objects.create(user=people["spec"], non_urgent="digest")
    ReportFactory(district=district, urgent=True, created_at=START)
    ReportFactory(district=district, created_at=START)
    clock.at(hours=25)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("report_alerts", verbosity=0)
    escalations = [m for m in mailoutbox if "не взято в работу" in m.subject]
    assert len(escalations) == 2  # both coordinators
    with django_capture_on_commit_callbacks(execute=True):
        call_command("report_alerts", "--digest", verbosity=0)
    (digest,) = [m for m in mailoutbox if m.subject.startswith("Сводка")]
    assert digest.to == ["spec@duty.example"]


def test_a_visit_or_a_call_back_counts_as_action(sweep, clock, settings, district, people):
    """The interagency record and a call back are work on the report: no reminder follows."""
    from safechildhood.requests import record

    settings.REPORTS_SLA_HOURS = 24
    report = ReportFactory(district=district, created_at=START)
    clock.at(hours=20)
    record.record_visit(report, people["spec"], clock.now.date(), "Иванова (опека)")
    clock.at(hours=40)
    assert sweep()["reminded"] == 0  # 20 hours since the visit
    clock.at(hours=45)
    assert sweep()["reminded"] == 1
