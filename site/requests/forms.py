"""Forms of the public report flow and of the staff inbox.

Error messages follow the GOV.UK Design System: say what went wrong and how to fix
it, in the visitor's words ("Опишите, что вас беспокоит"), never "This field is required".
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

from safechildhood.core.clean_input import strip_control_characters
from safechildhood.core.forms import ListedModelChoiceField
from safechildhood.core.widgets import Select
from safechildhood.registry.models import District

from .models import TRANSITIONS, Category, DangerNow, Outcome, ReporterRole, Status
from .receipts import normalise as normalise_code

DISTRICT_UNKNOWN = "unknown"

# Kept by the check page; the form re-renders from them.
ANSWER_FIELDS = (
    "category",
    "description",
    "district",
    "place",
    "children_ages",
    "danger_now",
    "reporter_role",
    "contact_preference",
    "contact_name",
    "contact_phone",
    "contact_email",
)
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")

MAX_DESCRIPTION = 5000


def clean_text(value: str) -> str:
    """Normalise line ends and strip control characters other than newline and tab
    (the middleware already did for the request; answers also come back from the
    check page's sealed state)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return strip_control_characters(value).strip()


def check_phone(value: str) -> str:
    """A phone number someone can be called back on (digits, spaces, brackets, +, -)."""
    if value:
        digits = re.sub(r"\D", "", value)
        if not re.fullmatch(r"[\d\s()+\-.]+", value) or not 5 <= len(digits) <= 15:
            raise forms.ValidationError(
                _("Введите телефон цифрами, например 8 900 123-45-67"), code="invalid"
            )
    return value


def cleaned_text(form: forms.Form, name: str) -> str:
    """A free-text answer as it is kept (see :func:`clean_text`)."""
    return clean_text(form.cleaned_data.get(name) or "")


def required_text(form: forms.Form, name: str, message: str) -> str:
    """A free-text answer that must say something: spaces or control characters alone
    pass Django's own required check, yet nobody could read them."""
    value = cleaned_text(form, name)
    if not value:
        raise forms.ValidationError(message, code="required")
    return value


def district_field(label: str) -> forms.ChoiceField:
    """The district question of the public forms; its choices are :func:`district_choices`
    (the list of districts is read when the form is made, not at import)."""
    return forms.ChoiceField(
        label=label,
        error_messages={
            "required": _("Выберите район или «Не знаю»"),
            "invalid_choice": _("Выберите район из списка"),
        },
    )


def district_choices(names: dict[str, str]) -> list[tuple[str, str]]:
    """The districts (pk → name) between a prompt and «Не знаю»: someone who does not know
    the district, or lives in one not listed, is still heard (``DISTRICT_UNKNOWN``)."""
    return [
        ("", _("Выберите район")),
        *names.items(),
        (DISTRICT_UNKNOWN, _("Не знаю или района нет в списке")),
    ]


class GovukErrorsMixin:
    """Errors as an ordered list of (field id, message) for the error summary."""

    def error_summary(self) -> list[tuple[str, str]]:
        items = []
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            anchor = self.anchor_for(name)
            items.extend((anchor, str(message)) for message in errors)
        items.extend(("", str(message)) for message in self.non_field_errors())
        return items

    def anchor_for(self, name: str) -> str:
        field = self.fields.get(name)
        if field is not None and isinstance(field.widget, forms.RadioSelect):
            return f"id_{name}_0"
        return f"id_{name}"


class ReportForm(GovukErrorsMixin, forms.Form):
    """The questions. Nothing here is saved: the check page carries the answers on."""

    category = forms.ChoiceField(
        label=_("Что вас беспокоит?"),
        choices=Category.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Выберите, что вас беспокоит"),
            "invalid_choice": _("Выберите один из вариантов в списке"),
        },
    )
    description = forms.CharField(
        label=_("Опишите, что происходит"),
        help_text=_(
            "Что вы видели или слышали, когда это было, кто рядом с ребёнком. Не обязательно "
            "быть уверенным."
        ),
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off", "spellcheck": "true"}),
        error_messages={
            "required": _("Опишите, что вас беспокоит"),
            "max_length": _(
                "Описание длиннее, чем можно: %(show_value)d знаков, а можно %(limit_value)d. "
                "Сократите его — ваш текст остался в поле"
            ),
        },
        max_length=MAX_DESCRIPTION,
        strip=False,
    )
    district = district_field(_("В каком районе это происходит?"))
    place = forms.CharField(
        label=_("Где именно (необязательно)"),
        help_text=_("Населённый пункт, улица, дом, школа — всё, что поможет найти семью"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"max_length": _("Место должно быть не длиннее 300 знаков")},
    )
    children_ages = forms.CharField(
        label=_("Сколько лет детям (необязательно)"),
        help_text=_("Например: 4 года и 12 лет"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"max_length": _("Возраст детей должен быть не длиннее 100 знаков")},
    )
    danger_now = forms.ChoiceField(
        label=_("Ребёнок или кто-то ещё в опасности прямо сейчас?"),
        choices=DangerNow.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Ответьте, есть ли опасность прямо сейчас"),
            "invalid_choice": _("Выберите один из вариантов в списке"),
        },
    )
    reporter_role = forms.ChoiceField(
        label=_("Кто вы (необязательно)"),
        choices=ReporterRole.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Выберите один из вариантов в списке")},
    )
    contact_preference = forms.ChoiceField(
        label=_("Можно ли с вами связаться?"),
        choices=[
            ("anonymous", _("Нет, я хочу остаться анонимным")),
            ("contact", _("Да, оставлю контакты")),
        ],
        initial="anonymous",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Выберите, можно ли с вами связаться"),
            "invalid_choice": _("Выберите один из вариантов в списке"),
        },
    )
    contact_name = forms.CharField(
        label=_("Как к вам обращаться"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"max_length": _("Имя должно быть не длиннее 100 знаков")},
    )
    contact_phone = forms.CharField(
        label=_("Телефон"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "tel"}),
        error_messages={"max_length": _("Телефон должен быть не длиннее 30 знаков")},
    )
    contact_email = forms.CharField(
        label=_("Электронная почта"),
        max_length=254,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "type": "email", "spellcheck": "false"}
        ),
        error_messages={"max_length": _("Адрес почты должен быть не длиннее 254 знаков")},
    )

    def __init__(self, *args, districts: list[District] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if districts is None:
            districts = list(District.objects.only("pk", "name", "name_en").order_by("name"))
        # In the visitor's language, in its alphabetical order.
        named = sorted((d.local_name, str(d.pk)) for d in districts)
        self.district_names = {pk: name for name, pk in named}
        self.fields["district"].choices = district_choices(self.district_names)
        if settings.RECAPTCHA_ENABLED:
            from .recaptcha import OptionalReCaptchaField

            self.fields["captcha"] = OptionalReCaptchaField(label=_("Проверка"))

    def clean_description(self) -> str:
        return required_text(self, "description", _("Опишите, что вас беспокоит"))

    def clean_place(self) -> str:
        return cleaned_text(self, "place")

    def clean_children_ages(self) -> str:
        return cleaned_text(self, "children_ages")

    def clean_contact_name(self) -> str:
        return cleaned_text(self, "contact_name")

    def clean_contact_phone(self) -> str:
        return check_phone(cleaned_text(self, "contact_phone"))

    def clean_contact_email(self) -> str:
        value = cleaned_text(self, "contact_email")
        if value:
            try:
                EmailValidator()(value)
            except forms.ValidationError as exc:
                raise forms.ValidationError(
                    _("Введите адрес почты в формате name@example.ru"), code="invalid"
                ) from exc
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        preference = data.get("contact_preference")
        given = [name for name in CONTACT_FIELDS if data.get(name)]
        if preference == "anonymous" and given:
            # Without JavaScript the contact fields are always visible: never drop what
            # someone typed, ask instead.
            self.add_error(
                "contact_preference",
                _(
                    "Вы выбрали «остаться анонимным», но указали контакты: выберите «Да, "
                    "оставлю контакты» или сотрите их"
                ),
            )
        reachable = data.get("contact_phone") or data.get("contact_email")
        invalid = "contact_phone" in self.errors or "contact_email" in self.errors
        if preference == "contact" and not reachable and not invalid:
            self.add_error(
                "contact_phone",
                _("Укажите телефон или электронную почту, чтобы с вами могли связаться"),
            )
        return data

    def required_questions(self) -> list[str]:
        """The labels of the questions a person must answer (the hint lists these, so it
        cannot drift from the form). A question with a pre-chosen answer needs nothing."""
        return [
            str(field.label)
            for field in self.fields.values()
            if field.required and field.initial in (None, "")
        ]

    # --- what the check page shows ---

    def district_label(self, value: str) -> str:
        if value == DISTRICT_UNKNOWN:
            return str(_("Не знаю"))
        return self.district_names.get(value, "")


def answers_from(cleaned: dict[str, Any]) -> dict[str, str]:
    """The serialisable answers the check page carries (strings only)."""
    return {name: str(cleaned.get(name) or "") for name in ANSWER_FIELDS}


def has_contact(answers: dict[str, str]) -> bool:
    return answers.get("contact_preference") == "contact" and any(
        answers.get(name) for name in CONTACT_FIELDS
    )


class ConsentForm(GovukErrorsMixin, forms.Form):
    """Asked on the check page only when contact details were given."""

    consent = forms.BooleanField(
        label=_(
            "Я согласен(на) на обработку моих персональных данных (имени и контактов), "
            "чтобы специалисты могли связаться со мной по этому сообщению"
        ),
        error_messages={
            "required": _("Подтвердите согласие на обработку контактов или вернитесь и сотрите их")
        },
    )


class StatusLookupForm(GovukErrorsMixin, forms.Form):
    code = forms.CharField(
        label=_("Код обращения"),
        help_text=_("16 цифр, которые вы получили после отправки. Пробелы можно не вводить."),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "input input--code",
            }
        ),
        error_messages={
            "required": _("Введите код обращения"),
            "max_length": _("Код обращения — это 16 цифр"),
        },
    )

    def clean_code(self) -> str:
        """The 16 digits; a code of another shape is explained and never looked up
        (so it does not count against the allowance of wrong codes)."""
        code = normalise_code(self.cleaned_data.get("code") or "")
        if code is None:
            raise forms.ValidationError(
                _("Код обращения — это 16 цифр. Проверьте, что введены все цифры и только они"),
                code="invalid",
            )
        return code


