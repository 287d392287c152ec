"""Background work: the new-report e-mail, alerts to staff (with retries), the daily
maintenance, the overdue check and the digest (what they decide is in :mod:`.alerts`).

django-tasks has no automatic retry, so a failed e-mail is retried by hand: the
attempt count and the next attempt's time live on the
:class:`~safechildhood.requests.models.ReportNotification` row (visible to staff in
the inbox), and the task re-enqueues itself with ``run_after`` when the backend can
defer (the database backend in production). With a backend that cannot defer (the
immediate one in tests) ``retry_due_notifications`` — run by the daily maintenance
and by ``manage.py purge_reports`` — queues the ones that are due.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import default_task_backend, task
from wagtail.log_actions import log

from safechildhood.core.tasks import next_daily_time, plan_once, retry_later

from . import alerts
from .alert_models import StaffAlert
from .models import ReportNotification
from .notifications import duty_addresses
from .retention import purge_due_reports

logger = logging.getLogger(__name__)


class NoRecipientError(Exception):
    """Neither an SOS service address nor REPORTS_FALLBACK_EMAIL is known."""


def queue_notification(notification_id: int, run_after: dt.datetime | None = None) -> None:
    """Queue the e-mail; a broken queue never breaks the caller (the row stays pending)."""
    try:
        if run_after is not None:
            if not default_task_backend.supports_defer:
                return  # retry_due_notifications will queue it when it is due
            send_report_notification.using(run_after=run_after).enqueue(notification_id)
        else:
            send_report_notification.enqueue(notification_id)
    except Exception:
        logger.exception("Could not queue notification %s; it will be retried", notification_id)


def _admin_url(report_id: int) -> str:
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return base + reverse("inbox:detail", args=[report_id])


def _send(notification: ReportNotification) -> list[str]:
    report = notification.report
    recipients = duty_addresses(report)
    if not recipients:
        raise NoRecipientError("no duty address for the district and no REPORTS_FALLBACK_EMAIL")
    with override(settings.LANGUAGE_CODE):
        if report.urgent:
            subject = _("СРОЧНО: новое обращение №%(number)s") % {"number": report.pk}
        else:
            subject = _("Новое обращение №%(number)s") % {"number": report.pk}
        body = _(
            "На сайт «Безопасное детство» поступило обращение.\n\n"
            "Откройте его во входящих обращениях (нужен вход в панель управления):\n%(url)s\n\n"
            "Содержание обращения в письмо не включается."
        ) % {"url": _admin_url(report.pk)}
        if report.over_volume:
            subject += " " + _("(без проверки, сверх обычного объёма)")
            body += "\n\n" + _(
                "Обращение отправлено без проверки в браузере, когда таких обращений за час "
                "было больше обычного: возможно, это спам. Следующие такие обращения этого "
                "района в течение часа придут без отдельного письма: во входящих их показывает "
                "фильтр «Требует внимания → Без проверки, сверх обычного объёма»."
            )
    send_mail(subject, body, None, recipients, fail_silently=False)
    return recipients


@task()
def send_report_notification(notification_id: int) -> str:
    """Send one new-report e-mail; on failure record it and schedule the next attempt."""
    with transaction.atomic():
        notification = (
            ReportNotification.objects.select_for_update()
            .select_related("report")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.state in (
            ReportNotification.State.SENT,
            ReportNotification.State.FAILED,
        ):
            return notification.state if notification else "missing"
        notification.attempts += 1
        try:
            recipients = _send(notification)
        except Exception as exc:
            if notification.record_failure(exc):
                log(
                    instance=notification.report,
                    action="requests.notification_failed",
                    user=None,
                    data={"attempts": notification.attempts},
                )
            notification.save()
            logger.warning(
                "Notification %s for report %s failed (attempt %s): %s",
                notification.pk,
                notification.report_id,
                notification.attempts,
                type(exc).__name__,
            )
        else:
            notification.record_sent()
            notification.recipients = ", ".join(recipients)[:1000]
            notification.save()
            log(instance=notification.report, action="requests.notified", user=None)
    if notification.state == ReportNotification.State.RETRYING:
        queue_notification(notification.pk, run_after=notification.next_attempt_at)
    return notification.state


def retry_due_notifications(now: dt.datetime | None = None) -> int:
    """Queue every pending or retrying notification that is due (and lost ones)."""
    now = now or timezone.now()
    due = ReportNotification.objects.filter(
        state__in=[ReportNotification.State.PENDING, ReportNotification.State.RETRYING],
        next_attempt_at__lte=now,
    ).values_list("pk", flat=True)
    count = 0
    for notification_id in list(due):
        queue_notification(notification_id)
        count += 1
    return count


@task()
def report_maintenance() -> dict[str, int]:
    """Daily: purge reports past retention, retry due e-mails; then plan the next run.

    It also plans the alert check and the digest, should their own chain have broken.
    """
    result = {"purged": purge_due_reports(), "notifications": retry_due_notifications()}
    schedule_maintenance()
    schedule_alerts()
    return result


def next_maintenance_time(now: dt.datetime | None = None) -> dt.datetime:
    """03:00 site time tomorrow (or today, if it is not 03:00 yet)."""
    return next_daily_time(3, now=now)


def schedule_maintenance() -> bool:
    """Make sure exactly one maintenance run is queued (database backend only)."""
    return plan_once(report_maintenance, next_maintenance_time())


# --- Alerts to staff (alerts.py) ---------------------------------------------------------------


def queue_alerts(alert_ids: list[int], run_after: dt.datetime | None = None) -> None:
    """Queue each alert's e-mail; a broken queue never breaks the caller (rows stay pending)."""
    for alert_id in alert_ids:
        try:
            if run_after is None:
                send_staff_alert.enqueue(alert_id)
            elif default_task_backend.supports_defer:
                send_staff_alert.using(run_after=run_after).enqueue(alert_id)
        except Exception:
            logger.exception("Could not queue alert %s; it will be retried", alert_id)


