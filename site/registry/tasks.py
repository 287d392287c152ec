"""Background work of the public registry: e-mailing visitors' corrections to the editors."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from safechildhood.core.tasks import next_daily_time, plan_once, retry_later

from . import reminders
from .corrections import ServiceCorrection, recipients
from .models import Service

logger = logging.getLogger(__name__)


def queue_correction_email(correction_id: int) -> None:
    """Queue the e-mail; a broken queue never loses the note (it stays in the database)."""
    try:
        send_correction_email.enqueue(correction_id)
    except Exception:
        logger.exception("Could not queue the e-mail for registry correction %s", correction_id)


def _edit_url(service_id: int) -> str:
    viewset = getattr(Service, "snippet_viewset", None)
    if viewset is None:
        return ""
    try:
        path = reverse(viewset.get_url_name("edit"), args=[service_id])
    except NoReverseMatch:
        return ""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


MAX_ATTEMPTS = 6


def _retry(correction_id: int, attempt: int) -> str:
    """Try again later (1, 5, 15, 60, 180 minutes), a bounded number of times."""
    try:
        planned = retry_later(send_correction_email, attempt, MAX_ATTEMPTS, correction_id)
    except Exception:
        logger.exception("Could not queue a retry for registry correction %s", correction_id)
        return "failed"
    if planned is None:
        logger.error(
            "Registry correction %s could not be e-mailed after %s attempts; it waits in "
            "«Реестр помощи → Сообщения об ошибках»",
            correction_id,
            attempt,
        )
        return "failed"
    return "retry"


@task()
def send_correction_email(correction_id: int, attempt: int = 1) -> str:
    """E-mail one stored correction to the editors (once); retried when mail fails.

    Whatever happens, the note stays in the admin («Сообщения об ошибках»)."""
    correction = (
        ServiceCorrection.objects.select_related("service").filter(pk=correction_id).first()
    )
    if correction is None:
        return "missing"
    if correction.emailed_at is not None:
        return "already sent"
    to = recipients()
    if not to:
        logger.warning(
            "Registry correction %s has no recipient: set REGISTRY_CORRECTIONS_EMAIL or give "
            "the registry editors e-mail addresses",
            correction_id,
        )
        return "no recipients"
    with override(settings.LANGUAGE_CODE):
        subject = _("Ошибка в записи реестра: %(name)s") % {"name": correction.service.name}
        body = render_to_string(
            "registry/emails/correction.txt",
            {"correction": correction, "edit_url": _edit_url(correction.service_id)},
        )
    try:
        send_mail(subject, body, None, to)
    except Exception:
        logger.exception(
            "E-mail for registry correction %s failed (attempt %s)", correction_id, attempt
        )
        return _retry(correction_id, attempt)
    correction.emailed_at = timezone.now()
    correction.save(update_fields=["emailed_at"])
    return "sent"


# --- Reminders to providers (``registry.reminders``) ------------------------------------------


@task()
def provider_reminders() -> dict[str, int]:
    """Daily at ``REGISTRY_REMINDER_HOUR``: e-mail each member due a reminder about their
    stale entries; then plan the next run. A failed e-mail is tried again the next day."""
    result = {"sent": 0, "failed": 0}
    for user in reminders.members_due():
        try:
            sent = reminders.send_reminder(user)
        except Exception:
            logger.exception("Registry reminder to user %s failed", user.pk)
            result["failed"] += 1
            continue
        result["sent"] += int(sent)
    schedule_reminders()
    return result


def next_reminder_time(now=None):
    return next_daily_time(settings.REGISTRY_REMINDER_HOUR, now=now)


def schedule_reminders() -> bool:
    """Make sure exactly one reminder run is queued (database backend only)."""
    return plan_once(provider_reminders, next_reminder_time())