class FollowUpForm(GovukErrorsMixin, forms.Form):
    body = forms.CharField(
        label=_("Дополнить сообщение или ответить специалистам"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}),
        strip=False,
        error_messages={
            "required": _("Напишите сообщение"),
            "max_length": _(
                "Сообщение длиннее, чем можно: %(show_value)d знаков, а можно %(limit_value)d. "
                "Сократите его — ваш текст остался в поле"
            ),
        },
    )

    def clean_body(self) -> str:
        return required_text(self, "body", _("Напишите сообщение"))


# --- Staff inbox --------------------------------------------------------------------------


class SeenField(forms.CharField):
    """What the staff member's page showed when it was loaded (a hidden field).

    Changes are merged against it, so that nobody overwrites, unseen, what a colleague
    changed meanwhile (``services.Conflict``).
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs) -> None:
        super().__init__(required=False, max_length=40, **kwargs)


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("Новый статус"), choices=Status.choices, widget=Select)
    outcome = forms.ChoiceField(
        label=_("Итог (при закрытии)"),
        choices=[("", "—"), *Outcome.choices],
        required=False,
        widget=Select,
    )
    seen_status = SeenField()
    seen_reply = SeenField()  # id of the newest reporter message shown, 0 for none

    def __init__(self, *args, report=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.report = report
        if report is not None:
            # The choices the person's page offered: whether the report moved on
            # meanwhile is the service's question, answered with a clear message.
            seen = self.data.get("seen_status") if self.is_bound else None
            if seen in Status.values and seen != report.status and not report.purged_at:
                self.fields["status"].choices = [
                    (s, Status(s).label) for s in TRANSITIONS[Status(seen)]
                ]
            else:
                self.fields["status"].choices = report.allowed_transitions()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("status") == Status.CLOSED and not data.get("outcome"):
            self.add_error("outcome", _("Укажите итог, чтобы закрыть обращение"))
        return data


class AssignForm(forms.Form):
    assignee = ListedModelChoiceField(
        label=_("Исполнитель"), queryset=None, required=False, empty_label=_("— никто —")
    )
    urgent = forms.BooleanField(label=_("Срочное"), required=False)
    seen_assignee = SeenField()  # user id, or "none"
    seen_urgent = SeenField()  # "1" or "0"

    def __init__(self, *args, users=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = users


class StaffTextForm(forms.Form):
    body = forms.CharField(
        label=_("Текст"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    seen_log = SeenField()  # id of the newest audit-log entry of the page

    def clean_body(self) -> str:
        return required_text(self, "body", _("Напишите текст"))
