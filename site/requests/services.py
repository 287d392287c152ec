"""What happens to a report, kept out of the views: create, change status, message, purge.

Every change writes an entry to the report's audit log (Wagtail's log registry,
:class:`~safechildhood.requests.models.ReportLogEntry`), so the staff timeline is the
audit log itself. Entries carry metadata only, never what anyone wrote.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log

from . import receipts
from .forms import DISTRICT_UNKNOWN, has_contact
from .models import (
    DangerNow,
    Report,
    ReportMessage,
    ReportNote,
    ReportNotification,
    Status,
)

logger = logging.getLogger(__name__)


def submission_key(token: str) -> str:
    key = hashlib.sha256(f"safechildhood.requests.submission:{settings.SECRET_KEY}".encode())
    return hmac.new(key.digest(), token.encode(), hashlib.sha256).hexdigest()


class AlreadySubmitted(Exception):
    """The page's report is stored already (a double tap, or the page sent again)."""

    def __init__(self, report: Report) -> None:
        super().__init__(report.pk)
        self.report = report


def find_submitted(token: str) -> Report | None:
    return (
        Report.objects.filter(submission_key=submission_key(token))
        .only("pk", "created_at", "urgent", "receipt_hash", "purged_at")
        .first()
    )


def create_report(answers: dict[str, str], *, token: str, verified_by: str) -> tuple[Report, str]:
    """Store a validated report in one transaction; returns it and its receipt code.

    The notification is a row written in the same transaction (so it cannot be lost)
    and its task is queued only after the commit: the report never waits for e-mail.
    Taps racing with the same page meet the unique ``submission_key``: one stores the
    report, the others raise :class:`AlreadySubmitted` with it (the code is the same:
    :func:`receipts.code_for`).
    """
    from .tasks import queue_notification

    code = receipts.code_for(token)
    district = answers.get("district")
    contact = has_contact(answers)
    report = Report(
        category=answers["category"],
        description=answers["description"],
        district_id=int(district) if district and district != DISTRICT_UNKNOWN else None,
        place=answers.get("place", ""),
        children_ages=answers.get("children_ages", ""),
        danger_now=answers["danger_now"],
        urgent=answers["danger_now"] == DangerNow.YES,
        reporter_role=answers.get("reporter_role", ""),
        wants_contact=contact,
        contact_name=answers.get("contact_name", "") if contact else "",
        contact_phone=answers.get("contact_phone", "") if contact else "",
        contact_email=answers.get("contact_email", "") if contact else "",
        verified_by=verified_by,
        submission_key=submission_key(token),
    )
    report.set_receipt(code)
    try:
        with transaction.atomic():
            report.save()
            notification = ReportNotification.objects.create(report=report)
            log(
                instance=report, action="requests.create", user=None, data={"urgent": report.urgent}
            )
            transaction.on_commit(lambda: queue_notification(notification.pk))
    except IntegrityError:
        # PostgreSQL makes this insert wait for the other tap's commit, SQLite for its
        # write lock: by now the winner's row is visible.
        stored = find_submitted(token)
        if stored is None:
            raise
        raise AlreadySubmitted(stored) from None
    return report, code


def change_status(report: Report, status: str, user, outcome: str = "") -> None:
    old = report.status
    now = timezone.now()
    report.status = status
    report.status_changed_at = now
    if status == Status.CLOSED:
        report.outcome = outcome
        report.closed_at = now
    else:
        report.outcome = ""
        report.closed_at = None
    with transaction.atomic():
        report.save(
            update_fields=["status", "status_changed_at", "outcome", "closed_at", "updated_at"]
        )
        log(
            instance=report,
            action="requests.status",
            user=user,
            data={"from": old, "to": status, "outcome": report.outcome},
        )


def assign(report: Report, assignee, urgent: bool, user) -> None:
    changes: dict[str, Any] = {}
    if report.assignee_id != (assignee.pk if assignee else None):
        report.assignee = assignee
        changes["assignee"] = assignee.get_username() if assignee else ""
    if report.urgent != urgent:
        report.urgent = urgent
        changes["urgent"] = urgent
    if not changes:
        return
    with transaction.atomic():
        report.save(update_fields=["assignee", "urgent", "updated_at"])
        if "assignee" in changes:
            log(
                instance=report,
                action="requests.assign",
                user=user,
                data={"assignee": changes["assignee"]},
            )
        if "urgent" in changes:
            log(instance=report, action="requests.urgency", user=user, data={"urgent": urgent})


def add_note(report: Report, body: str, user) -> ReportNote:
    with transaction.atomic():
        note = ReportNote.objects.create(report=report, body=body, author=user)
        log(instance=report, action="requests.note", user=user)
    return note


def message_reporter(report: Report, body: str, user) -> ReportMessage:
    with transaction.atomic():
        message = ReportMessage.objects.create(
            report=report,
            body=body,
            author=user,
            direction=ReportMessage.Direction.TO_REPORTER,
        )
        log(instance=report, action="requests.message_to_reporter", user=user)
    return message


def reporter_follow_up(report: Report, body: str) -> ReportMessage:
    with transaction.atomic():
        message = ReportMessage.objects.create(
            report=report, body=body, direction=ReportMessage.Direction.FROM_REPORTER
        )
        Report.objects.filter(pk=report.pk).update(
            unread_reporter_message=True, updated_at=timezone.now()
        )
        log(instance=report, action="requests.message_from_reporter", user=None)
    return message


def log_content_view(report: Report, user) -> None:
    """Every view of decrypted content is an audit entry."""
    log(instance=report, action="requests.view_content", user=user)
    if report.unread_reporter_message:
        Report.objects.filter(pk=report.pk).update(unread_reporter_message=False)


def purge(report: Report, user=None) -> None:
    """Strip a report of everything anyone wrote, and of its receipt.

    What remains (category, district, dates, status, outcome, the audit log) is enough
    for statistics and says nothing about the family or the reporter.
    """
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(
            description="",
            place="",
            children_ages="",
            contact_name="",
            contact_phone="",
            contact_email="",
            receipt_hash="",
            receipt_lookup="",
            submission_key=None,
            unread_reporter_message=False,
            purged_at=timezone.now(),
        )
        report.messages.all().delete()
        report.notes.all().delete()
        log(instance=report, action="requests.purge", user=user)
    logger.info("Report %s purged after the retention period", report.pk)
