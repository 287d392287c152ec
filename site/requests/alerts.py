"""Alerts to the people who handle a report (issue 13, points 1 and 2).

* A new report alerts its district's specialists (users of the inbox groups whose
  «Районы специалистов» list the district); a report without a district, or of a
  district nobody is listed for, alerts the coordinators. The district SOS service's
  own address keeps its e-mail too (:class:`~.models.ReportNotification`).
* A reporter's reply alerts the assignee, or the district's specialists when nobody
  is assigned. A transfer alerts the new district's specialists (:mod:`.transfer`).
* An urgent report still new after ``REPORTS_URGENT_SLA_HOURS`` alerts the
  coordinators; a report without any staff action for ``REPORTS_SLA_HOURS`` sends a
  reminder, once per quiet spell (:func:`sweep`, run every ``REPORTS_ALERT_CHECK_MINUTES``).
* Urgent alerts go at once; the others at once or in the daily digest, as each person
  chose in the account settings (:class:`~.alert_models.AlertPreference`).

Each alert is a :class:`~.alert_models.StaffAlert` row written with the event, and a
``requests.alert`` entry in the report's timeline; the e-mail is sent by the task queue
after the commit, with retries (:mod:`.tasks`). No e-mail holds anything the reporter
wrote, nor the district: a number, the reason and a link to the admin.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, override
from wagtail.log_actions import log

from .alert_models import AlertPreference, StaffAlert
from .models import Report, ReportLogEntry

Kind = StaffAlert.Kind

# Timeline entries that count as someone acting on a report (views and prints do not): they
# stop the reminders, and the statistics time the first one. A call back to a family and the
# interagency record (a visit, a risk assessment, an agency informed, a support plan) count.
STAFF_ACTIONS = (
    "requests.status",
    "requests.assign",
    "requests.urgency",
    "requests.service",
    "requests.note",
    "requests.message_to_reporter",
    "requests.transfer",
    "requests.call_back",
    "requests.visit",
    "requests.risk",
    "requests.agency",
    "requests.plan",
)


# --- Who -------------------------------------------------------------------------------------


def _has_perm(codename: str) -> Q:
    return Q(groups__permissions__codename=codename) | Q(user_permissions__codename=codename)


def _reachable(users: QuerySet) -> QuerySet:
    return users.filter(is_active=True).exclude(email="").distinct().order_by("username")


def district_specialists(district_id: int | None) -> QuerySet:
    """Active users with an address who handle this district's reports (their own list)."""
    User = get_user_model()
    if not district_id:
        return User.objects.none()
    return _reachable(
        User.objects.filter(
            Q(is_superuser=True) | _has_perm("view_report"), inbox_scope__districts=district_id
        )
    )


def coordinators() -> QuerySet:
    """Active users with an address who see every district (and superusers)."""
    User = get_user_model()
    return _reachable(User.objects.filter(Q(is_superuser=True) | _has_perm("view_all_districts")))


def duty_people(district_id: int | None) -> list:
    """The district's specialists, or the coordinators when the district has none."""
    return list(district_specialists(district_id)) or list(coordinators())


def reply_people(report: Report) -> list:
    """The assignee while they may still read the report, else the district's duty people."""
    assignee = report.assignee
    if (
        assignee is not None
        and assignee.is_active
        and assignee.email
        and Report.objects.for_user(assignee).filter(pk=report.pk).exists()
    ):
        return [assignee]
    return duty_people(report.district_id)


# --- Raising an alert ------------------------------------------------------------------------


def raise_alert(report: Report, kind: str, people, *, urgent: bool | None = None) -> list:
    """One row per person, a timeline entry, the e-mails queued after the commit.

    Call it inside the transaction that makes the event: the rows are written with it
    (so no alert is lost) and nothing is queued if it rolls back.
    """
    from .tasks import queue_alerts  # tasks imports this module

    urgent = report.urgent if urgent is None else urgent
    people = list(people)
    digest = set()
    if not urgent:
        digest = set(
            AlertPreference.objects.filter(
                user__in=people, non_urgent=AlertPreference.Delivery.DIGEST
            ).values_list("user_id", flat=True)
        )
    alerts = StaffAlert.objects.bulk_create(
        [
            StaffAlert(
                report=report,
                user=person,
                kind=kind,
                urgent=urgent,
                state=StaffAlert.State.DIGEST if person.pk in digest else StaffAlert.State.PENDING,
            )
            for person in people
        ]
    )
    data = {
        "kind": kind,
        "urgent": urgent,
        "to": [p.get_username() for p in people if p.pk not in digest],
        "digest": [p.get_username() for p in people if p.pk in digest],
    }
    log(instance=report, action="requests.alert", user=None, data=data)
    at_once = [alert.pk for alert in alerts if alert.state == StaffAlert.State.PENDING]
    if at_once:
        transaction.on_commit(lambda: queue_alerts(at_once))
    return alerts


def alert_new_report(report: Report) -> list:
    return raise_alert(report, Kind.NEW, duty_people(report.district_id))


def alert_reply(report: Report) -> list:
    return raise_alert(report, Kind.REPLY, reply_people(report))


# --- Overdue reports -----------------------------------------------------------------------------