def _alert_failed(alert: StaffAlert, exc: Exception) -> None:
    if alert.record_failure(exc):
        log(
            instance=alert.report,
            action="requests.alert_failed",
            user=None,
            data={"kind": alert.kind, "to": alert.user.get_username()},
        )
    logger.warning(
        "Alert %s for report %s failed (attempt %s): %s",
        alert.pk,
        alert.report_id,
        alert.attempts,
        type(exc).__name__,
    )


@task()
def send_staff_alert(alert_id: int) -> str:
    """Send one alert e-mail; on failure record it and plan the next attempt."""
    with transaction.atomic():
        alert = (
            StaffAlert.objects.select_for_update()
            .select_related("report", "user")
            .filter(pk=alert_id, state__in=[StaffAlert.State.PENDING, StaffAlert.State.RETRYING])
            .first()
        )
        if alert is None:
            return "done"
        if not alerts.may_read(alert.user, alert.report_id):  # moved away, or left the team
            alert.state, alert.last_error = StaffAlert.State.FAILED, "no access to the report"
            alert.save()
            return alert.state
        alert.attempts += 1
        try:
            if not alert.user.email:
                raise NoRecipientError("the user has no e-mail address")
            subject, body = alerts.compose(alert)
            send_mail(subject, body, None, [alert.user.email], fail_silently=False)
        except Exception as exc:
            _alert_failed(alert, exc)
        else:
            alert.record_sent()
        alert.save()
    if alert.state == StaffAlert.State.RETRYING:
        queue_alerts([alert.pk], run_after=alert.next_attempt_at)
    return alert.state


def retry_due_alerts(now: dt.datetime | None = None) -> int:
    """Queue retries that are due, and alerts still pending minutes after they were raised
    (the queue was down at the commit); fresh ones are on their way already."""
    now = now or timezone.now()
    state = StaffAlert.State
    due = list(
        StaffAlert.objects.filter(
            Q(state=state.RETRYING, next_attempt_at__lte=now)
            | Q(state=state.PENDING, next_attempt_at__lte=now - dt.timedelta(minutes=5))
        ).values_list("pk", flat=True)
    )
    queue_alerts(due)
    return len(due)


@task()
def send_alert_digest(user_id: int, attempt: int = 1) -> int:
    """One person's waiting non-urgent alerts in one e-mail; on failure they keep waiting."""
    with transaction.atomic():
        waiting = list(
            StaffAlert.objects.select_for_update()
            .filter(user_id=user_id, state=StaffAlert.State.DIGEST)
            .select_related("user")
            .order_by("created_at", "pk")
        )
        readable = [a for a in waiting if alerts.may_read(a.user, a.report_id)]
        StaffAlert.objects.filter(pk__in=[a.pk for a in waiting if a not in readable]).update(
            state=StaffAlert.State.FAILED, last_error="no access to the report"
        )
        if not readable or not readable[0].user.email:
            return 0
        subject, body = alerts.compose_digest(readable[0].user, readable)
        try:
            send_mail(subject, body, None, [readable[0].user.email], fail_silently=False)
        except Exception as exc:
            logger.warning("Digest for user %s failed: %s", user_id, type(exc).__name__)
            retry_later(send_alert_digest, attempt, StaffAlert.MAX_ATTEMPTS, user_id)
            return 0
        StaffAlert.objects.filter(pk__in=[a.pk for a in readable]).update(
            state=StaffAlert.State.SENT, sent_at=timezone.now(), attempts=attempt
        )
    return len(readable)


@task()
def alert_digests() -> int:
    """Daily at ``REPORTS_DIGEST_HOUR``: a digest for everyone with waiting alerts."""
    users = list(
        StaffAlert.objects.filter(state=StaffAlert.State.DIGEST)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in users:
        send_alert_digest.enqueue(user_id)
    plan_once(alert_digests, next_daily_time(settings.REPORTS_DIGEST_HOUR))
    return len(users)


@task()
def alert_sweep() -> dict[str, int]:
    """Every few minutes: overdue urgent reports, idle reports, alerts due for a retry."""
    result = {
        "escalated": alerts.escalate_overdue(),
        "reminded": alerts.remind_idle(),
        "retried": retry_due_alerts(),
    }
    plan_once(alert_sweep, next_sweep_time(), earlier_only=True)
    return result


def next_sweep_time(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) + dt.timedelta(minutes=settings.REPORTS_ALERT_CHECK_MINUTES)


def schedule_alerts() -> bool:
    """Make sure the alert check and the daily digest are queued (database backend only)."""
    swept = plan_once(alert_sweep, next_sweep_time())
    digest = plan_once(alert_digests, next_daily_time(settings.REPORTS_DIGEST_HOUR))
    return swept or digest
