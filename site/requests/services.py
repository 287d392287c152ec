"""What happens to a report, kept out of the views: create, change status, message, purge.

Every change writes an entry to the report's audit log (Wagtail's log registry,
:class:`~safechildhood.requests.models.ReportLogEntry`), so the staff timeline is the
audit log itself. Entries carry metadata only, never what anyone wrote.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from wagtail.log_actions import log

from . import alerts, receipts, sealing
from .forms import DISTRICT_UNKNOWN, has_contact
from .models import (
    WHO_FIELDS,
    DangerNow,
    Report,
    ReportMessage,
    ReportNote,
    ReportNotification,
    Status,
)
from .notifications import duty_addresses
from .record_models import SEALED_RECORD_FIELDS

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
        .only("pk", "created_at", "receipt_hash", "purged_at", *WHO_FIELDS)
        .first()
    )


def create_report(
    answers: dict[str, str], *, token: str, verified_by: str, over_volume: bool = False
) -> tuple[Report, str]:
    """Store a validated report in one transaction; returns it and its receipt code.

    The notification is a row written in the same transaction (so it cannot be lost)
    and its task is queued only after the commit: the report never waits for e-mail.
    A report flagged ``over_volume`` is e-mailed only if no other flagged report of
    its district was in the last hour (see :func:`_notify_now`).
    Taps racing with the same page meet the unique ``submission_key``: one stores the
    report, the others raise :class:`AlreadySubmitted` with it (the code is the same:
    :func:`receipts.code_for`).
    """
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
        over_volume=over_volume,
    )
    store_new(report, code, token)
    return report, code


def store_new(report: Report, code: str, token: str) -> None:
    """Seal, save, announce and audit a new report or family request, in one transaction.

    Raises :class:`AlreadySubmitted` when another tap of the same page stored it first.
    """
    # Not at the top: tasks → retention → services would import this module half-made.
    from .tasks import queue_notification

    report.submission_key = submission_key(token)
    report.set_receipt(code)
    key = sealing.prepare(report, code)
    try:
        with transaction.atomic():
            notify = _notify_now(report)
            report.save()
            sealing.seal_to_readers(report, key)
            if notify:
                _notify(report, queue_notification)
            data = {"urgent": report.urgent, "over_volume": report.over_volume}
            if report.is_family:
                data["kind"] = report.kind
            log(instance=report, action="requests.create", user=None, data=data)
    except IntegrityError:
        # PostgreSQL makes this insert wait for the other tap's commit, SQLite for its
        # write lock: by now the winner's row is visible.
        stored = find_submitted(token)
        if stored is None:
            raise
        raise AlreadySubmitted(stored) from None


def _notify(report: Report, queue_notification) -> None:
    """Alert the district's people; e-mail the SOS service's address when it has one.

    The service's notification is also written when nobody could be alerted: then its
    failure (no address anywhere) shows in the inbox as «Уведомление не доставлено».
    """
    alerted = alerts.alert_new_report(report)
    if alerted and not duty_addresses(report):
        return
    notification = ReportNotification.objects.create(report=report)
    transaction.on_commit(lambda: queue_notification(notification.pk))


def _notify_now(report: Report) -> bool:
    """Every report is e-mailed, except flagged ones after the district's first in an hour.

    During a flood of reports without verification the duty mailbox gets one e-mail
    that says so; the rest wait in the inbox (filter «Без проверки, сверх обычного
    объёма»), where staff can triage or close them in bulk. Nothing is refused.
    """
    if not report.over_volume:
        return True
    since = timezone.now() - dt.timedelta(hours=1)
    return not ReportNotification.objects.filter(
        report__over_volume=True, report__district_id=report.district_id, created_at__gte=since
    ).exists()


# --- Staff changes: locked, merged, never lost --------------------------------------------------
#
# Two people can have one report open. Each change locks the report's row
# (``SELECT … FOR UPDATE``; SQLite takes its write lock at ``BEGIN IMMEDIATE``),
# compares what the person's page showed (``seen_*``) with what is stored now, and
# writes only what the person changed and nobody else changed meanwhile. Notes and
# messages are rows of their own: they are always kept.

UNKNOWN: Any = object()  # the page did not say what it showed: nothing to compare with

HANDLING_FIELDS = ("status", "status_changed_at", "outcome", "closed_at", "assignee", "urgent")
HANDLING_FIELDS += ("service", "purged_at", "unread_reporter_message", "updated_at")


class Conflict(Exception):
    """Someone else changed `field` since the person's page was loaded: nothing was written."""

    def __init__(self, report: Report, field: str) -> None:
        super().__init__(field)
        self.report = report
        self.field = field


