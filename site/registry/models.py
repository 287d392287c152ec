"""The service registry: who helps, where, when and how to reach them.

Shaped after Open Referral HSDS 3.0 (field names follow its schemas where they
fit: ``assured_date``, ``alert``, ``eligibility_description``...), so that the
HSDS API and import map one to one.

Services are Wagtail snippets rather than pages: an entry has no place in the
page tree, editors find it by district and kind in a filtered list, and a
snippet still gets drafts, revisions, preview, locking, the audit log and
translation through wagtail-localize.

Privacy rule: a *confidential* location (a shelter, crisis support for women)
is never shown with its address or coordinates. Public code must go through
``Location.public_address()``, ``Location.public_coordinates()`` and
``Location.approximate_coordinates()``; distances are computed from the same
public-safe coordinates so that ordering cannot reveal a shelter's position.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from anyascii import anyascii
from django import forms
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Least
from django.db.models.signals import post_delete
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
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
    Locale,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
)
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from . import geo

# Namespace for HSDS identifiers derived from primary keys (stable per database).
HSDS_NAMESPACE = uuid.UUID("6f1d9c1e-3b57-4a52-9a36-2f8e0c5d7b11")


def site_timezone() -> ZoneInfo:
    """The region's time zone: "open now" is always judged in it, whatever the visitor's."""
    return ZoneInfo(settings.TIME_ZONE)


def default_locale_filter() -> dict[str, str]:
    """Kinds and target groups are chosen from the source (Russian) taxonomy only.

    Translated services keep pointing at the same rows (wagtail-localize
    synchronises many-to-many fields), so a filter by ``code`` works in every
    locale and the names are shown through ``TaxonomyQuerySet.localized_map()``.
    """
    return {"locale__language_code": get_supported_language_variant(settings.LANGUAGE_CODE)}


def make_slug(text: str, max_length: int = 200) -> str:
    """`Служба медиации` → `sluzhba-mediatsii`: readable ASCII slugs from Russian names."""
    return slugify(anyascii(text))[:max_length].strip("-") or "service"


class HSDSIdentifiedMixin:
    """A stable UUID for the HSDS API, derived from the model label and primary key."""

    @property
    def hsds_id(self) -> str:
        return str(uuid.uuid5(HSDS_NAMESPACE, f"{self._meta.label_lower}:{self.pk}"))


# --- Districts --------------------------------------------------------------------


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


# --- Organisations -------------------------------------------------------------------


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


# --- Taxonomies ------------------------------------------------------------------------


class TaxonomyQuerySet(models.QuerySet):
    def for_locale(self, locale: Locale | None = None) -> TaxonomyQuerySet:
        return self.filter(locale=locale or Locale.get_active())

    def localized_map(self, locale: Locale | None = None) -> dict[str, models.Model]:
        """``{code: term}`` in the active locale, falling back to the default locale.

        One query for the whole (small) taxonomy: use it to show the names of the
        terms a service links to (always the source-locale rows) without a query
        per term.
        """
        locale = locale or Locale.get_active()
        default = Locale.get_default()
        terms: dict[str, models.Model] = {}
        for term in self.filter(locale__in=[locale, default]).order_by("sort_order", "pk"):
            if term.code not in terms or term.locale_id == locale.pk:
                terms[term.code] = term
        return terms


class TaxonomyTerm(HSDSIdentifiedMixin, TranslatableMixin, index.Indexed, models.Model):
    """A managed, translatable term with a stable ``code`` and search synonyms."""

    code = models.SlugField(
        _("Код"),
        max_length=64,
        help_text=_("Постоянный латинский код для ссылок и импорта, например «mediation»"),
    )
    name = models.CharField(_("Название"), max_length=255)
    description = models.TextField(_("Описание"), blank=True)
    keywords = models.TextField(
        _("Ключевые слова для поиска"),
        blank=True,
        help_text=_("Синонимы и формы слов через пробел: по ним посетитель найдёт службу"),
    )
    sort_order = models.PositiveSmallIntegerField(_("Порядок"), default=100)

    objects = TaxonomyQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("code")]),
        FieldPanel("description"),
        FieldPanel("keywords"),
        FieldPanel("sort_order"),
    ]

    search_fields = [
        index.SearchField("name", boost=2),
        index.AutocompleteField("name"),
        index.SearchField("keywords"),
        index.FilterField("code"),
        index.FilterField("locale"),
    ]

    class Meta(TranslatableMixin.Meta):
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceKind(TaxonomyTerm):
    """What kind of help: SOS service, family mediation, green room..."""

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("Вид помощи")
        verbose_name_plural = _("Виды помощи")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "locale"], name="registry_servicekind_unique_code"
            )
        ]


class TargetGroup(TaxonomyTerm):
    """Who the help is for: families with children, teenagers, women affected by violence..."""

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("Целевая группа")
        verbose_name_plural = _("Целевые группы")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "locale"], name="registry_targetgroup_unique_code"
            )
        ]


# --- Services ----------------------------------------------------------------------------


def _local(moment: dt.datetime | None) -> dt.datetime:
    """An aware datetime in the site's time zone (naive input is taken as site time)."""
    tz = site_timezone()
    if moment is None:
        return timezone.now().astimezone(tz)
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


