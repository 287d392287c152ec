"""Telling a staff member what a colleague (or the reporter) changed while they worked.

The services refuse to overwrite a change the person's page did not show
(:class:`~safechildhood.requests.services.Conflict`); these messages say who made it,
when and what the report looks like now, from the audit log itself.
"""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import Report, ReportLogEntry, ReportMessage

# Entries that change nothing a colleague decides on.
QUIET_ACTIONS = ("requests.view_content", "requests.notified", "requests.notification_failed")
QUIET_ACTIONS += ("requests.alert", "requests.alert_failed")  # the system telling people

FIELD_ACTIONS = {
    "status": "requests.status",
    "assignee": "requests.assign",
    "urgent": "requests.urgency",
    "service": "requests.service",
}


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "d.m.Y H:i")


def _who(entry: ReportLogEntry | None) -> str:
    if entry is None:
        return _("другой сотрудник")
    if entry.user_id is None:
        if entry.action == "requests.message_from_reporter":
            return _("заявитель")
        return _("система")
    return entry.user_display_name


def _current(report: Report, field: str) -> str:
    """The field's stored value, as a person reads it."""
    if field == "status":
        return report.get_status_display()
    if field == "assignee":
        return report.assignee.get_username() if report.assignee_id else _("никто")
    if field == "urgent":
        return _("срочное") if report.urgent else _("несрочное")
    return report.service.name if report.service_id else _("не выбрана")


def explain(report: Report, field: str) -> str:
    """Why a change was not saved: who changed what meanwhile, when, and the value now."""
    report = Report.objects.select_related("assignee", "service").get(pk=report.pk)
    if field == "reply":
        reply = report.messages.filter(direction=ReportMessage.Direction.FROM_REPORTER).last()
        return _(
            "Пока вы смотрели обращение, заявитель написал новое сообщение (%(time)s). "
            "Статус не изменён: прочитайте сообщение и выберите статус ещё раз."
        ) % {"time": _when(reply.created_at) if reply else ""}
    entry = (
        report.log_entries.filter(action=FIELD_ACTIONS[field])
        .select_related("user")
        .order_by("-timestamp", "-id")
        .first()
    )
    texts = {
        "status": _(
            "Пока вы смотрели обращение, %(user)s изменил(а) статус (%(time)s): теперь "
            "«%(value)s». Ваше изменение не сохранено: проверьте обращение и выберите "
            "статус ещё раз."
        ),
        "assignee": _(
            "Пока вы смотрели обращение, %(user)s изменил(а) исполнителя (%(time)s): теперь "
            "%(value)s. Ваше назначение не сохранено."
        ),
        "urgent": _(
            "Пока вы смотрели обращение, %(user)s изменил(а) срочность (%(time)s): теперь "
            "обращение %(value)s. Ваше изменение не сохранено."
        ),
        "service": _(
            "Пока вы смотрели обращение, %(user)s выбрал(а) службу (%(time)s): теперь "
            "«%(value)s». Ваш выбор не сохранён."
        ),
    }
    return texts[field] % {
        "user": _who(entry),
        "time": _when(entry.timestamp) if entry else "",
        "value": _current(report, field),
    }


def changes_since(report: Report, user, seen_log: str) -> str:
    """What others did to the report after the person's page was built ("" if nothing)."""
    if not seen_log or not seen_log.isdigit():
        return ""
    entries = (
        report.log_entries.filter(pk__gt=int(seen_log))
        .exclude(user=user)
        .exclude(action__in=QUIET_ACTIONS)
        .select_related("user")
        .order_by("timestamp", "id")[:5]
    )
    return "; ".join(f"{_who(entry)}: {entry.message}" for entry in entries)
