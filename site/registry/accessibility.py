"""Accessibility of a service's place as codes (HSDS 3 ``accessibility`` on a location).

Free text cannot be filtered: «можно ли с коляской?» needs a yes. Each code has a
label (shown next to a decorative icon, never the icon alone), exported as an HSDS
row's description and read back on import by its code or label only: guessing from
other people's free text («нет пандуса») could claim what is not there. The
place's free-text note stays as the details.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override


@dataclass(frozen=True)
class Feature:
    code: str
    label: Promise
    source_label: str  # the Russian label, as exported in HSDS (read back on import)

    @property
    def icon(self) -> str:
        """The self-hosted SVG under the registry's static files."""
        return f"registry/img/access-{self.code}.svg"


FEATURES: tuple[Feature, ...] = (
    Feature(
        "wheelchair",
        _("Вход без ступенек, доступно на коляске"),
        "Вход без ступенек, доступно на коляске",
    ),
    Feature(
        "toilet",
        _("Туалет для людей с инвалидностью"),
        "Туалет для людей с инвалидностью",
    ),
    Feature(
        "hearing_loop",
        _("Индукционная петля для слуховых аппаратов"),
        "Индукционная петля для слуховых аппаратов",
    ),
    Feature(
        "sign_language",
        _("Переводчик русского жестового языка (РЖЯ)"),
        "Переводчик русского жестового языка (РЖЯ)",
    ),
    Feature(
        "easy_read",
        _("Материалы на простом языке"),
        "Материалы на простом языке",
    ),
    Feature(
        "blind",
        _("Помощь незрячим и слабовидящим"),
        "Помощь незрячим и слабовидящим",
    ),
    Feature(
        "parking",
        _("Парковка для людей с инвалидностью"),
        "Парковка для людей с инвалидностью",
    ),
)
BY_CODE: dict[str, Feature] = {feature.code: feature for feature in FEATURES}
CHOICES: list[tuple[str, Promise]] = [(feature.code, feature.label) for feature in FEATURES]


def ordered(codes: object) -> list[Feature]:
    """The known codes among ``codes`` in the vocabulary's order (junk ignored)."""
    chosen = set(codes) if isinstance(codes, list | tuple | set) else set()
    return [feature for feature in FEATURES if feature.code in chosen]


def recognise(text: str) -> str | None:
    """The code an HSDS description names exactly (its code, or its label in Russian or
    English), or None: then it is free text."""
    folded = " ".join(text.split()).casefold()
    for feature in FEATURES:
        with override("en"):
            english = str(feature.label).casefold()
        names = {feature.code, feature.source_label.casefold(), english}
        if folded in names:
            return feature.code
    return None


def validate_codes(value: object) -> None:
    """A list of known codes, each once (imports and the API go through it too)."""
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Ожидается список кодов доступности"), code="invalid")
    unknown = [code for code in value if code not in BY_CODE]
    if unknown:
        raise ValidationError(
            _("Неизвестные коды доступности: %(codes)s"),
            code="invalid_choice",
            params={"codes": ", ".join(unknown)},
        )


class AccessibilityCodesField(models.JSONField):
    """A list of codes in a JSON column (SQLite has no arrays), edited as checkboxes."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("validators", [validate_codes])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            label=self.verbose_name,
            help_text=self.help_text,
            choices=CHOICES,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