class ServiceQuerySet(SearchableQuerySetMixin, models.QuerySet):
    """Filters the public pages and the API compose. Each keeps the row count exact (no joins
    that duplicate services): multi-valued conditions are ``Exists`` subqueries."""

    def public(self) -> ServiceQuerySet:
        """Published and not closed for good (temporarily closed ones stay, with their alert)."""
        return self.filter(live=True).exclude(status=Service.Status.CLOSED)

    def for_locale(self, locale: Locale | None = None) -> ServiceQuerySet:
        return self.filter(locale=locale or Locale.get_active())

    def serving_district(self, district: District | int) -> ServiceQuerySet:
        """Services with a location in the district or that serve it (service areas)."""
        district_id = district.pk if isinstance(district, District) else district
        return self.filter(
            Exists(Location.objects.filter(service=OuterRef("pk"), district_id=district_id))
            | Exists(ServiceArea.objects.filter(service=OuterRef("pk"), district_id=district_id))
        )

    def of_kind(self, code: str) -> ServiceQuerySet:
        return self.filter(
            Exists(
                Service.kinds.through.objects.filter(
                    service_id=OuterRef("pk"), servicekind__code=code
                )
            )
        )

    def for_target_group(self, code: str) -> ServiceQuerySet:
        return self.filter(
            Exists(
                Service.target_groups.through.objects.filter(
                    service_id=OuterRef("pk"), targetgroup__code=code
                )
            )
        )

    def in_region(self, region: str) -> ServiceQuerySet:
        return self.filter(
            Exists(Location.objects.filter(service=OuterRef("pk"), district__region=region))
            | Exists(ServiceArea.objects.filter(service=OuterRef("pk"), district__region=region))
        )

    def open_at(self, moment: dt.datetime | None = None) -> ServiceQuerySet:
        """Open at `moment` (default now) in the site's time zone; the same rules as
        ``Service.is_open_at`` in SQL, so that "open now" can filter a paginated list."""
        local = _local(moment)
        today, now = local.date(), local.time().replace(tzinfo=None)
        yesterday = today - dt.timedelta(days=1)
        weekday, prev_weekday = today.weekday(), yesterday.weekday()

        # Each condition is the set of services it holds for, as an uncorrelated
        # ``id IN (…)`` that PostgreSQL computes once: correlated EXISTS probes cost
        # over a second for "open now" across 10,000 services.
        def ids(rows: models.QuerySet) -> models.QuerySet:
            return rows.order_by().values("service_id")

        def exceptions_on(day: dt.date) -> models.QuerySet:
            return ScheduleException.objects.filter(start_date__lte=day).filter(
                Q(end_date__gte=day) | Q(end_date__isnull=True, start_date=day)
            )

        overnight = Q(closes_at__lte=F("opens_at"))
        covers_now = Q(opens_at__lte=now) & (Q(closes_at__gt=now) | overnight)
        spills_into_now = overnight & Q(closes_at__gt=now)

        closed_today = Q(pk__in=ids(exceptions_on(today).filter(is_closed=True)))
        exception_today = Q(pk__in=ids(exceptions_on(today)))
        exception_yesterday = Q(pk__in=ids(exceptions_on(yesterday)))
        weekly_now = Q(pk__in=ids(Schedule.objects.filter(weekday=weekday).filter(covers_now)))
        weekly_spill = Q(
            pk__in=ids(Schedule.objects.filter(weekday=prev_weekday).filter(spills_into_now))
        )
        special_now = Q(pk__in=ids(exceptions_on(today).filter(is_closed=False).filter(covers_now)))
        special_spill = Q(
            pk__in=ids(exceptions_on(yesterday).filter(is_closed=False).filter(spills_into_now))
        )
        return self.filter(status=Service.Status.ACTIVE).filter(
            Q(is_24_7=True)
            | (
                ~closed_today
                & (
                    (~exception_today & weekly_now)
                    | special_now
                    | (~exception_yesterday & weekly_spill)
                    | special_spill
                )
            )
        )

    def open_now(self) -> ServiceQuerySet:
        return self.open_at(None)

    def with_distance(
        self, latitude: float, longitude: float, max_km: float | None = None
    ) -> ServiceQuerySet:
        """Annotate ``distance_km`` and order nearest first (services without places last).

        The distance is to the nearest public-safe point of the service: its
        locations (a confidential one counts as its district's centre) and the
        centres of the districts it serves. With ``max_km`` only services within
        that radius are kept, prefiltered by a bounding box.
        """
        locations = geo.place_points(Location.objects.filter(service=OuterRef("pk")))
        areas = geo.area_points(ServiceArea.objects.filter(service=OuterRef("pk")))
        if max_km is not None:
            locations = geo.within(locations, latitude, longitude, max_km)
            areas = geo.within(areas, latitude, longitude, max_km)

        def nearest(rows: models.QuerySet) -> Subquery:
            rows = geo.with_km(rows, latitude, longitude)
            return Subquery(rows.order_by("km").values("km")[:1], output_field=models.FloatField())

        by_location, by_area = nearest(locations), nearest(areas)
        qs = self.annotate(
            distance_km=Least(Coalesce(by_location, by_area), Coalesce(by_area, by_location))
        )
        if max_km is not None:
            qs = qs.filter(distance_km__lte=max_km)
        return qs.order_by(F("distance_km").asc(nulls_last=True), "name", "pk")

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
        super().save(*args, **kwargs)
        # Index only now: ClusterableModel commits kinds, locations and areas after
        # the row itself, and the search document includes them.
        insert_or_update_object_task.enqueue(
            self._meta.app_label, self._meta.model_name, str(self.pk)
        )

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

    @property
    def is_public(self) -> bool:
        return self.live and self.status != self.Status.CLOSED

    def is_stale(self, days: int | None = None) -> bool:
        days = days if days is not None else settings.REGISTRY_STALE_AFTER_DAYS
        return self.assured_date is None or self.assured_date < timezone.localdate() - dt.timedelta(
            days=days
        )

    def district_names(self) -> str:
        """Districts (and their regions) the service is in or serves: indexed for search."""
        names: list[str] = []
        for place in [*self.locations.all(), *self.service_areas.all()]:
            if place.district_id:
                names += [place.district.name, place.district.region]
        return " ".join(dict.fromkeys(names))

    def districts(self) -> list[District]:
        """Own locations' districts first, then service areas; no duplicates (uses prefetch)."""
        seen: dict[int, District] = {}
        for place in [*self.locations.all(), *self.service_areas.all()]:
            if place.district_id and place.district_id not in seen:
                seen[place.district_id] = place.district
        return list(seen.values())

    def public_locations(self) -> list[Location]:
        return list(self.locations.all())

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

    # --- opening hours ---

    def _periods_of_day(
        self, day: dt.date, exceptions: list[ScheduleException]
    ) -> tuple[list[tuple[dt.time, dt.time]], bool]:
        """(periods, closed) for one calendar day: an exception replaces the weekly hours."""
        covering = [e for e in exceptions if e.covers(day)]
        if covering:
            if any(e.is_closed for e in covering):
                return [], True
            return [(e.opens_at, e.closes_at) for e in covering], False
        periods = [
            (s.opens_at, s.closes_at) for s in self.schedules.all() if s.weekday == day.weekday()
        ]
        return periods, False

    def periods_on(self, day: dt.date) -> list[tuple[dt.time, dt.time]]:
        """Opening periods that start on `day` (exceptions applied), for display."""
        periods, _closed = self._periods_of_day(day, list(self.schedule_exceptions.all()))
        return sorted(periods)

    def is_open_at(self, moment: dt.datetime | None = None) -> bool:
        """Open at `moment`, judged in the site's time zone.

        24/7 services are always open (while active). A dated exception replaces
        the weekly hours for its days: a closed day is closed from 00:00 to 24:00,
        even for a night shift that began the evening before. A period whose
        closing time is not after its opening time runs past midnight
        (22:00–02:00), and equal times mean the whole day.
        """
        if self.status != self.Status.ACTIVE:
            return False
        if self.is_24_7:
            return True
        local = _local(moment)
        today, now = local.date(), local.time().replace(tzinfo=None)
        exceptions = list(self.schedule_exceptions.all())
        periods, closed = self._periods_of_day(today, exceptions)
        if closed:
            return False
        for opens, closes in periods:
            if opens <= now and (now < closes or closes <= opens):
                return True
        yesterday_periods, _ = self._periods_of_day(today - dt.timedelta(days=1), exceptions)
        return any(closes <= opens and now < closes for opens, closes in yesterday_periods)

    def is_open_now(self) -> bool:
        return self.is_open_at(None)

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


