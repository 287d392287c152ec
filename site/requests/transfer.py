"""Moving a report to another district, or giving one to a report that had none (issue 13, 3).

Who may read a sealed report follows its district, so the move goes through the same
path as every access change (:func:`.sealing.grant_all`: ``sync_report`` drops the former
district's copies and queues the new readers, then the key this request holds is sealed
to them, as «Выдать доступ» does). A person who moves a report without holding its key
leaves the new readers waiting: a colleague who holds it seals it for them, as for any
new reader. The new district's people are alerted; the move is a timeline entry.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from safechildhood.registry.models import District, Service

from . import alerts, sealing
from .alert_models import StaffAlert
from .models import Report, users_for_district


class Reason(TextChoices):
    """Why a report changes district: plain words for the timeline, never the family's."""

    MOVED = "moved", _("Семья живёт или находится в другом районе")
    WRONG = "wrong", _("Район указан по ошибке")
    UNKNOWN = "unknown", _("Заявитель не знал района, он установлен")
    OTHER = "other", _("Другое (подробности во внутренней заметке)")


class NotMoved(Exception):
    """The report is already in that district, or its content was deleted."""


def transfer(report: Report, district: District, reason: str, user) -> int:
    """Give `report` to `district`; returns how many new readers got the key at once."""
    with transaction.atomic():
        current = (
            Report.objects.select_for_update()
            .only("pk", "district", "assignee", "service", "urgent", "sealed_at", "purged_at")
            .get(pk=report.pk)
        )
        if current.purged_at or current.district_id == district.pk:
            raise NotMoved
        former = current.district.name if current.district_id else ""
        current.district = district
        changed = ["district", "updated_at"]
        if current.assignee_id and not _may_handle(current.assignee_id, district):
            current.assignee = None
            changed.append("assignee")
        if current.service_id and not _serves(current.service_id, district):
            current.service = None
            changed.append("service")
        current.save(update_fields=changed)  # sealing_receivers: sync_report
        granted = sealing.grant_all(current)
        data = {
            "from": former,
            "to": district.name,
            "reason": reason,
            "assignee_removed": "assignee" in changed,
            "service_removed": "service" in changed,
        }
        log(instance=current, action="requests.transfer", user=user, data=data)
        alerts.raise_alert(current, StaffAlert.Kind.TRANSFER, alerts.duty_people(district.pk))
    for name in ("district", "assignee", "service"):
        setattr(report, f"{name}_id", getattr(current, f"{name}_id"))
    return granted


def _may_handle(user_id: int, district: District) -> bool:
    return users_for_district(district.pk).filter(pk=user_id).exists()


def _serves(service_id: int, district: District) -> bool:
    return Service.objects.filter(pk=service_id).serving_district(district.pk).exists()
