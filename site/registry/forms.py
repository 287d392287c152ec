"""The short «Сообщить об ошибке в записи» form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CorrectionForm(forms.Form):
    description = forms.CharField(
        label=_("Что в записи неверно или устарело?"),
        help_text=_("Например: «сменился телефон», «служба переехала». Не пишите личных данных."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "input registry-textarea"}),
        error_messages={
            "required": _("Опишите, что неверно в записи"),
            "max_length": _("Не больше %(limit_value)d символов (сейчас %(show_value)d)"),
        },
    )
    contact = forms.CharField(
        label=_("Как с вами связаться (необязательно)"),
        help_text=_("Телефон или почта, если хотите, чтобы редактор ответил"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"class": "input", "autocomplete": "email"}),
        error_messages={"max_length": _("Не больше %(limit_value)d символов")},
    )

    def clean_description(self) -> str:
        text = " ".join(self.cleaned_data["description"].split(" ")).strip()
        if len(text) < 5:
            raise forms.ValidationError(_("Опишите ошибку чуть подробнее"))
        return text
