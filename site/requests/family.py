"""«Попросить помощи для своей семьи»: a family asks for help for itself (issue 13, point 6).

The «Семейная диспетчерская» single window of the seeds: a short form (what is
happening, the district, a phone and when it is safe to call), stored as a
:class:`~safechildhood.requests.models.Report` of kind ``family`` so that it has the
report's protection, sealing, receipt, status page, retention and inbox. It cannot be
anonymous: the point is a call back. It is routed when stored to the district's family
dispatch service, else its SOS service (:func:`routing.family_service`); staff record
each call back (:class:`~safechildhood.requests.models.CallBack`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.core.widgets import Select
from safechildhood.registry.models import District

from . import receipts, services
from .forms import (
    DISTRICT_UNKNOWN,
    GovukErrorsMixin,
    check_phone,
    cleaned_text,
    district_choices,
    district_field,
    required_text,
)
from .models import CallBack, FamilyTopic, Kind, Report, Status
from .record import create_logged
from .routing import family_service

MAX_STORY = 2000


class FamilyRequestForm(GovukErrorsMixin, forms.Form):
    """The whole request on one page: short enough to check at a glance before sending."""

    family_topic = forms.ChoiceField(
        label=_("Что происходит?"),
        choices=FamilyTopic.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Выберите, с чем нужна помощь"),
            "invalid_choice": _("Выберите один из вариантов в списке"),
        },
    )
    description = forms.CharField(
        label=_("Коротко расскажите, что случилось (необязательно)"),
        help_text=_("Можно пропустить: специалист всё расспросит, когда позвонит."),
        required=False,
        max_length=MAX_STORY,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "true"}),
        error_messages={
            "max_length": _(
                "Рассказ длиннее, чем можно: %(show_value)d знаков, а можно %(limit_value)d. "
                "Сократите его — ваш текст остался в поле"
            ),
        },
    )
    district = district_field(_("В каком районе вы живёте?"))
    contact_name = forms.CharField(
        label=_("Как к вам обращаться"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Напишите, как к вам обращаться"),
            "max_length": _("Имя должно быть не длиннее 100 знаков"),
        },
    )
    contact_phone = forms.CharField(
        label=_("Телефон для обратного звонка"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "tel"}),
        error_messages={
            "required": _("Укажите телефон, по которому вам перезвонят"),
            "max_length": _("Телефон должен быть не длиннее 30 знаков"),
        },
    )
    callback_time = forms.CharField(
        label=_("Когда вам можно позвонить"),
        help_text=_(
            "Например: в будни с 10 до 13. Если трубку может взять кто-то другой или "
            "звонить можно не всегда, напишите, как быть."
        ),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Напишите, когда вам можно позвонить"),
            "max_length": _("Время звонка должно быть не длиннее 300 знаков"),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "Я согласен(на) на обработку моих персональных данных (имени, телефона и того, "
            "что я написал(а)), чтобы специалисты связались со мной и помогли моей семье"
        ),
        error_messages={
            "required": _(
                "Подтвердите согласие на обработку персональных данных: без него мы не "
                "можем вам позвонить"
            )
        },
    )

    def __init__(self, *args, districts: list[District] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if districts is None:
            districts = list(District.objects.only("pk", "name").order_by("name"))
        self.fields["district"].choices = district_choices({str(d.pk): d.name for d in districts})

    def clean_description(self) -> str:
        return cleaned_text(self, "description")

    def clean_contact_name(self) -> str:
        return required_text(self, "contact_name", _("Напишите, как к вам обращаться"))

    def clean_contact_phone(self) -> str:
        message = _("Укажите телефон, по которому вам перезвонят")
        return check_phone(required_text(self, "contact_phone", message))

    def clean_callback_time(self) -> str:
        return required_text(self, "callback_time", _("Напишите, когда вам можно позвонить"))


def create_family_request(
    cleaned: dict[str, Any], *, token: str, verified_by: str
) -> tuple[Report, str]:
    """Store a family's request (sealed like a report); returns it and its receipt code.

    Routed now: ``service`` is the district's family dispatch or SOS service, so the
    new-request e-mail goes to that service (``notifications.duty_addresses``) and the
    confirmation can name it. Violence at home is marked urgent. Raises
    ``services.AlreadySubmitted`` for a second tap of the same page.
    """
    district = cleaned["district"]
    district_id = int(district) if district and district != DISTRICT_UNKNOWN else None
    service = family_service(district_id)
    report = Report(
        kind=Kind.FAMILY,
        family_topic=cleaned["family_topic"],
        category="",
        danger_now="",
        urgent=cleaned["family_topic"] == FamilyTopic.VIOLENCE,
        description=cleaned.get("description", ""),
        district_id=district_id,
        service=service,
        wants_contact=True,
        contact_name=cleaned["contact_name"],
        contact_phone=cleaned["contact_phone"],
        callback_time=cleaned["callback_time"],
        verified_by=verified_by,
    )
    code = receipts.code_for(token)
    services.store_new(report, code, token)
    return report, code


class CallBackForm(forms.Form):
    """What staff record after calling a family back."""

    called_at = forms.DateTimeField(
        label=_("Когда звонили"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"],
    )
    result = forms.ChoiceField(
        label=_("Результат звонка"), choices=CallBack.Result.choices, widget=Select
    )
    agreed = forms.ChoiceField(
        label=_("О чём договорились"),
        choices=[("", "—"), *CallBack.Agreed.choices],
        required=False,
        widget=Select,
    )

    def clean_called_at(self) -> dt.datetime:
        value = self.cleaned_data["called_at"]
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(_("Время звонка не может быть в будущем"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("agreed") and data.get("result") != CallBack.Result.REACHED:
            self.add_error("agreed", _("Договориться можно, только если поговорили"))
        return data


def record_call_back(report: Report, user, called_at: dt.datetime, result: str, agreed: str):
    """Record a call back; the first one takes a new request into work (status «Разбор»)."""
    data = {"result": result, "agreed": agreed}
    with transaction.atomic():
        call = create_logged(
            CallBack, report, user, "requests.call_back", data, called_at=called_at, **data
        )
        if report.status == Status.NEW:
            # Someone moved it meanwhile: the call is recorded all the same.
            with contextlib.suppress(services.Conflict):
                services.change_status(report, Status.TRIAGE, user, seen_status=Status.NEW)
    return call