# --- Children of a service (edited inline) ------------------------------------------------


class Location(HSDSIdentifiedMixin, TranslatableMixin, Orderable):
    """Where the service receives people (HSDS ``location`` with its ``address``)."""

    service = ParentalKey(Service, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(
        _("Название места"),
        max_length=255,
        blank=True,
        help_text=_("Например, «Отделение в с. Ям»"),
    )
    address = models.CharField(_("Адрес"), max_length=500, blank=True)
    postal_code = models.CharField(_("Индекс"), max_length=12, blank=True)
    district = models.ForeignKey(
        District, verbose_name=_("Район"), on_delete=models.PROTECT, related_name="locations"
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
    accessibility = models.TextField(_("Доступность"), blank=True)
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
        FieldPanel("accessibility"),
        FieldPanel("transportation"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order", "pk"]
        verbose_name = _("Адрес службы")
        verbose_name_plural = _("Адреса служб")

    def __str__(self) -> str:
        return self.public_address() or str(self.district)

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

    def public_coordinates(self) -> tuple[float, float] | None:
        """Exact (lat, lon) for a map marker; ``None`` when confidential or unknown."""
        if self.is_confidential or self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)

    def approximate_coordinates(self) -> tuple[float, float]:
        """Safe to publish: the exact point, or the district's centre when confidential."""
        return self.public_coordinates() or (self.district.latitude, self.district.longitude)

    def public_label(self) -> str:
        """What to print for this place: the address, or «Район: …, адрес не раскрывается»."""
        if self.is_confidential:
            return str(_("%(district)s (адрес сообщают по телефону)") % {"district": self.district})
        return self.address


class ServiceArea(HSDSIdentifiedMixin, Orderable):
    """A district the service also serves (mobile teams, hotlines, outreach)."""

    service = ParentalKey(Service, on_delete=models.CASCADE, related_name="service_areas")
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
        """`8 (8172) 00-00-00` → `tel:8817200000`."""
        digits = "".join(ch for ch in self.number if ch.isdigit() or ch == "+")
        return f"tel:{digits}"


class Phone(AbstractPhone):
    """A service's phone."""

    service = ParentalKey(Service, on_delete=models.CASCADE, related_name="phones")

    class Meta(AbstractPhone.Meta):
        verbose_name = _("Телефон")
        verbose_name_plural = _("Телефоны")


class OrganizationPhone(AbstractPhone):
    """An organisation's phone (its reception, the director's office...)."""

    organization = ParentalKey(Organization, on_delete=models.CASCADE, related_name="phones")

    class Meta(AbstractPhone.Meta):
        verbose_name = _("Телефон")
        verbose_name_plural = _("Телефоны")


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

    service = ParentalKey(Service, on_delete=models.CASCADE, related_name="schedules")
    weekday = models.PositiveSmallIntegerField(_("День недели"), choices=Weekday.choices)
    opens_at = models.TimeField(_("С"))
    closes_at = models.TimeField(_("До"), help_text=_("Меньше времени начала — после полуночи"))

    panels = [
        FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens_at"), FieldPanel("closes_at")])
    ]

    class Meta:
        ordering = ["weekday", "opens_at", "pk"]
        verbose_name = _("Часы работы")
        verbose_name_plural = _("Часы работы")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    @property
    def crosses_midnight(self) -> bool:
        return self.closes_at <= self.opens_at

    @property
    def ical_byday(self) -> str:
        """RFC 5545 day code for HSDS ``byday``."""
        return ICAL_DAYS[self.weekday]


class ScheduleException(HSDSIdentifiedMixin, TranslatableMixin, models.Model):
    """Dated exception to the weekly hours: holidays, a closure, special hours."""

    service = ParentalKey(Service, on_delete=models.CASCADE, related_name="schedule_exceptions")
    start_date = models.DateField(_("С даты"))
    end_date = models.DateField(
        _("По дату"), null=True, blank=True, help_text=_("Пусто — один день")
    )
    is_closed = models.BooleanField(_("Не работает"), default=True)
    opens_at = models.TimeField(_("Работает с"), null=True, blank=True)
    closes_at = models.TimeField(_("Работает до"), null=True, blank=True)
    description = models.CharField(
        _("Пояснение"), max_length=255, blank=True, help_text=_("Например, «Новогодние праздники»")
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


def days_of(exceptions: Iterable[ScheduleException]) -> set[dt.date]:
    """Every calendar day the exceptions cover (for calendars and the HSDS export)."""
    days: set[dt.date] = set()
    for exception in exceptions:
        day = exception.start_date
        while day <= exception.last_date:
            days.add(day)
            day += dt.timedelta(days=1)
    return days


# Visitors' corrections live in their own module; imported here so Django registers the model.
from .corrections import ServiceCorrection  # noqa: E402, F401
