"""Districts: where a family lives and a service works.

A district is a reference row (places, service areas, news and reports point at it),
so its names in another language are columns of that row rather than a second,
translated row as for kinds and services: ``name_en`` and ``region_en``, shown to
English visitors, with the source (Russian) name standing in while they are empty,
as an untranslated kind or service does (``TaxonomyQuerySet.localized_map``,
``queries.in_language``). Filters, slugs and the HSDS exchange keep the source names.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language, get_supported_language_variant
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
    name_en = models.CharField(
        _("Название по-английски"),
        max_length=200,
        blank=True,
        help_text=_("Для английской версии сайта, например «Sokolsky Okrug». Пусто — по-русски"),
    )
    region_en = models.CharField(
        _("Субъект РФ по-английски"),
        max_length=200,
        blank=True,
        help_text=_("Например «Vologda Oblast». Пусто — по-русски"),
    )
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
        index.SearchField("name_en"),
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

    def translated(self, field: str, language: str | None = None) -> str:
        """`field` ("name" or "region") in `language` (default: the active one), or the
        source-language value when there is no translation."""
        source = get_supported_language_variant(settings.LANGUAGE_CODE)
        language = get_supported_language_variant(language or get_language() or source)
        if language != source:
            value = getattr(self, f"{field}_{language}", "")
            if value:
                return value
        return getattr(self, field)

    @property
    def local_name(self) -> str:
        """The name in the visitor's language (templates show this, not ``name``)."""
        return self.translated("name")

    @property
    def local_region(self) -> str:
        """The region in the visitor's language."""
        return self.translated("region")
