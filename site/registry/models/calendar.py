"""The region's official calendar: non-working holidays, transferred days off and the
Saturdays that are worked instead (the Russian production calendar), year by year.

It applies to every service that is not round the clock, unless the service has its
own special day (``ScheduleException``) for that date: the rules are in ``registry.hours``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from .schedules import Weekday


class CalendarDay(models.Model):
    """One date of the official calendar that differs from an ordinary week."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Нерабочий праздничный день")
        DAY_OFF = "day_off", _("Выходной день (перенос)")
        WORKING = "working", _("Рабочий день (перенос)")

    date = models.DateField(_("Дата"), unique=True)
    kind = models.CharField(_("Что за день"), max_length=16, choices=Kind.choices)
    name = models.CharField(
        _("Название"),
        max_length=200,
        blank=True,
        help_text=_("Например, «Новогодние каникулы», «День Победы»"),
    )
    name_en = models.CharField(_("Название по-английски"), max_length=200, blank=True)
    works_as_weekday = models.PositiveSmallIntegerField(
        _("Работают как в"),
        choices=Weekday.choices,
        null=True,
        blank=True,
        help_text=_(
            "Для рабочего дня (переноса): по часам какого дня недели работают службы. "
            "Пусто — по часам понедельника."
        ),
    )
    source = models.CharField(
        _("Основание"),
        max_length=255,
        blank=True,
        help_text=_("Например, «ТК РФ, ст. 112» или постановление Правительства о переносе"),
    )
    is_demo = models.BooleanField(_("Демонстрационные данные"), default=False)

    panels = [
        FieldRowPanel([FieldPanel("date"), FieldPanel("kind")]),
        FieldRowPanel([FieldPanel("name"), FieldPanel("name_en")]),
        FieldPanel("works_as_weekday"),
        FieldPanel("source"),
        FieldPanel("is_demo"),
    ]

    class Meta:
        ordering = ["date"]
        verbose_name = _("День производственного календаря")
        verbose_name_plural = _("Праздники и переносы")

    def __str__(self) -> str:
        label = self.display_name or self.get_kind_display()
        return f"{self.date:%d.%m.%Y} — {label}"

    def clean(self) -> None:
        super().clean()
        if self.works_as_weekday is not None and self.kind != self.Kind.WORKING:
            raise ValidationError(
                {"works_as_weekday": _("День недели указывают только для рабочего дня")}
            )

    @property
    def closes_services(self) -> bool:
        """A non-working day: services that are not round the clock do not work."""
        return self.kind in (self.Kind.HOLIDAY, self.Kind.DAY_OFF)

    @property
    def hours_weekday(self) -> int | None:
        """Whose weekday's hours apply on a working day (Monday when not stated)."""
        if self.kind != self.Kind.WORKING:
            return None
        return Weekday.MONDAY if self.works_as_weekday is None else self.works_as_weekday

    @property
    def display_name(self) -> str:
        """The name in the page's language (the Russian one when no English is given)."""
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name
