"""The service (HSDS ``service``): its fields, filters, admin panels and saving."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from modelsearch.tasks import insert_or_update_object_task
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from .. import geo, hours
from ..accessibility import Feature, ordered
from .common import HSDSIdentifiedMixin, default_locale_filter, make_slug
from .districts import District
from .locations import Location, ServiceArea
from .organizations import Organization
from .schedules import Schedule, ScheduleException
from .service_form import ServiceForm
from .taxonomy import ServiceKind, TargetGroup


def has_kind(code: str) -> Exists:
    """True for a service of the kind `code` (a filter, or an annotation on a list)."""
    return Exists(
        Service.kinds.through.objects.filter(service_id=OuterRef("pk"), servicekind__code=code)
    )


class ServiceQuerySet(SearchableQuerySetMixin, models.QuerySet):
    """Filters the public pages and the API compose. Each keeps the row count exact (no joins
    that duplicate services): multi-valued conditions are ``Exists`` subqueries."""

    def public(self) -> ServiceQuerySet:
        """Published and not closed for good (temporarily closed ones stay, with their alert)."""
        return self.filter(live=True).exclude(status=Service.Status.CLOSED)

    def serving_district(self, district: District | int) -> ServiceQuerySet:
        """Services with a location in the district or that serve it (service areas)."""
        district_id = district.pk if isinstance(district, District) else district
        return self.filter(
            Exists(Location.objects.filter(service=OuterRef("pk"), district_id=district_id))
            | Exists(ServiceArea.objects.filter(service=OuterRef("pk"), district_id=district_id))
        )

    def of_kind(self, code: str) -> ServiceQuerySet:
        return self.filter(has_kind(code))

    def for_target_group(self, code: str) -> ServiceQuerySet:
        return self.filter(
            Exists(
                Service.target_groups.through.objects.filter(
                    service_id=OuterRef("pk"), targetgroup__code=code
                )
            )
        )

    def open_at(self, moment: dt.datetime | None = None) -> ServiceQuerySet:
        """Open at `moment` (default now) in the site's time zone (rules: ``hours``)."""
        return self.filter(hours.open_condition(moment))

    def open_now(self) -> ServiceQuerySet:
        return self.open_at(None)

    def with_distance(
        self, latitude: float, longitude: float, max_km: float | None = None
    ) -> ServiceQuerySet:
        """Annotate ``distance_km`` and order nearest first (services without places last).

        ``distance_km`` is to the service's nearest public place (``None`` when it has
        none: confidential or unplaced locations, or only districts it serves). The
        order also counts public-safe points (``registry.geo``): a confidential place
        as its district's centre, and for a service with no location the centres of
        the districts it serves. ``max_km`` keeps services whose ordering point is
        within that radius.
        """
        own = Location.objects.filter(service=OuterRef("pk"))
        locations = geo.place_points(own)
        areas = geo.area_points(ServiceArea.objects.filter(service=OuterRef("pk")))
        # No bounding-box prefilter of the points: a place outside the box must still
        # keep its service from falling back to the districts it serves.

        def nearest(rows: models.QuerySet) -> Subquery:
            rows = geo.with_km(rows, latitude, longitude)
            return Subquery(rows.order_by("km").values("km")[:1], output_field=models.FloatField())

        qs = self.annotate(
            distance_km=nearest(geo.public_places(own)),
            _order_km=Coalesce(nearest(locations), nearest(areas)),
        )
        if max_km is not None:
            qs = qs.filter(_order_km__lte=max_km)
        return qs.order_by(F("_order_km").asc(nulls_last=True), "name", "pk")

    def with_public_related(self) -> ServiceQuerySet:
        """Everything a result card or a service page shows, in a constant number of queries."""
        today = timezone.localdate()
        return self.select_related("organization", "locale").prefetch_related(
            "kinds",
            "target_groups",
            models.Prefetch("locations", Location.objects.select_related("district")),
            models.Prefetch("service_areas", ServiceArea.objects.select_related("district")),
            "phones",
            "schedules",
            models.Prefetch(
                "schedule_exceptions",
                ScheduleException.objects.filter(
                    Q(end_date__gte=today - dt.timedelta(days=1))
                    | Q(end_date__isnull=True, start_date__gte=today - dt.timedelta(days=1))
                ),
            ),
        )

    def stale(self, days: int | None = None) -> ServiceQuerySet:
        """Not verified for `days` (default ``REGISTRY_STALE_AFTER_DAYS``), or never."""
        days = days if days is not None else settings.REGISTRY_STALE_AFTER_DAYS
        cutoff = timezone.localdate() - dt.timedelta(days=days)
        return self.filter(Q(assured_date__isnull=True) | Q(assured_date__lt=cutoff))