def _alerted(kind: str) -> QuerySet:
    return ReportLogEntry.objects.filter(
        report=OuterRef("pk"), action="requests.alert", data__kind=kind
    )


def escalate_overdue(now: dt.datetime | None = None) -> int:
    """Urgent reports still new after the promised time: the coordinators, once per report."""
    now = now or timezone.now()
    due = (
        Report.objects.overdue_urgent(now)
        .filter(purged_at__isnull=True, is_demo=False)
        .exclude(Exists(_alerted(Kind.OVERDUE_URGENT)))
        .select_related("assignee")
    )
    count = 0
    for report in due:
        with transaction.atomic():
            raise_alert(report, Kind.OVERDUE_URGENT, coordinators(), urgent=True)
        count += 1
    return count


def idle_reports(now: dt.datetime | None = None) -> QuerySet:
    """Open reports without a staff action for ``REPORTS_SLA_HOURS``, not reminded since."""
    now = now or timezone.now()
    last_action = (
        ReportLogEntry.objects.filter(
            report=OuterRef("pk"), user__isnull=False, action__in=STAFF_ACTIONS
        )
        .order_by("-timestamp")
        .values("timestamp")[:1]
    )
    reminded = _alerted(Kind.REMINDER).filter(timestamp__gte=OuterRef("active_at"))
    return (
        Report.objects.open()
        .filter(purged_at__isnull=True, is_demo=False)
        .annotate(active_at=Coalesce(Subquery(last_action), F("created_at")))
        .filter(active_at__lt=now - dt.timedelta(hours=settings.REPORTS_SLA_HOURS))
        .exclude(Exists(reminded))
    )


def remind_idle(now: dt.datetime | None = None) -> int:
    count = 0
    for report in idle_reports(now).select_related("assignee"):
        with transaction.atomic():
            raise_alert(report, Kind.REMINDER, reply_people(report))
        count += 1
    return count


# --- The e-mails ---------------------------------------------------------------------------------

SUBJECTS = {
    Kind.NEW: gettext_lazy("Новое обращение №%(number)s"),
    Kind.REPLY: gettext_lazy("Ответ заявителя по обращению №%(number)s"),
    Kind.OVERDUE_URGENT: gettext_lazy("Обращение №%(number)s не взято в работу вовремя"),
    Kind.REMINDER: gettext_lazy("Напоминание: обращение №%(number)s без действий"),
    Kind.TRANSFER: gettext_lazy("Обращение №%(number)s передано в ваш район"),
}
LEADS = {
    Kind.NEW: gettext_lazy("На сайт «Безопасное детство» поступило обращение."),
    Kind.REPLY: gettext_lazy("Заявитель дополнил обращение."),
    Kind.OVERDUE_URGENT: gettext_lazy(
        "Срочное обращение не взято в работу за %(hours)s ч (обещанное время реакции)."
    ),
    Kind.REMINDER: gettext_lazy("По обращению не было действий %(hours)s ч."),
    Kind.TRANSFER: gettext_lazy("Обращение передано в район, с которым вы работаете."),
}


def admin_url(report_id: int) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("inbox:detail", args=[report_id])


def language_of(user) -> str:
    """The language the person chose for the admin (Wagtail's profile), else the site's."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.objects.filter(user=user).first()
    return profile.get_preferred_language() if profile else settings.LANGUAGE_CODE


def _hours(kind: str) -> int:
    if kind == Kind.OVERDUE_URGENT:
        return settings.REPORTS_URGENT_SLA_HOURS
    return settings.REPORTS_SLA_HOURS


def compose(alert: StaffAlert) -> tuple[str, str]:
    """Subject and body of one alert: the number, why, a link; never what anyone wrote."""
    with override(language_of(alert.user)):
        subject = str(SUBJECTS[alert.kind]) % {"number": alert.report_id}
        if alert.urgent:
            subject = _("СРОЧНО: %(subject)s") % {"subject": subject}
        if alert.kind == Kind.NEW and alert.report.over_volume:  # the same words as the service's
            subject += " " + _("(без проверки, сверх обычного объёма)")
        lead = str(LEADS[alert.kind]) % {"hours": _hours(alert.kind)}
        body = "\n\n".join(
            [
                lead,
                _("Откройте обращение во входящих (нужен вход в панель управления):"),
                admin_url(alert.report_id),
                _("Содержание обращения в письмо не включается."),
            ]
        )
    return subject, body


def compose_digest(user, alerts: list[StaffAlert]) -> tuple[str, str]:
    """One e-mail for a day's non-urgent alerts of one person."""
    with override(language_of(user)):
        count = len(alerts)
        subject = ngettext(
            "Сводка по обращениям: %(count)d оповещение",
            "Сводка по обращениям: оповещений %(count)d",
            count,
        ) % {"count": count}
        lines = [
            f"№{a.report_id} — {StaffAlert.Kind(a.kind).label}: {admin_url(a.report_id)}"
            for a in alerts
        ]
        body = "\n\n".join(
            [
                _("Несрочные оповещения за день (срочные приходят сразу):"),
                "\n".join(lines),
                _("Содержание обращений в письмо не включается."),
            ]
        )
    return subject, body


def may_read(user, report_id: int) -> bool:
    return bool(user.is_active and Report.objects.for_user(user).filter(pk=report_id).exists())
