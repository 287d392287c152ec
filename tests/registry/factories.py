"""Factories for the service registry. Services are created published (live) by default."""

import datetime as dt

import factory
from wagtail.models import Locale

from safechildhood.registry.models import (
    District,
    Location,
    Organization,
    OrganizationPhone,
    Phone,
    Schedule,
    ScheduleException,
    Service,
    ServiceArea,
    ServiceKind,
    TargetGroup,
)


def default_locale() -> Locale:
    return Locale.objects.get_or_create(language_code="ru")[0]


class DistrictFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Район {n}")
    slug = factory.Sequence(lambda n: f"district-{n}")
    region = "Вологодская область"
    latitude = 59.22
    longitude = 39.88

    class Meta:
        model = District
        django_get_or_create = ("slug",)


class OrganizationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Комплексный центр социального обслуживания {n}")
    alternate_name = factory.Sequence(lambda n: f"КЦСОН {n}")
    description = "Государственное учреждение социального обслуживания."
    locale = factory.LazyFunction(default_locale)

    class Meta:
        model = Organization


class ServiceKindFactory(factory.django.DjangoModelFactory):
    """Seeded kinds exist after migrations: look them up by code, create only new ones."""

    code = factory.Sequence(lambda n: f"kind-{n}")
    name = factory.Sequence(lambda n: f"Вид помощи {n}")
    locale = factory.LazyFunction(default_locale)

    class Meta:
        model = ServiceKind
        django_get_or_create = ("code", "locale")


class TargetGroupFactory(factory.django.DjangoModelFactory):
    code = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Целевая группа {n}")
    locale = factory.LazyFunction(default_locale)

    class Meta:
        model = TargetGroup
        django_get_or_create = ("code", "locale")


class ServiceFactory(factory.django.DjangoModelFactory):
    """A live service. `kinds=["mediation"]` / `target_groups=[...]` take codes or objects."""

    name = factory.Sequence(lambda n: f"Служба помощи {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    description = "Помогаем семьям с детьми."
    organization = factory.SubFactory(OrganizationFactory)
    locale = factory.LazyFunction(default_locale)
    live = True
    status = Service.Status.ACTIVE

    class Meta:
        model = Service

    @factory.post_generation
    def kinds(self, create, extracted, **kwargs):
        if create and extracted:
            self.kinds.set(_terms(ServiceKind, extracted))

    @factory.post_generation
    def target_groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.target_groups.set(_terms(TargetGroup, extracted))

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # ParentalManyToManyField values live in memory until the next save.
        if create and results:
            instance.save()


def _terms(model, values):
    return [
        value
        if isinstance(value, model)
        else model.objects.get(code=value, locale__language_code="ru")
        for value in values
    ]


class LocationFactory(factory.django.DjangoModelFactory):
    service = factory.SubFactory(ServiceFactory)
    address = factory.Sequence(lambda n: f"г. Вологда, ул. Демонстрационная, д. {n} (демо)")
    district = factory.SubFactory(DistrictFactory)
    latitude = factory.LazyAttribute(lambda o: o.district.latitude)
    longitude = factory.LazyAttribute(lambda o: o.district.longitude)
    locale = factory.LazyAttribute(lambda o: o.service.locale)

    class Meta:
        model = Location


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    service = factory.SubFactory(ServiceFactory)
    district = factory.SubFactory(DistrictFactory)

    class Meta:
        model = ServiceArea


class PhoneFactory(factory.django.DjangoModelFactory):
    service = factory.SubFactory(ServiceFactory)
    number = factory.Sequence(lambda n: f"8 (8172) 00-{n // 100 % 100:02d}-{n % 100:02d}")
    kind = Phone.Kind.DAYTIME
    locale = factory.LazyAttribute(lambda o: o.service.locale)

    class Meta:
        model = Phone


class OrganizationPhoneFactory(factory.django.DjangoModelFactory):
    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: f"8 (8172) 01-{n // 100 % 100:02d}-{n % 100:02d}")
    kind = OrganizationPhone.Kind.DAYTIME
    locale = factory.LazyAttribute(lambda o: o.organization.locale)
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = OrganizationPhone


class ScheduleFactory(factory.django.DjangoModelFactory):
    service = factory.SubFactory(ServiceFactory)
    weekday = 0
    opens_at = dt.time(9, 0)
    closes_at = dt.time(18, 0)

    class Meta:
        model = Schedule


class ScheduleExceptionFactory(factory.django.DjangoModelFactory):
    service = factory.SubFactory(ServiceFactory)
    start_date = dt.date(2027, 1, 1)
    end_date = dt.date(2027, 1, 8)
    is_closed = True
    description = "Новогодние праздники"
    locale = factory.LazyAttribute(lambda o: o.service.locale)

    class Meta:
        model = ScheduleException


def weekday_hours(service: Service, days=range(5), opens=dt.time(9), closes=dt.time(18)) -> None:
    """Monday–Friday 9:00–18:00 unless told otherwise."""
    for day in days:
        ScheduleFactory(service=service, weekday=day, opens_at=opens, closes_at=closes)
