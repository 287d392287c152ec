"""Alerts to staff about reports, and each person's choice of when to get them.

Kept apart from ``models.py`` (imported at its end, so Django finds the models): a row
per alert to one person makes the delivery durable and visible, like
:class:`~safechildhood.requests.models.ReportNotification` for the service's address.
Alerts carry no report content: the e-mail holds a number and a link to the admin.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .delivery import Delivery


class StaffAlert(Delivery):
    """One e-mail alert about one report to one staff member."""

    class Kind(models.TextChoices):
        NEW = "new", _("Новое обращение")
        REPLY = "reply", _("Ответ заявителя")
        OVERDUE_URGENT = "overdue_urgent", _("Срочное обращение не взято в работу")
        REMINDER = "reminder", _("Напоминание: обращение без действий")
        TRANSFER = "transfer", _("Обращение передано в район")

    class State(models.TextChoices):  # Delivery.State and the digest's wait
        DIGEST = "digest", _("Ждёт ежедневной сводки")
        PENDING = "pending", _("Ожидает отправки")
        RETRYING = "retrying", _("Ошибка, повторная попытка")
        SENT = "sent", _("Отправлено")
        FAILED = "failed", _("Не удалось отправить")

    report = models.ForeignKey("requests.Report", on_delete=models.CASCADE, related_name="alerts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_alerts"
    )
    kind = models.CharField(_("Повод"), max_length=20, choices=Kind.choices)
    urgent = models.BooleanField(_("Срочное"), default=False)
    state = models.CharField(  # Delivery's, with the digest's own state
        _("Состояние"), max_length=16, choices=State.choices, default=State.PENDING, db_index=True
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Оповещение сотрудника")
        verbose_name_plural = _("Оповещения сотрудников")
        indexes = [models.Index(fields=["user", "state"], name="requests_alert_user_state")]

    def __str__(self) -> str:
        return f"StaffAlert {self.pk}: {self.kind} on report {self.report_id} to {self.user_id}"


class AlertPreference(models.Model):
    """When a staff member gets alerts that are not urgent (urgent ones always at once)."""

    class Delivery(models.TextChoices):
        AT_ONCE = "at_once", _("Сразу, отдельным письмом")
        DIGEST = "digest", _("Раз в день, одной сводкой")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preference"
    )
    non_urgent = models.CharField(
        _("Несрочные оповещения об обращениях"),
        max_length=16,
        choices=Delivery.choices,
        default=Delivery.AT_ONCE,
        help_text=_("Срочные обращения и просроченные срочные всегда приходят сразу."),
    )

    class Meta:
        verbose_name = _("Настройка оповещений")
        verbose_name_plural = _("Настройки оповещений")

    def __str__(self) -> str:
        return f"AlertPreference of user {self.user_id}: {self.non_urgent}"