class Service(
    HSDSIdentifiedMixin,
    PreviewableMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    TranslatableMixin,
    index.Indexed,
    ClusterableModel,
):
    """A help service a family can turn to (HSDS ``service``)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Работает")
        TEMPORARILY_CLOSED = "temporarily_closed", _("Временно не работает")
        CLOSED = "closed", _("Закрыта")

    name = models.CharField(_("Название"), max_length=255)
    slug = models.SlugField(
        _("Адрес (slug)"),
        max_length=200,
        blank=True,
        help_text=_("Латиницей, для адреса страницы. Пусто — создаётся из названия."),
    )
    alternate_name = models.CharField(_("Другое название"), max_length=255, blank=True)
    description = models.TextField(
        _("Описание"), help_text=_("Чем служба помогает, простыми словами")
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("Организация"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services",
    )
    kinds = ParentalManyToManyField(
        ServiceKind,
        verbose_name=_("Виды помощи"),
        related_name="services",
        blank=True,
        limit_choices_to=default_locale_filter,
    )
    target_groups = ParentalManyToManyField(
        TargetGroup,
        verbose_name=_("Кому помогает"),
        related_name="services",
        blank=True,
        limit_choices_to=default_locale_filter,
    )
    url = models.URLField(_("Страница службы"), blank=True)
    email = models.EmailField(_("Электронная почта"), blank=True)

    eligibility_description = models.TextField(_("Кто может обратиться"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(
        _("Возраст от"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    maximum_age = models.PositiveSmallIntegerField(
        _("Возраст до"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    application_process = models.TextField(_("Как обратиться"), blank=True)
    is_free = models.BooleanField(_("Бесплатно"), default=True)
    fees_description = models.TextField(
        _("Стоимость"), blank=True, help_text=_("Если помощь платная или платная частично")
    )
    languages = models.CharField(
        _("Языки"),
        max_length=255,
        blank=True,
        default="русский",
        help_text=_("Через запятую, например «русский, татарский»"),
    )
    interpretation_services = models.TextField(_("Перевод (в т. ч. жестовый)"), blank=True)
    accessibility = models.TextField(_("Доступность для людей с инвалидностью"), blank=True)

    status = models.CharField(
        _("Состояние"), max_length=32, choices=Status.choices, default=Status.ACTIVE
    )
    alert = models.CharField(
        _("Срочное объявление"),
        max_length=300,
        blank=True,
        help_text=_("Например, «Закрыто на праздники до 10 января»"),
    )
    alert_until = models.DateField(
        _("Показывать объявление до"),
        null=True,
        blank=True,
        help_text=_("Включительно. Пусто — пока не удалите"),
    )
    is_24_7 = models.BooleanField(
        _("Круглосуточно, без выходных"),
        default=False,
        help_text=_("Экстренная служба: всегда показывается как открытая"),
    )

    assured_date = models.DateField(
        _("Проверено"), null=True, blank=True, help_text=_("Когда данные сверены со службой")
    )
    assurer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Кто проверил"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assurer_name = models.CharField(
        _("Кто проверил (текстом)"),
        max_length=255,
        blank=True,
        help_text=_("Если проверял не редактор сайта"),
    )
    assurer_email = models.EmailField(_("Почта проверившего"), blank=True)

    external_id = models.CharField(
        _("Внешний идентификатор"),
        max_length=255,
        blank=True,
        help_text=_("Идентификатор в источнике импорта: повторный импорт обновит запись"),
    )
    is_demo = models.BooleanField(_("Демонстрационные данные"), default=False)
    modified = models.DateTimeField(_("Изменено"), auto_now=True)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="registry_service")

    # Indexed from save() instead of post_save (see there); removed by the handler below.
    search_auto_update = False

    objects = ServiceQuerySet.as_manager()

    search_fields = [
        index.SearchField("name", boost=4),
        index.AutocompleteField("name"),
        index.SearchField("alternate_name", boost=2),
        index.SearchField("description"),
        index.SearchField("eligibility_description"),
        index.SearchField("alert"),
        index.SearchField("district_names", boost=2),
        index.RelatedFields(
            "organization",
            [index.SearchField("name"), index.SearchField("alternate_name")],
        ),
        index.RelatedFields(
            "kinds",
            [
                index.SearchField("name", boost=3),
                index.SearchField("keywords", boost=2),
                index.FilterField("code"),
            ],
        ),
        index.RelatedFields(
            "target_groups",
            [index.SearchField("name"), index.SearchField("keywords"), index.FilterField("code")],
        ),
        index.FilterField("id"),
        index.FilterField("slug"),
        index.FilterField("live"),
        index.FilterField("status"),
        index.FilterField("locale"),
        index.FilterField("is_24_7"),
        index.FilterField("is_free"),
        index.FilterField("organization"),
        index.FilterField("assured_date"),
        index.FilterField("modified"),
        index.FilterField("external_id"),
    ]

    # A provider account sees only its own organisations (``registry.admin_forms``); each
    # hours row names one of this service's places (``service_form``).
    base_form_class = ServiceForm
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("name"),
                    FieldPanel("slug"),
                    FieldPanel("organization"),
                    FieldPanel("description"),
                    FieldRowPanel([FieldPanel("status"), FieldPanel("is_24_7")]),
                    MultiFieldPanel(
                        [FieldPanel("alert"), FieldPanel("alert_until")],
                        heading=_("Срочное объявление"),
                    ),
                    FieldPanel("kinds", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("target_groups", widget=forms.CheckboxSelectMultiple),
                    InlinePanel("phones", heading=_("Телефоны"), label=_("Телефон")),
                    FieldRowPanel([FieldPanel("email"), FieldPanel("url")]),
                ],
                heading=_("Служба"),
            ),
            ObjectList(
                [
                    InlinePanel("locations", heading=_("Адреса"), label=_("Адрес")),
                    InlinePanel(
                        "service_areas",
                        heading=_("Обслуживает также районы"),
                        label=_("Район"),
                    ),
                ],
                heading=_("Где"),
            ),
            ObjectList(
                [
                    InlinePanel("schedules", heading=_("Часы работы"), label=_("Период")),
                    InlinePanel(
                        "schedule_exceptions",
                        heading=_("Особые дни (праздники)"),
                        label=_("Особый день"),
                    ),
                ],
                heading=_("Когда"),
            ),
            ObjectList(
                [
                    FieldPanel("eligibility_description"),
                    FieldRowPanel([FieldPanel("minimum_age"), FieldPanel("maximum_age")]),
                    FieldPanel("application_process"),
                    FieldRowPanel([FieldPanel("is_free"), FieldPanel("fees_description")]),
                    FieldPanel("languages"),
                    FieldPanel("interpretation_services"),
                    FieldPanel("accessibility"),
                ],
                heading=_("Условия"),
            ),
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("assured_date"), FieldPanel("assurer")]),
                    FieldRowPanel([FieldPanel("assurer_name"), FieldPanel("assurer_email")]),
                    FieldRowPanel([FieldPanel("external_id"), FieldPanel("is_demo")]),
                ],
                heading=_("Проверка"),
            ),
        ]
    )

    class Meta(TranslatableMixin.Meta):
        ordering = ["name", "pk"]
        verbose_name = _("Служба помощи")
        verbose_name_plural = _("Службы помощи")
        # The same slug in every language: /services/<slug>/ and /en/services/<slug>/.
        unique_together = [("translation_key", "locale"), ("slug", "locale")]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id", "locale"],
                condition=~Q(external_id=""),
                name="registry_service_unique_external_id",
            )
        ]
        indexes = [models.Index(fields=["live", "status"], name="registry_service_public")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The public page in the entry's own language (`/services/<slug>/`, `/en/services/…`).

        Reads ``self.locale``: select it with the service when listing many.
        """
        from django.urls import reverse
        from django.utils.translation import override

        with override(self.locale.language_code):
            return reverse("registry:detail", kwargs={"slug": self.slug})

    @classmethod
    def get_indexed_objects(cls) -> ServiceQuerySet:
        # `district_names` reads these: one query per chunk instead of per service.
        return (
            super()
            .get_indexed_objects()
            .prefetch_related(
                models.Prefetch("locations", Location.objects.select_related("district")),
                models.Prefetch("service_areas", ServiceArea.objects.select_related("district")),
            )
        )

    # --- validation and saving ---

    def clean(self) -> None:
        super().clean()
        if (
            self.minimum_age is not None
            and self.maximum_age is not None
            and self.minimum_age > self.maximum_age
        ):
            raise ValidationError(
                {"maximum_age": _("Возраст «до» меньше возраста «от»")}, code="age_range"
            )
        if not self.is_free and not self.fees_description.strip():
            raise ValidationError(
                {"fees_description": _("Опишите, сколько стоит помощь, или отметьте «Бесплатно»")}
            )
        if self.alert_until and not self.alert.strip():
            raise ValidationError({"alert": _("Укажите текст объявления")})

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = self._unique_slug()
        fields = kwargs.get("update_fields")
        # Saving a revision's bookkeeping commits no hours: their places stay as they are.
        pending = self._detach_places() if fields is None or "schedules" in fields else []
        super().save(*args, **kwargs)
        for schedule, place in pending:
            schedule.location = place
            if place.pk is not None:
                schedule.save(update_fields=["location"])
        # Index only now: ClusterableModel commits kinds, locations and areas after
        # the row itself, and the search document includes them.
        insert_or_update_object_task.enqueue(
            self._meta.app_label, self._meta.model_name, str(self.pk)
        )

    def _detach_places(self) -> list[tuple[Schedule, Location]]:
        """Hours rows whose place is saved in this same save (a new place, or the place's
        copy in a translation), unlinked until the places have ids: modelcluster saves
        the hours before the places. A translation's rows move to the copied place."""
        rows = getattr(self, "_cluster_related_objects", {}).get("schedules", [])
        named = [s for s in rows if s.location_id or Schedule.location.is_cached(s) and s.location]
        if not named:
            return []
        places = list(self.locations.all())
        saved = {place.pk for place in places if place.pk}
        by_key = {place.translation_key: place for place in places}
        pending = []
        for schedule in named:
            if schedule.location_id in saved:
                continue
            target = by_key.get(schedule.location.translation_key)  # the place saved now
            schedule.location = None
            if target is not None:
                pending.append((schedule, target))
        return pending

    @classmethod
    def from_serializable_data(cls, data, check_fks=True, strict_fks=False) -> Service | None:
        """A revision (a draft, or the one being published) gives each hours row back the
        place it names, also a place the draft adds (no row yet: named by its key)."""
        obj = super().from_serializable_data(data, check_fks=check_fks, strict_fks=strict_fks)
        if obj is None or "schedules" not in data:
            return obj
        places = {str(place.translation_key): place for place in obj.locations.all()}
        for schedule in obj.schedules.all():
            place = places.get(getattr(schedule, "place_key", None) or "")
            if place is not None:
                schedule.location = place
        return obj

    def _unique_slug(self) -> str:
        base = make_slug(self.name, 190)
        taken = set(
            Service.objects.filter(slug__startswith=base, locale_id=self.locale_id)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        return slug

    # --- display helpers ---

    @property
    def current_alert(self) -> str:
        """The alert text if it should be shown today, else ``""``."""
        if not self.alert:
            return ""
        if self.alert_until and self.alert_until < timezone.localdate():
            return ""
        return self.alert

    def is_stale(self, days: int | None = None) -> bool:
        days = days if days is not None else settings.REGISTRY_STALE_AFTER_DAYS
        return self.assured_date is None or self.assured_date < timezone.localdate() - dt.timedelta(
            days=days
        )

    def district_names(self) -> str:
        """Districts (and their regions) the service is in or serves, in every language
        they have names in: indexed for search."""
        names: list[str] = []
        for place in [*self.locations.all(), *self.service_areas.all()]:
            if place.district_id:
                district = place.district
                names += [district.name, district.region, district.name_en, district.region_en]
        return " ".join(dict.fromkeys(name for name in names if name))

    def districts(self) -> list[District]:
        """Own locations' districts first, then service areas; no duplicates (uses prefetch)."""
        seen: dict[int, District] = {}
        for place in [*self.locations.all(), *self.service_areas.all()]:
            if place.district_id and place.district_id not in seen:
                seen[place.district_id] = place.district
        return list(seen.values())

    # Plain-text summaries for admin listings and the CSV export (use prefetched relations).

    def kinds_display(self) -> str:
        return "; ".join(kind.name for kind in self.kinds.all())

    def target_groups_display(self) -> str:
        return "; ".join(group.name for group in self.target_groups.all())

    def districts_display(self) -> str:
        return ", ".join(district.name for district in self.districts())

    def addresses_display(self) -> str:
        """Editors' view: confidential addresses are included but marked as such."""
        return "; ".join(
            f"{_('конфиденциально')}: {loc.address}" if loc.is_confidential else loc.address
            for loc in self.locations.all()
        )

    def public_features(self) -> list[Feature]:
        """Accessibility codes of any public place (the cards: prefetched places only)."""
        codes = {
            code
            for place in self.locations.all()
            if not place.is_confidential
            for code in place.accessibility_codes or []
        }
        return ordered(codes)

    def phones_display(self) -> str:
        return "; ".join(
            f"{phone.number} ({phone.get_kind_display()})" for phone in self.phones.all()
        )

    def assurer_display(self) -> str:
        if self.assurer_id:
            return self.assurer.get_full_name() or self.assurer.get_username()
        return self.assurer_name

    def with_content_json(self, content: dict) -> Service:
        """Restoring or publishing an older draft must not undo a later «mark verified»."""
        obj = super().with_content_json(content)
        if self.assured_date and (obj.assured_date is None or obj.assured_date < self.assured_date):
            obj.assured_date = self.assured_date
            obj.assurer_id = self.assurer_id
            obj.assurer_name = self.assurer_name
            obj.assurer_email = self.assurer_email
        return obj

    # --- opening hours (the rules live in ``registry.hours``) ---

    def periods_on(self, day: dt.date) -> list[tuple[dt.time, dt.time]]:
        """Opening periods that start on `day` (exceptions applied), for display."""
        return hours.periods_on(self, day)

    def is_open_at(self, moment: dt.datetime | None = None) -> bool:
        """Open at `moment` (default now), judged in the site's time zone."""
        return hours.is_open_at(self, moment)

    def is_open_now(self) -> bool:
        return hours.is_open_at(self, None)

    # --- preview ---

    def get_preview_template(self, request, mode_name: str) -> list[str]:
        # The public service page's template (registry app); a minimal fallback until then.
        return ["registry/service_detail.html", "registry/service_preview.html"]

    def get_preview_context(self, request, mode_name: str) -> dict:
        context = super().get_preview_context(request, mode_name)
        context["service"] = self
        context["is_preview"] = True
        return context


def _remove_service_from_index(sender, instance: Service, **kwargs) -> None:
    index.remove_object(instance)


post_delete.connect(_remove_service_from_index, sender=Service)
