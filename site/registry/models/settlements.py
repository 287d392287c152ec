"""The gazetteer: settlements a visitor may type («Кадников», «п. Чагода») with their points.

A place typed in the registry's box becomes a district filter and a point to measure
distances from (``registry.gazetteer`` reads the words; ``registry.queries`` orders).
Editors keep the list in the admin or import it from CSV (``manage.py import_settlements``).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from .common import make_slug
from .districts import District


class Settlement(models.Model):
    """A town, settlement, village: where a family lives, with the district it belongs to."""

    class Kind(models.TextChoices):
        CITY = "city", _("город")
        URBAN = "urban", _("посёлок городского типа")
        SETTLEMENT = "settlement", _("посёлок")
        SELO = "selo", _("село")
        VILLAGE = "village", _("деревня")
        OTHER = "other", _("другой населённый пункт")

    name = models.CharField(_("Название"), max_length=200)
    slug = models.SlugField(
        _("Адрес (slug)"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("Пусто — составится из названия (и района, если название уже занято)"),
    )
    kind = models.CharField(_("Тип"), max_length=16, choices=Kind.choices, default=Kind.VILLAGE)
    district = models.ForeignKey(
        District, verbose_name=_("Район"), on_delete=models.PROTECT, related_name="settlements"
    )
    latitude = models.FloatField(
        _("Широта"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("Долгота"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    other_names = models.TextField(
        _("Другие написания"),
        blank=True,
        help_text=_("Через «;» или с новой строки: прежние названия, сокращения, опечатки"),
    )
    is_demo = models.BooleanField(_("Демо-данные"), default=False)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("kind")]),
        FieldPanel("district"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        FieldPanel("other_names"),
        FieldPanel("slug"),
        FieldPanel("is_demo"),
    ]

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("Населённый пункт")
        verbose_name_plural = _("Населённые пункты")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = self._free_slug()
        super().save(*args, **kwargs)

    def spellings(self) -> list[str]:
        """The name and every other spelling, as editors wrote them."""
        others = self.other_names.replace("\n", ";").split(";")
        return [self.name, *(name.strip() for name in others if name.strip())]

    def _free_slug(self) -> str:
        """``kadnikov``; a second «Никольское» gets its district's slug appended."""
        taken = Settlement.objects.exclude(pk=self.pk)
        base = make_slug(self.name)
        if not taken.filter(slug=base).exists():
            return base
        slug = f"{base}-{self.district.slug}"[:200]
        number = 2
        while taken.filter(slug=slug).exists():
            slug = f"{base}-{self.district.slug}-{number}"[:200]
            number += 1
        return slug
