"""Numbers to call: a service's and an organisation's."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
)
from wagtail.models import (
    Orderable,
    TranslatableMixin,
)

from safechildhood.core.phones import tel_href

from .common import HSDSIdentifiedMixin
from .organizations import Organization


class AbstractPhone(HSDSIdentifiedMixin, TranslatableMixin, Orderable):
    """A number to call (HSDS ``phone``); the kind says when to use it.

    Shared by a service's phones (``Phone``) and an organisation's
    (``OrganizationPhone``): the same fields, form and display.
    """

    class Kind(models.TextChoices):
        HOTLINE = "hotline", _("Горячая линия")
        DAYTIME = "daytime", _("Днём, в рабочее время")
        OUT_OF_HOURS = "out_of_hours", _("Вечером, ночью и в выходные")
        MOBILE = "mobile", _("Мобильный")

    number = models.CharField(_("Номер"), max_length=50)
    kind = models.CharField(_("Вид"), max_length=20, choices=Kind.choices, default=Kind.DAYTIME)
    description = models.CharField(
        _("Пояснение"), max_length=255, blank=True, help_text=_("Например, «бесплатно по России»")
    )

    panels = [
        FieldRowPanel([FieldPanel("number"), FieldPanel("kind")]),
        FieldPanel("description"),
    ]

    class Meta(TranslatableMixin.Meta):
        abstract = True
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.number

    @property
    def href(self) -> str:
        """`8 (8172) 00-00-00` → `tel:88172000000`."""
        return tel_href(self.number)


class Phone(AbstractPhone):
    """A service's phone."""

    service = ParentalKey("Service", on_delete=models.CASCADE, related_name="phones")

    class Meta(AbstractPhone.Meta):
        verbose_name = _("Телефон")
        verbose_name_plural = _("Телефоны")


class OrganizationPhone(AbstractPhone):
    """An organisation's phone (its reception, the director's office...)."""

    organization = ParentalKey(Organization, on_delete=models.CASCADE, related_name="phones")

    class Meta(AbstractPhone.Meta):
        verbose_name = _("Телефон")
        verbose_name_plural = _("Телефоны")
