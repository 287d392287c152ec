"""Districts: where a family lives and a service works."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from .common import HSDSIdentifiedMixin


class District(HSDSIdentifiedMixin, index.Indexed, models.Model):
    """A municipal district or a city district: where a family lives and a service works."""

    class Kind(models.TextChoices):
        MUNICIPAL_DISTRICT = "municipal_district", _("Муниципальный район")
        MUNICIPAL_OKRUG = "municipal_okrug", _("Муниципальный округ")
        CITY_OKRUG = "city_okrug", _("Городской округ")
        CITY_DISTRICT = "city_district", _("Район города")

    name = models.CharField(_("Название"), max_length=200)
    slug = models.SlugField(_("Адрес (slug)"), max_length=200, unique=True)
    kind = models.CharField(
        _("Тип"), max_length=32, choices=Kind.choices, default=Kind.MUNICIPAL_DISTRICT
    )
    region = models.CharField(_("Субъект РФ"), max_length=200)
    latitude = models.FloatField(
        _("Широта центра"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("Долгота центра"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    outline = models.JSONField(_("Граница (GeoJSON)"), null=True, blank=True)

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("region"),
        index.FilterField("region"),
        index.FilterField("kind"),
    ]

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("Район")
        verbose_name_plural = _("Районы")

    def __str__(self) -> str:
        return self.name