def _locked(report: Report) -> Report:
    """The report's current handling state, its row locked until the transaction ends."""
    return Report.objects.select_for_update().only(*HANDLING_FIELDS).get(pk=report.pk)


def _copy(source: Report, target: Report) -> None:
    for name in HANDLING_FIELDS:
        setattr(target, Report._meta.get_field(name).attname, source.serializable_value(name))


def _merge(mine: Any, seen: Any, stored: Any) -> str:
    """Three-way merge of one field: "keep", "write" or "conflict"."""
    seen = stored if seen is UNKNOWN else seen
    if mine in (seen, stored):  # not changed by this person, or already so
        return "keep"
    return "conflict" if stored != seen else "write"


def change_status(
    report: Report,
    status: str,
    user,
    outcome: str = "",
    *,
    seen_status: str | None = None,
    seen_reply: int | None = None,
) -> Report:
    """Move the report to `status`; raises :class:`Conflict` if the page was out of date.

    ``seen_status`` is the status the person's page showed, ``seen_reply`` the newest
    reporter message it showed (0 for none): a reply that arrived meanwhile must be read
    before the report changes status. The same change made twice is made once.
    """
    with transaction.atomic():
        current = _locked(report)
        if seen_status is not None and current.status != seen_status:
            if current.status == status and (status != Status.CLOSED or current.outcome == outcome):
                _copy(current, report)
                return current
            raise Conflict(current, "status")
        if seen_reply is not None and _replies_after(current, seen_reply):
            raise Conflict(current, "reply")
        if not current.can_move_to(status):
            raise Conflict(current, "status")
        old, now = current.status, timezone.now()
        current.status, current.status_changed_at = status, now
        closing = status == Status.CLOSED
        current.outcome = outcome if closing else ""
        current.closed_at = now if closing else None
        current.save(
            update_fields=["status", "status_changed_at", "outcome", "closed_at", "updated_at"]
        )
        log(
            instance=current,
            action="requests.status",
            user=user,
            data={"from": old, "to": status, "outcome": current.outcome},
        )
    _copy(current, report)
    return current


def _replies_after(report: Report, message_id: int) -> bool:
    return ReportMessage.objects.filter(
        report=report, direction=ReportMessage.Direction.FROM_REPORTER, pk__gt=message_id
    ).exists()


def assign(
    report: Report,
    assignee,
    urgent: bool,
    user,
    *,
    seen_assignee: Any = UNKNOWN,
    seen_urgent: Any = UNKNOWN,
) -> list[str]:
    """Set the assignee and the urgency, each merged three ways (see :func:`_merge`).

    ``seen_assignee`` is the user id (or None) the page showed. Returns the fields not
    written because someone else changed them meanwhile.
    """
    mine = assignee.pk if assignee else None
    with transaction.atomic():
        current = _locked(report)
        merged = {
            "assignee": _merge(mine, seen_assignee, current.assignee_id),
            "urgent": _merge(urgent, seen_urgent, current.urgent),
        }
        if merged["assignee"] == "write":
            current.assignee = assignee
            current.save(update_fields=["assignee", "updated_at"])
            name = assignee.get_username() if assignee else ""
            log(instance=current, action="requests.assign", user=user, data={"assignee": name})
        if merged["urgent"] == "write":
            current.urgent = urgent
            current.save(update_fields=["urgent", "updated_at"])
            log(instance=current, action="requests.urgency", user=user, data={"urgent": urgent})
    _copy(current, report)
    return [field for field, result in merged.items() if result == "conflict"]


