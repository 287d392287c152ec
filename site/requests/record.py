"""Recording the interagency work on a report (issue 13, point 4): forms and changes.

Each change is one transaction: the row, and a timeline entry that says what kind of
thing was recorded with its plain choices and dates (never what anyone wrote, which is
sealed: see :mod:`.record_models`). Writing sealed text needs the report's key open in
the request; without it the models raise ``sealed_fields.ReportLocked`` and nothing is
stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django import forms
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import Locale

from safechildhood.core.forms import ListedModelChoiceField
from safechildhood.core.versioned_cache import VersionedCache
from safechildhood.core.widgets import Select
from safechildhood.registry.corrections import InboxProblem
from safechildhood.registry.models import Service

from .forms import clean_text, cleaned_text, required_text
from .models import Report
from .notifications import is_suggestion
from .record_models import Agency, AgencyNotice, RiskAssessment, RiskLevel, SupportPlan, Visit

M = TypeVar("M")

MAX_TEAM = 500
MAX_NOTE = 2000
MAX_AGENCY_NAME = 200
MAX_PLAN = 5000
EARLIEST = dt.date(2000, 1, 1)


def _date_field(label: str, required_message: str = "") -> forms.DateField:
    """A date; without `required_message` it may stay empty."""
    return forms.DateField(
        label=label,
        required=bool(required_message),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={
            "required": required_message,
            "invalid": _("Введите дату в виде ДД.ММ.ГГГГ"),
        },
    )


def _text_field(label: str, max_length: int, *, required: str = "", rows: int = 2):
    """A text box; `required` is the message that asks for it (empty: it may stay empty)."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=bool(required),
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required,
            "max_length": _("Не длиннее %(limit_value)d знаков (сейчас %(show_value)d)"),
        },
    )


def _past_date(value: dt.date | None) -> dt.date | None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("Дата не может быть в будущем"))
    if value and value < EARLIEST:
        raise forms.ValidationError(_("Проверьте год: дата слишком ранняя"))
    return value


class VisitForm(forms.Form):
    visited_on = _date_field(_("Дата выезда"), required_message=_("Укажите дату выезда"))
    team = _text_field(
        _("Кто выезжал (имена, должности)"), MAX_TEAM, required=_("Напишите, кто выезжал")
    )

    def clean_visited_on(self) -> dt.date | None:
        return _past_date(self.cleaned_data.get("visited_on"))

    def clean_team(self) -> str:
        return required_text(self, "team", _("Напишите, кто выезжал"))


class RiskForm(forms.Form):
    assessed_on = _date_field(_("Дата оценки"), required_message=_("Укажите дату оценки"))
    level = forms.ChoiceField(
        label=_("Итог оценки рисков"),
        choices=[("", "—"), *RiskLevel.choices],
        widget=Select,
        error_messages={
            "required": _("Выберите итог оценки рисков"),
            "invalid_choice": _("Выберите итог оценки из списка"),
        },
    )
    note = _text_field(_("Пояснение (необязательно)"), MAX_NOTE, rows=3)

    def clean_assessed_on(self) -> dt.date | None:
        return _past_date(self.cleaned_data.get("assessed_on"))

    def clean_note(self) -> str:
        return cleaned_text(self, "note")


