"""Demo reports for the inbox (called by `manage.py load_demo`; created once).

Created only when there are no demo reports; existing ones are left as staff left them,
also under ``load_demo --reset``: a report's audit trail outlives the report, so the
demo never deletes reports to make them anew.

Invented, marked «демо» in the inbox; no real family or person. Their receipt codes
are random and never shown: they exist only to show staff what the inbox looks like.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from safechildhood.registry.models import District

from . import receipts, sealing
from .models import (
    Category,
    DangerNow,
    Report,
    ReporterRole,
    ReportMessage,
    ReportNote,
    Status,
    Verification,
)

DEMO_REPORTS = [
    {
        "category": Category.NEGLECT,
        "description": (
            "(демо) Соседские дети, мальчик лет пяти и девочка постарше, третий вечер подряд "
            "одни дома. Поздно вечером слышно, как младший плачет. Взрослых не видно."
        ),
        "place": "(демо) ул. Примерная, 1, второй подъезд",
        "children_ages": "5 и 9 лет",
        "danger_now": DangerNow.UNSURE,
        "reporter_role": ReporterRole.NEIGHBOUR,
        "hours_ago": 3,
        "status": Status.NEW,
    },
    {
        "category": Category.VIOLENCE,
        "description": (
            "(демо) За стеной кричит мужчина, слышны удары и детский плач. Это происходит "
            "прямо сейчас."
        ),
        "place": "(демо) пос. Образцовый, дом 3",
        "children_ages": "",
        "danger_now": DangerNow.YES,
        "reporter_role": ReporterRole.NEIGHBOUR,
        "hours_ago": 2,
        "status": Status.NEW,
    },
    {
        "category": Category.BULLYING,
        "description": (
            "(демо) Мою дочь травят в классе: забирают вещи, выкладывают обидные фото в чат. "
            "Классный руководитель говорит, что это шутки."
        ),
        "place": "(демо) школа № 0",
        "children_ages": "13 лет",
        "danger_now": DangerNow.NO,
        "reporter_role": ReporterRole.RELATIVE,
        "hours_ago": 50,
        "status": Status.TRIAGE,
        "message": "Здравствуйте! Мы связались со школьной службой медиации. Удобно ли, если "
        "психолог позвонит вам? Оставьте, пожалуйста, телефон в ответе.",
        "note": "(демо) Передать в службу экстренного реагирования по буллингу.",
    },
]


def load(home=None, stdout: TextIO | None = None) -> None:
    if Report.objects.filter(is_demo=True).exists():
        return
    districts = list(District.objects.order_by("name")[:3])
    now = timezone.now()
    with transaction.atomic():
        for index, data in enumerate(DEMO_REPORTS):
            report = Report(
                is_demo=True,
                category=data["category"],
                description=data["description"],
                place=data["place"],
                children_ages=data["children_ages"],
                danger_now=data["danger_now"],
                urgent=data["danger_now"] == DangerNow.YES,
                reporter_role=data["reporter_role"],
                district=districts[index % len(districts)] if districts else None,
                created_at=now - dt.timedelta(hours=data["hours_ago"]),
                status=data["status"],
                verified_by=Verification.PROOF_OF_WORK,
            )
            code = receipts.new_code()
            report.set_receipt(code)
            key = sealing.prepare(report, code)
            report.save()
            sealing.seal_to_readers(report, key)
            log(instance=report, action="requests.create", user=None)
            if data["status"] != Status.NEW:
                log(
                    instance=report,
                    action="requests.status",
                    user=None,
                    data={"from": Status.NEW, "to": data["status"], "outcome": ""},
                )
            if data.get("message"):
                ReportMessage.objects.create(
                    report=report,
                    body=data["message"],
                    direction=ReportMessage.Direction.TO_REPORTER,
                )
            if data.get("note"):
                ReportNote.objects.create(report=report, body=data["note"])
    if stdout is not None:
        stdout.write(f"Reports: {len(DEMO_REPORTS)} demo reports in «Обращения».")