def set_service(report: Report, service, user, *, seen_service: Any = UNKNOWN) -> list[str]:
    """Set the registry service that handles the report (merged like :func:`assign`)."""
    mine = service.pk if service else None
    with transaction.atomic():
        current = _locked(report)
        merged = _merge(mine, seen_service, current.service_id)
        if merged == "write":
            current.service = service
            current.save(update_fields=["service", "updated_at"])
            name = service.name if service else ""
            log(instance=current, action="requests.service", user=user, data={"service": name})
    _copy(current, report)
    return ["service"] if merged == "conflict" else []


def take(report: Report, user) -> bool:
    """«Взять в работу»: assign to `user` and start triage, unless someone else has it."""
    with transaction.atomic():
        current = _locked(report)
        if current.purged_at or current.assignee_id not in (None, user.pk):
            _copy(current, report)
            return False
        assign(current, user, current.urgent, user)
        if current.status == Status.NEW:
            change_status(current, Status.TRIAGE, user)
    _copy(current, report)
    return True


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


class ReportGone(Exception):
    """The report's content was deleted (retention) before the reporter's message arrived."""


def reporter_follow_up(report: Report, body: str) -> ReportMessage:
    """Store the reporter's message and flag it for staff, whatever its status.

    The row lock orders it with a staff member's status change: either the change
    comes first (and the message is flagged unread on the changed report), or the
    message does (and the change waits until someone has read it).
    """
    with transaction.atomic():
        current = _locked(report)
        if current.purged_at:
            raise ReportGone
        message = ReportMessage.objects.create(
            report=current, body=body, direction=ReportMessage.Direction.FROM_REPORTER
        )
        already_flagged = current.unread_reporter_message
        current.unread_reporter_message = True
        current.save(update_fields=["unread_reporter_message", "updated_at"])
        log(instance=current, action="requests.message_from_reporter", user=None)
        if not already_flagged:  # one alert until someone has read the replies
            alerts.alert_reply(current)
    return message


def log_content_view(report: Report, user, shown_reply: int = 0) -> None:
    """Every view of decrypted content is an audit entry.

    The "new reply" flag is cleared only if the page showed the newest reply
    (``shown_reply``, its id): one that arrived while the page was built stays new.
    """
    log(instance=report, action="requests.view_content", user=user)
    if report.unread_reporter_message:
        newer = ReportMessage.objects.filter(
            report=OuterRef("pk"),
            direction=ReportMessage.Direction.FROM_REPORTER,
            pk__gt=shown_reply,
        )
        Report.objects.filter(pk=report.pk).exclude(Exists(newer)).update(
            unread_reporter_message=False
        )


def log_locked_view(report: Report, user) -> None:
    """A staff view of a report whose key the user does not hold: audited all the same."""
    log(instance=report, action="requests.view_locked", user=user)


def log_grant(report: Report, user, count: int) -> None:
    log(instance=report, action="requests.grant", user=user, data={"count": count})


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
            callback_time="",
            receipt_hash="",
            receipt_lookup="",
            reporter_salt="",
            reporter_kdf_cost="",
            reporter_wrapped_key="",
            submission_key=None,
            unread_reporter_message=False,
            purged_at=timezone.now(),
        )
        report.messages.all().delete()
        report.notes.all().delete()
        # The interagency record keeps its dates and choices, loses what anyone wrote.
        for model, field in SEALED_RECORD_FIELDS:
            model.objects.filter(report=report).update(**{field: ""})
        sealing.drop_keys(report)
        log(instance=report, action="requests.purge", user=user)
    logger.info("Report %s purged after the retention period", report.pk)