class AgencyForm(forms.Form):
    agency = forms.ChoiceField(
        label=_("Какое ведомство проинформировано"),
        choices=[("", "—"), *Agency.choices],
        widget=Select,
        error_messages={
            "required": _("Выберите ведомство"),
            "invalid_choice": _("Выберите ведомство из списка"),
        },
    )
    other_name = forms.CharField(
        label=_("Название ведомства (для «Другое ведомство»)"),
        max_length=MAX_AGENCY_NAME,
        required=False,
        error_messages={"max_length": _("Не длиннее %(limit_value)d знаков")},
    )
    informed_on = _date_field(
        _("Дата информирования"), required_message=_("Укажите, когда ведомство проинформировали")
    )

    def clean_informed_on(self) -> dt.date | None:
        return _past_date(self.cleaned_data.get("informed_on"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        name = clean_text(data.get("other_name") or "")
        if data.get("agency") == Agency.OTHER and not name:
            self.add_error("other_name", _("Напишите название ведомства"))
        data["other_name"] = name if data.get("agency") == Agency.OTHER else ""
        return data


class PlanForm(forms.Form):
    plan_text = _text_field(
        _("План сопровождения семьи"),
        MAX_PLAN,
        required=_("Напишите план сопровождения"),
        rows=6,
    )
    next_review = _date_field(_("Дата следующего пересмотра плана"))

    def clean_plan_text(self) -> str:
        return required_text(self, "plan_text", _("Напишите план сопровождения"))

    def clean_next_review(self) -> dt.date | None:
        value = self.cleaned_data.get("next_review")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("Дата следующего пересмотра не может быть в прошлом"))
        return value


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def create_logged(
    model: type[M], report: Report, user, action: str, data: dict[str, Any], **fields: Any
) -> M:
    """Add an entry by `user` to the report's record with its line in the report's history,
    both or neither: an entry the history does not mention would mislead as much as a
    history line for an entry that was never saved."""
    with transaction.atomic():
        entry = model.objects.create(report=report, author=user, **fields)
        log(instance=report, action=action, user=user, data=data)
    return entry


def record_visit(report: Report, user, visited_on: dt.date, team: str) -> Visit:
    data = {"date": _iso(visited_on)}
    return create_logged(
        Visit, report, user, "requests.visit", data, visited_on=visited_on, team=team
    )


def record_risk(report: Report, user, assessed_on: dt.date, level: str, note: str):
    data = {"date": _iso(assessed_on), "level": level}
    return create_logged(
        RiskAssessment,
        report,
        user,
        "requests.risk",
        data,
        assessed_on=assessed_on,
        level=level,
        note=note,
    )


def record_agency(report: Report, user, agency: str, other_name: str, informed_on: dt.date):
    data = {"agency": agency, "date": _iso(informed_on)}
    fields = {"agency": agency, "other_name": other_name, "informed_on": informed_on}
    return create_logged(AgencyNotice, report, user, "requests.agency", data, **fields)


def save_plan(report: Report, user, text: str, next_review: dt.date | None) -> SupportPlan:
    """Write the plan (one per report); the row is locked so two saves do not interleave."""
    with transaction.atomic():
        plan = SupportPlan.objects.select_for_update().filter(report=report).first()
        created = plan is None
        plan = plan or SupportPlan(report=report)
        old_review = plan.next_review
        plan.text, plan.next_review = text, next_review
        plan.updated_by, plan.updated_at = user, timezone.now()
        plan.save()
        log(
            instance=report,
            action="requests.plan",
            user=user,
            data={
                "created": created,
                "next_review": _iso(next_review),
                "review_changed": not created and old_review != next_review,
            },
        )
    return plan


# What a mistaken entry may be removed from: the URL's word, the model, the date it carries.
REMOVABLE: dict[str, tuple[type, str]] = {
    "visit": (Visit, "visited_on"),
    "risk": (RiskAssessment, "assessed_on"),
    "agency": (AgencyNotice, "informed_on"),
}


def remove_entry(report: Report, user, kind: str, entry_id: int) -> bool:
    """Remove an entry recorded by mistake; the timeline keeps that it existed and its date.

    False when there is no such entry on this report (removed meanwhile, or another's)."""
    model, date_field = REMOVABLE[kind]
    with transaction.atomic():
        entry = model.objects.select_for_update().filter(report=report, pk=entry_id).first()
        if entry is None:
            return False
        data = {"kind": kind, "date": _iso(getattr(entry, date_field))}
        if kind == "risk":
            data["level"] = entry.level
        if kind == "agency":
            data["agency"] = entry.agency
        entry.delete()
        log(instance=report, action="requests.record_removed", user=user, data=data)
    return True


def record_of(report: Report) -> dict[str, Any]:
    """Everything recorded about a report, oldest first (what the page and the summary show)."""
    risks = list(report.risk_assessments.select_related("author"))
    return {
        "visits": list(report.visits.select_related("author")),
        "risks": risks,
        "current_risk": risks[-1] if risks else None,
        "agency_notices": list(report.agency_notices.select_related("author")),
        "plan": SupportPlan.objects.filter(report=report).select_related("updated_by").first(),
    }


# --- The forms on the report page ---------------------------------------------------------------

RECORD_FORMS: dict[type[forms.Form], str] = {
    VisitForm: "visit",
    RiskForm: "risk",
    AgencyForm: "agency",
    PlanForm: "plan",
}


def record_form(prefix: str, report: Report) -> forms.Form:
    """A fresh record form for its page; the plan's holds the current plan, to be edited
    rather than retyped."""
    form_class = next(form for form, name in RECORD_FORMS.items() if name == prefix)
    plan = SupportPlan.objects.filter(report=report).first() if prefix == "plan" else None
    initial = {"plan_text": plan.text, "next_review": plan.next_review} if plan else None
    return form_class(prefix=prefix, initial=initial)


def service_choices(report: Report) -> QuerySet[Service]:
    """The live services that serve the report's district, and the one the report already
    names (it may serve only the district the report came from), the district's SOS
    services flagged ``suggestion``: the choices of the service and registry-flag pages."""
    rows = Service.objects.filter(live=True, locale=Locale.get_default())
    if report.district_id:
        serving = rows.serving_district(report.district_id).values("pk")
        rows = rows.filter(Q(pk__in=serving) | Q(pk=report.service_id or 0))
    return rows.annotate(suggestion=is_suggestion()).only("pk", "name").order_by("name", "pk")


# The service the report page suggests, per district, until a registry record changes
# (connected in apps.py) or, after a change that sends no signal (a bulk update), a minute.
SUGGESTIONS = VersionedCache("requests:suggested-service", timeout=60)


def suggestions(report: Report) -> list[Service]:
    """At most the one service the report page suggests (see ``suggested_service``): the
    page itself offers no list of services. Read on every opening of a report, so cached
    per district (its query took longer to build than to run)."""
    if report.service_id or not report.district_id:
        return []  # nothing is suggested
    return SUGGESTIONS.get(
        str(report.district_id),
        lambda: list(service_choices(report).filter(suggestion=True)[:1]),
    )


class ServicesForm(forms.Form):
    """A form whose ``service`` field offers the report's services (``service_choices``),
    or the list its page has read already."""

    def __init__(
        self, *args, report: Report, services: QuerySet[Service] | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = (
            services if services is not None else service_choices(report)
        )


class RegistryFlagForm(ServicesForm):
    prefix = "flag"
    service = ListedModelChoiceField(
        label=_("Служба из реестра"),
        queryset=Service.objects.none(),
        error_messages={
            "required": _("Выберите службу"),
            "invalid_choice": _("Выберите службу из списка"),
        },
    )
    problem = forms.ChoiceField(
        label=_("Что не так"),
        choices=InboxProblem.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Выберите, что не так со службой"),
            "invalid_choice": _("Выберите, что не так со службой"),
        },
    )
