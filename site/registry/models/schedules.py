"""Weekly opening hours and dated exceptions (holidays, special days)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import get_serializable_data_for_fields, model_from_serializable_data
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
)
from wagtail.models import (
    TranslatableMixin,
)

from .common import HSDSIdentifiedMixin


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Понедельник")
    TUESDAY = 1, _("Вторник")
    WEDNESDAY = 2, _("Среда")
    THURSDAY = 3, _("Четверг")
    FRIDAY = 4, _("Пятница")
    SATURDAY = 5, _("Суббота")
    SUNDAY = 6, _("Воскресенье")


ICAL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class Schedule(HSDSIdentifiedMixin, models.Model):
    """Weekly opening hours: one period on one weekday; several rows for a lunch break.

    A period whose closing time is not after its opening time runs past midnight
    (22:00–02:00 on Friday ends at 02:00 on Saturday); 00:00–00:00 is the whole day.
    """

    service = ParentalKey("Service", on_delete=models.CASCADE, related_name="schedules")
    location = models.ForeignKey(
        "Location",
        verbose_name=_("Место"),
        on_delete=models.CASCADE,
        related_name="schedules",
        null=True,
        blank=True,
        help_text=_(
            "Пусто — общие часы службы. Место, у которого есть свои часы, работает только "
            "по ним; остальные места — по общим часам"
        ),
    )
    weekday = models.PositiveSmallIntegerField(_("День недели"), choices=Weekday.choices)
    opens_at = models.TimeField(_("С"))
    closes_at = models.TimeField(_("До"), help_text=_("Меньше времени начала — после полуночи"))

    panels = [
        FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens_at"), FieldPanel("closes_at")]),
        FieldPanel("location"),
    ]

    class Meta:
        ordering = ["weekday", "opens_at", "pk"]
        verbose_name = _("Часы работы")
        verbose_name_plural = _("Часы работы")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def clean(self) -> None:
        super().clean()
        if self.location_id is not None and self.location.service_id != self.service_id:
            raise ValidationError(
                {"location": _("Это место другой службы: выберите одно из мест этой службы")}
            )

    @property
    def ical_byday(self) -> str:
        """RFC 5545 day code for HSDS ``byday``."""
        return ICAL_DAYS[self.weekday]

    # A draft may add a place and its hours together: the place has no id yet, so the
    # revision names it by its translation key (``Service.from_serializable_data`` links
    # the row back to it, and ``Service.save`` once the place is a row).

    def serializable_data(self) -> dict:
        data = get_serializable_data_for_fields(self)
        place = self.location if Schedule.location.is_cached(self) else None
        if place is not None and place.pk is None:
            data["place_key"] = str(place.translation_key)
        return data

    @classmethod
    def from_serializable_data(cls, data, check_fks=True, strict_fks=False) -> Schedule | None:
        obj = model_from_serializable_data(cls, data, check_fks=check_fks, strict_fks=strict_fks)
        if obj is not None:
            obj.place_key = data.get("place_key")
        return obj


class ScheduleException(HSDSIdentifiedMixin, TranslatableMixin, models.Model):
    """Dated exception to the weekly hours: holidays, a closure, special hours."""

    service = ParentalKey("Service", on_delete=models.CASCADE, related_name="schedule_exceptions")
    start_date = models.DateField(_("С даты"))
    end_date = models.DateField(
        _("По дату"), null=True, blank=True, help_text=_("Пусто — один день")
    )
    is_closed = models.BooleanField(_("Не работает"), default=True)
    opens_at = models.TimeField(_("Работает с"), null=True, blank=True)
    closes_at = models.TimeField(_("Работает до"), null=True, blank=True)
    description = models.CharField(
        _("Пояснение"),
        max_length=255,
        blank=True,
        help_text=_(
            "Например, «Санитарный день». Общие праздники и переносы задают в «Реестр "
            "помощи → Праздники и переносы»: здесь — только особые дни этой службы."
        ),
    )

    panels = [
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldRowPanel([FieldPanel("is_closed"), FieldPanel("opens_at"), FieldPanel("closes_at")]),
        FieldPanel("description"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["start_date", "pk"]
        verbose_name = _("Особый день")
        verbose_name_plural = _("Особые дни")

    def __str__(self) -> str:
        return self.description or f"{self.start_date:%d.%m.%Y}"

    def clean(self) -> None:
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Дата окончания раньше даты начала")})
        if not self.is_closed and (self.opens_at is None or self.closes_at is None):
            raise ValidationError(
                _("Укажите часы работы в этот день или отметьте «Не работает»"), code="hours"
            )

    @property
    def last_date(self) -> dt.date:
        return self.end_date or self.start_date

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.last_date
