"""Registry data layer: opening hours, distance, districts served, confidentiality."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Locale

from safechildhood.registry import hours
from safechildhood.registry.models import Location, Service, ServiceKind, make_slug

from .factories import (
    DistrictFactory,
    LocationFactory,
    ScheduleExceptionFactory,
    ScheduleFactory,
    ServiceAreaFactory,
    ServiceFactory,
    weekday_hours,
)

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
UTC = dt.UTC


def msk(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MSK)


def assert_open(service: Service, moment: dt.datetime, expected: bool) -> None:
    """Python and SQL answers must agree: the list filter and the badge never contradict."""
    assert service.is_open_at(moment) is expected, moment
    in_sql = Service.objects.filter(pk=service.pk).open_at(moment).exists()
    assert in_sql is expected, f"SQL disagrees at {moment}"


# --- opening hours -----------------------------------------------------------------------


def test_weekday_hours_open_and_closed():
    service = ServiceFactory()
    weekday_hours(service)  # Mon–Fri 9–18
    assert_open(service, msk(2026, 3, 2, 9, 0), True)  # Monday 9:00 opens
    assert_open(service, msk(2026, 3, 2, 17, 59), True)
    assert_open(service, msk(2026, 3, 2, 18, 0), False)  # closing time is exclusive
    assert_open(service, msk(2026, 3, 2, 8, 59), False)
    assert_open(service, msk(2026, 3, 7, 12, 0), False)  # Saturday


def test_lunch_break_is_two_periods():
    service = ServiceFactory()
    ScheduleFactory(service=service, weekday=0, opens_at=dt.time(9), closes_at=dt.time(13))
    ScheduleFactory(service=service, weekday=0, opens_at=dt.time(14), closes_at=dt.time(18))
    assert_open(service, msk(2026, 3, 2, 12, 30), True)
    assert_open(service, msk(2026, 3, 2, 13, 30), False)
    assert_open(service, msk(2026, 3, 2, 15, 0), True)


def test_night_shift_crosses_moscow_midnight():
    """Friday 22:00–02:00 Moscow time: open at 01:00 on Saturday, whatever UTC says."""
    service = ServiceFactory()
    ScheduleFactory(service=service, weekday=4, opens_at=dt.time(22), closes_at=dt.time(2))
    # 2026-03-06 is a Friday. 23:30 MSK Friday = 20:30 UTC Friday.
    assert_open(service, dt.datetime(2026, 3, 6, 20, 30, tzinfo=UTC), True)
    # 01:00 MSK Saturday = 22:00 UTC *Friday*: still the Friday shift.
    assert_open(service, dt.datetime(2026, 3, 6, 22, 0, tzinfo=UTC), True)
    # 02:00 MSK Saturday: closed.
    assert_open(service, dt.datetime(2026, 3, 6, 23, 0, tzinfo=UTC), False)
    # Friday 21:00 MSK = 18:00 UTC: not yet.
    assert_open(service, dt.datetime(2026, 3, 6, 18, 0, tzinfo=UTC), False)
    # Saturday 23:00 MSK: no Saturday shift.
    assert_open(service, msk(2026, 3, 7, 23, 0), False)


def test_midnight_to_midnight_is_the_whole_day():
    service = ServiceFactory()
    ScheduleFactory(service=service, weekday=5, opens_at=dt.time(0), closes_at=dt.time(0))
    assert_open(service, msk(2026, 3, 7, 0, 0), True)
    assert_open(service, msk(2026, 3, 7, 23, 59), True)
    assert_open(service, msk(2026, 3, 8, 0, 30), False)  # Sunday


def test_closed_exception_wins_over_weekly_hours():
    service = ServiceFactory()
    weekday_hours(service, days=range(7))
    ScheduleExceptionFactory(
        service=service, start_date=dt.date(2027, 1, 1), end_date=dt.date(2027, 1, 8)
    )
    assert_open(service, msk(2026, 12, 31, 12, 0), True)
    assert_open(service, msk(2027, 1, 1, 12, 0), False)
    assert_open(service, msk(2027, 1, 8, 12, 0), False)
    assert_open(service, msk(2027, 1, 9, 12, 0), True)
    assert service.periods_on(dt.date(2027, 1, 5)) == []


def test_closed_day_cuts_the_night_shift_that_began_the_evening_before():
    service = ServiceFactory()
    ScheduleFactory(service=service, weekday=3, opens_at=dt.time(20), closes_at=dt.time(4))
    # Thursday 2026-12-31 20:00 → Friday 04:00, but 1 January is closed.
    ScheduleExceptionFactory(service=service, start_date=dt.date(2027, 1, 1), end_date=None)
    assert_open(service, msk(2026, 12, 31, 22, 0), True)
    assert_open(service, msk(2027, 1, 1, 1, 0), False)


def test_special_hours_replace_weekly_hours():
    service = ServiceFactory()
    weekday_hours(service)  # Mon–Fri 9–18
    # Saturday 2026-03-07 is a working day 10–14 (a moved holiday).
    ScheduleExceptionFactory(
        service=service,
        start_date=dt.date(2026, 3, 7),
        end_date=None,
        is_closed=False,
        opens_at=dt.time(10),
        closes_at=dt.time(14),
        description="Рабочая суббота",
    )
    assert_open(service, msk(2026, 3, 7, 11, 0), True)
    assert_open(service, msk(2026, 3, 7, 15, 0), False)
    # Shortened Friday: 9–16 instead of 9–18.
    ScheduleExceptionFactory(
        service=service,
        start_date=dt.date(2026, 3, 6),
        end_date=None,
        is_closed=False,
        opens_at=dt.time(9),
        closes_at=dt.time(16),
    )
    assert_open(service, msk(2026, 3, 6, 17, 0), False)
    assert service.periods_on(dt.date(2026, 3, 6)) == [(dt.time(9), dt.time(16))]


def test_24_7_is_always_open_but_not_when_temporarily_closed():
    service = ServiceFactory(is_24_7=True)
    ScheduleExceptionFactory(service=service)
    assert_open(service, msk(2027, 1, 2, 3, 0), True)
    assert_open(service, msk(2026, 3, 8, 23, 59), True)
    service.status = Service.Status.TEMPORARILY_CLOSED
    service.save()
    assert_open(service, msk(2026, 3, 8, 23, 59), False)


def test_no_hours_means_closed():
    assert_open(ServiceFactory(), msk(2026, 3, 2, 12, 0), False)


def test_open_now_uses_prefetched_hours(django_assert_num_queries):
    for _ in range(3):
        weekday_hours(ServiceFactory(), days=range(7), opens=dt.time(0), closes=dt.time(0))
    services = list(Service.objects.with_public_related())
    hours.calendar()  # the official calendar: read once per change, then from the cache
    with django_assert_num_queries(0):
        assert all(service.is_open_now() for service in services)


# --- distance --------------------------------------------------------------------------

VOLOGDA = (59.2205, 39.8915)
CHEREPOVETS = (59.1274, 37.9091)
VELIKY_USTYUG = (60.7604, 46.3054)


def _service_at(name, coords, **location):
    district = DistrictFactory(latitude=coords[0], longitude=coords[1])
    service = ServiceFactory(name=name)
    LocationFactory(
        service=service, district=district, latitude=coords[0], longitude=coords[1], **location
    )
    return service


def test_with_distance_orders_nearest_first_with_known_distances():
    ustyug = _service_at("Великий Устюг", VELIKY_USTYUG)
    cherepovets = _service_at("Череповец", CHEREPOVETS)
    vologda = _service_at("Вологда", VOLOGDA)
    nowhere = ServiceFactory(name="Без адреса")

    rows = list(Service.objects.with_distance(*VOLOGDA))
    assert rows == [vologda, cherepovets, ustyug, nowhere]
    assert rows[0].distance_km == pytest.approx(0, abs=0.01)
    # Vologda–Cherepovets ≈ 113 km, Vologda–Veliky Ustyug ≈ 395 km as the crow flies.
    assert rows[1].distance_km == pytest.approx(113, abs=5)
    assert rows[2].distance_km == pytest.approx(395, abs=5)
    assert rows[3].distance_km is None


def test_with_distance_radius_uses_the_nearest_location_and_service_areas():
    near = _service_at("Рядом", VOLOGDA)
    far = _service_at("Далеко", VELIKY_USTYUG)
    # A second location of the far service, in Cherepovets.
    LocationFactory(
        service=far,
        district=DistrictFactory(latitude=CHEREPOVETS[0], longitude=CHEREPOVETS[1]),
        latitude=CHEREPOVETS[0],
        longitude=CHEREPOVETS[1],
    )
    # A hotline located far away that serves Vologda: its distance is to its own place
    # (honest: «0 км» from Vologda would be false), and only a service with no place
    # at all is placed by the districts it serves.
    hotline = _service_at("Линия", VELIKY_USTYUG)
    vologda = DistrictFactory(latitude=VOLOGDA[0], longitude=VOLOGDA[1])
    ServiceAreaFactory(service=hotline, district=vologda)
    team = ServiceFactory(name="Выездная бригада")
    ServiceAreaFactory(service=team, district=vologda)

    rows = {s.name: s.distance_km for s in Service.objects.with_distance(*CHEREPOVETS)}
    assert rows["Далеко"] == pytest.approx(0, abs=0.01)
    assert rows["Рядом"] == pytest.approx(113, abs=5)
    assert rows["Линия"] == pytest.approx(490, abs=30)
    assert rows["Выездная бригада"] is None

    within = list(Service.objects.with_distance(*VOLOGDA, max_km=50))
    assert set(within) == {near, team}


def test_distance_to_confidential_location_is_never_shown_and_orders_by_district_centre():
    """Ordering by distance must not let anyone triangulate a shelter, and no distance
    is shown for it at all."""
    district = DistrictFactory(latitude=VOLOGDA[0], longitude=VOLOGDA[1])
    shelter = ServiceFactory(name="Кризисный центр")
    LocationFactory(
        service=shelter,
        district=district,
        latitude=CHEREPOVETS[0],  # the secret real place
        longitude=CHEREPOVETS[1],
        is_confidential=True,
    )
    between = _service_at("Между", (59.18, 38.9))  # ~55 km from Cherepovets
    rows = list(Service.objects.with_distance(*CHEREPOVETS))
    assert rows == [between, shelter]  # the shelter counts as Vologda's centre, ~113 km
    assert rows[1].distance_km is None


# --- districts served -------------------------------------------------------------------


def test_serving_district_counts_locations_and_service_areas_once():
    here, there = DistrictFactory(), DistrictFactory()
    local = ServiceFactory()
    LocationFactory(service=local, district=here)
    LocationFactory(service=local, district=here)  # a second office, same district
    visiting = ServiceFactory()
    LocationFactory(service=visiting, district=there)
    ServiceAreaFactory(service=visiting, district=here)
    elsewhere = ServiceFactory()
    LocationFactory(service=elsewhere, district=there)

    serving = list(Service.objects.serving_district(here))
    assert sorted(serving, key=lambda s: s.pk) == [local, visiting]
    assert Service.objects.serving_district(here.pk).count() == 2


def test_public_hides_drafts_and_closed_services():
    live = ServiceFactory()
    paused = ServiceFactory(status=Service.Status.TEMPORARILY_CLOSED)
    ServiceFactory(live=False)
    ServiceFactory(status=Service.Status.CLOSED)
    assert set(Service.objects.public()) == {live, paused}


def test_of_kind_and_target_group_filter_by_code():
    mediation = ServiceFactory(kinds=["mediation"], target_groups=["parents"])
    ServiceFactory(kinds=["green_room"])
    assert list(Service.objects.of_kind("mediation")) == [mediation]
    assert list(Service.objects.for_target_group("parents")) == [mediation]


# --- confidentiality -------------------------------------------------------------------


def test_confidential_location_hides_address_and_coordinates():
    district = DistrictFactory(name="Сокольский район", latitude=59.46, longitude=40.11)
    location = LocationFactory(
        district=district,
        address="г. Сокол, ул. Секретная, 1",
        postal_code="162130",
        latitude=59.47,
        longitude=40.12,
        transportation="Автобус 1 до остановки у дома",
        is_confidential=True,
    )
    assert location.public_address() == ""
    assert location.public_postal_code() == ""
    assert location.public_transportation() == ""
    assert location.public_coordinates() is None
    assert location.approximate_coordinates() == (59.46, 40.11)
    assert "Секретная" not in location.public_label()
    assert "Сокольский район" in location.public_label()
    assert "Секретная" not in str(location)


def test_public_location_shows_address_and_coordinates():
    location = LocationFactory(
        address="г. Вологда, ул. Ленина, 1 (демо)", latitude=59.2, longitude=39.9
    )
    assert location.public_address() == "г. Вологда, ул. Ленина, 1 (демо)"
    assert location.public_coordinates() == (59.2, 39.9)


def test_confidential_address_is_not_searchable():
    service = ServiceFactory(name="Кризисный центр для женщин")
    LocationFactory(service=service, address="ул. Тайная, 7", is_confidential=True)
    service.save()  # reindex with its location
    assert "Тайная" not in service.district_names()
    assert list(Service.objects.search("Тайная")) == []


# --- validation, slugs, helpers -----------------------------------------------------------


def test_location_needs_an_address_unless_confidential():
    location = Location(district=DistrictFactory(), address="")
    with pytest.raises(ValidationError):
        location.clean()
    location.is_confidential = True
    location.clean()


def test_service_validation_messages():
    service = ServiceFactory.build(minimum_age=18, maximum_age=3)
    with pytest.raises(ValidationError) as error:
        service.clean()
    assert "maximum_age" in error.value.message_dict
    service = ServiceFactory.build(is_free=False, fees_description="")
    with pytest.raises(ValidationError):
        service.clean()


def test_slug_is_made_from_the_russian_name_and_unique_per_locale():
    assert make_slug("Служба семейной медиации") == "sluzhba-semeynoy-mediatsii"
    first = ServiceFactory(name="Служба примирения", slug="")
    second = ServiceFactory(name="Служба примирения", slug="")
    assert first.slug == "sluzhba-primireniya"
    assert second.slug == "sluzhba-primireniya-2"


def test_translation_may_reuse_the_slug_but_not_within_a_locale():
    from django.db import IntegrityError, transaction

    service = ServiceFactory(slug="sos-sokol")
    english = service.copy_for_translation(Locale.objects.get_or_create(language_code="en")[0])
    english.save()
    assert english.slug == "sos-sokol"
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceFactory(slug="sos-sokol")


def test_alert_expires_after_its_date():
    today = dt.date.today()
    service = ServiceFactory(alert="Закрыто на праздники", alert_until=today - dt.timedelta(days=1))
    assert service.current_alert == ""
    service.alert_until = today
    assert service.current_alert == "Закрыто на праздники"


def test_stale_lists_unverified_and_old_entries(settings):
    settings.REGISTRY_STALE_AFTER_DAYS = 180
    today = dt.date.today()
    fresh = ServiceFactory(assured_date=today - dt.timedelta(days=10))
    old = ServiceFactory(assured_date=today - dt.timedelta(days=181))
    never = ServiceFactory(assured_date=None)
    assert set(Service.objects.stale()) == {old, never}
    assert not fresh.is_stale() and old.is_stale()


def test_seeded_taxonomy_has_russian_and_english_terms():
    ru = ServiceKind.objects.get(code="mediation", locale__language_code="ru")
    en = ServiceKind.objects.get(code="mediation", locale__language_code="en")
    assert ru.translation_key == en.translation_key
    assert "медиатор" in ru.keywords
    names = ServiceKind.objects.localized_map(Locale.objects.get(language_code="en"))
    assert names["mediation"].name == "Family mediation service"
