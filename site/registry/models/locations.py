"""Where a service receives people, and the districts it also serves."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
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

from ..accessibility import AccessibilityCodesField, Feature, ordered
from .common import HSDSIdentifiedMixin
from .districts import District


class Location(HSDSIdentifiedMixin, TranslatableMixin, Orderable):
    """Where the service receives people (HSDS ``location`` with its ``address``)."""

    service = ParentalKey("Service", on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(
        _("Название места"),
        max_length=255,
        blank=True,
        help_text=_("Например, «Отделение в с. Ям»"),
    )
    address = models.CharField(_("Адрес"), max_length=500, blank=True)
    postal_code = models.CharField(_("Индекс"), max_length=12, blank=True)
    district = models.ForeignKey(
        District,
        verbose_name=_("Район"),
        on_delete=models.PROTECT,
        related_name="locations",
        null=True,
        blank=True,
        help_text=_(
            "Пусто — район не определился при импорте: служба в списке «Без района», "
            "пока редактор его не укажет"
        ),
    )
    latitude = models.FloatField(
        _("Широта"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("Долгота"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    accessibility_codes = AccessibilityCodesField(
        _("Доступность"),
        help_text=_("Отметьте только то, что в этом месте точно есть"),
    )
    accessibility = models.TextField(
        _("Подробнее о доступности"),
        blank=True,
        help_text=_("Например, «пандус со двора, позвоните заранее»"),
    )
    transportation = models.TextField(_("Как добраться"), blank=True)
    is_confidential = models.BooleanField(
        _("Адрес конфиденциален"),
        default=False,
        help_text=_(
            "Приют, кризисный центр для женщин: на сайте, карте и в API будут только "
            "район и телефоны, без адреса и координат"
        ),
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("district")]),
        FieldRowPanel([FieldPanel("address"), FieldPanel("postal_code")]),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        FieldPanel("is_confidential"),
        FieldPanel("accessibility_codes"),
        FieldPanel("accessibility"),
        FieldPanel("transportation"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order", "pk"]
        verbose_name = _("Адрес службы")
        verbose_name_plural = _("Адреса служб")

    def __str__(self) -> str:
        return self.public_address() or str(self.district or "")

    def clean(self) -> None:
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Укажите обе координаты или ни одной"))
        if not self.is_confidential and not self.address.strip():
            raise ValidationError({"address": _("Укажите адрес или отметьте его конфиденциальным")})

    def public_name(self) -> str:
        """The place's own name, or ``""`` when confidential: «Приют «…»» identifies it too."""
        return "" if self.is_confidential else self.name

    def public_address(self) -> str:
        """The street address, or ``""`` when confidential."""
        return "" if self.is_confidential else self.address

    def public_postal_code(self) -> str:
        return "" if self.is_confidential else self.postal_code

    def public_transportation(self) -> str:
        return "" if self.is_confidential else self.transportation

    def public_accessibility(self) -> str:
        return "" if self.is_confidential else self.accessibility

    def public_features(self) -> list[Feature]:
        """The place's accessibility codes in order; none when confidential (like the note)."""
        return [] if self.is_confidential else ordered(self.accessibility_codes)

    def public_coordinates(self) -> tuple[float, float] | None:
        """Exact (lat, lon) for a map marker; ``None`` when confidential or unknown."""
        if self.is_confidential or self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)

    def approximate_coordinates(self) -> tuple[float, float] | None:
        """Safe to publish: the exact point, or the district's centre when confidential
        (None: confidential and no district yet)."""
        if self.public_coordinates():
            return self.public_coordinates()
        return (self.district.latitude, self.district.longitude) if self.district else None

    def public_label(self) -> str:
        """What to print for this place: the address, or «Район: …, адрес не раскрывается»."""
        if self.is_confidential:
            if self.district is None:
                return str(_("Адрес сообщают по телефону"))
            return str(
                _("%(district)s (адрес сообщают по телефону)")
                % {"district": self.district.local_name}
            )
        return self.address


class ServiceArea(HSDSIdentifiedMixin, Orderable):
    """A district the service also serves (mobile teams, hotlines, outreach)."""

    service = ParentalKey("Service", on_delete=models.CASCADE, related_name="service_areas")
    district = models.ForeignKey(
        District, verbose_name=_("Район"), on_delete=models.CASCADE, related_name="service_areas"
    )
    description = models.CharField(_("Пояснение"), max_length=255, blank=True)

    panels = [FieldRowPanel([FieldPanel("district"), FieldPanel("description")])]

    class Meta(Orderable.Meta):
        verbose_name = _("Район обслуживания")
        verbose_name_plural = _("Районы обслуживания")

    def __str__(self) -> str:
        return str(self.district)
