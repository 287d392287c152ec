"""What an e-mail row records about its delivery, written once for both kinds of row.

The new-report notification to a district's address (``ReportNotification``) and an alert
to one staff member (``StaffAlert``) are delivered the same way: a row per e-mail, a task
that tries, records each failure and plans the next attempt with back-off, and gives up
after ``MAX_ATTEMPTS``. Staff see in the inbox a row that is late or gave up, so both must
count attempts and give up alike.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.core.tasks import retry_delay


class Delivery(models.Model):
    """The state, attempts and last error of one e-mail (an abstract model: no table)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Ожидает отправки")
        RETRYING = "retrying", _("Ошибка, повторная попытка")
        SENT = "sent", _("Отправлено")
        FAILED = "failed", _("Не удалось отправить")

    MAX_ATTEMPTS = 6

    state = models.CharField(
        _("Состояние"), max_length=16, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("Попыток"), default=0)
    next_attempt_at = models.DateTimeField(_("Следующая попытка"), default=timezone.now)
    last_error = models.CharField(_("Последняя ошибка"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def record_failure(self, exc: Exception) -> bool:
        """Note the error and plan the next attempt; True when that was the last one (the
        row is failed for good, and the caller says so in the report's history)."""
        self.last_error = f"{type(exc).__name__}: {exc}"[:500]
        if self.attempts >= self.MAX_ATTEMPTS:
            self.state = self.State.FAILED
            return True
        self.state = self.State.RETRYING
        self.next_attempt_at = timezone.now() + retry_delay(self.attempts)
        return False

    def record_sent(self) -> None:
        """Delivered: an error of an earlier attempt no longer describes the row."""
        self.state, self.sent_at, self.last_error = self.State.SENT, timezone.now(), ""
