"""Organisations that provide services."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
)
from wagtail.models import (
    TranslatableMixin,
)
from wagtail.search import index

from .common import HSDSIdentifiedMixin


class Organization(HSDSIdentifiedMixin, TranslatableMixin, index.Indexed, ClusterableModel):
    """The body that provides services (a social service centre, a school, an NGO).

    Its phones (``OrganizationPhone``) are edited inline and translated with it.
    """

    name = models.CharField(_("Полное название"), max_length=500)
    alternate_name = models.CharField(
        _("Краткое название"), max_length=255, blank=True, help_text=_("Например, «КЦСОН»")
    )
    legal_status = models.CharField(
        _("Организационно-правовая форма"),
        max_length=255,
        blank=True,
        help_text=_("Например, «государственное автономное учреждение»"),
    )
    description = models.TextField(_("Описание"), blank=True)
    website = models.URLField(_("Сайт"), blank=True)
    email = models.EmailField(_("Электронная почта"), blank=True)
    external_id = models.CharField(
        _("Внешний идентификатор"),
        max_length=255,
        blank=True,
        help_text=_("Идентификатор в источнике импорта: повторный импорт обновит запись"),
    )
    is_demo = models.BooleanField(_("Демонстрационные данные"), default=False)
    modified = models.DateTimeField(_("Изменено"), auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("alternate_name"), FieldPanel("legal_status")]),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("website"), FieldPanel("email")]),
        InlinePanel("phones", heading=_("Телефоны"), label=_("Телефон")),
        FieldRowPanel([FieldPanel("external_id"), FieldPanel("is_demo")]),
    ]

    search_fields = [
        index.SearchField("name", boost=2),
        index.AutocompleteField("name"),
        index.SearchField("alternate_name"),
        index.SearchField("description"),
        index.FilterField("locale"),
        index.FilterField("external_id"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        verbose_name = _("Организация")
        verbose_name_plural = _("Организации")
        constraints = [
            models.UniqueConstraint(
                fields=["external_id", "locale"],
                condition=~Q(external_id=""),
                name="registry_organization_unique_external_id",
            )
        ]

    def __str__(self) -> str:
        return self.alternate_name or self.name

    def phones_display(self) -> str:
        """The numbers, comma-separated, for the admin listing and export (uses prefetch)."""
        return ", ".join(phone.number for phone in self.phones.all())
