"""One distance implementation (``registry.geo``) for both paths: ``with_distance`` (a
subquery per service) and ``nearest_first`` (one set-wise query), on SQLite and
PostgreSQL: the same formula, the same public-safe points, the same numbers."""

import ast
import math
from pathlib import Path

import pytest
from django.db.models import F

from safechildhood.registry import geo
from safechildhood.registry.models import District, Location, Service, ServiceArea
from safechildhood.registry.queries import nearest_first

from .factories import DistrictFactory, LocationFactory, ServiceAreaFactory, ServiceFactory

pytestmark = pytest.mark.django_db

VOLOGDA = (59.2205, 39.8915)
CHEREPOVETS = (59.1274, 37.9091)
USTYUG = (60.7604, 46.3054)
SYDNEY = (-33.9, 151.2)


def python_haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * geo.EARTH_RADIUS_KM * math.asin(math.sqrt(min(h, 1.0)))


@pytest.mark.parametrize("origin", [VOLOGDA, CHEREPOVETS, SYDNEY, (0.0, 0.0)])
@pytest.mark.parametrize("target", [VOLOGDA, USTYUG, (-VOLOGDA[0], VOLOGDA[1] - 180)])
def test_the_database_expression_is_the_haversine(origin, target):
    district = DistrictFactory(latitude=target[0], longitude=target[1])
    row = District.objects.annotate(
        km=geo.haversine_km(F("latitude"), F("longitude"), *origin)
    ).get(pk=district.pk)
    assert row.km == pytest.approx(python_haversine(origin, target), rel=1e-9, abs=1e-6)


def test_antipodes_do_not_break_asin():
    """Rounding can push the haversine's ``a`` past 1: ``LEAST(a, 1)`` keeps ASIN defined."""
    district = DistrictFactory(latitude=-VOLOGDA[0], longitude=VOLOGDA[1] - 180)
    row = District.objects.annotate(
        km=geo.haversine_km(F("latitude"), F("longitude"), *VOLOGDA)
    ).get(pk=district.pk)
    assert row.km == pytest.approx(math.pi * geo.EARTH_RADIUS_KM, rel=1e-6)


def test_bounding_box_holds_the_circle():
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(*VOLOGDA, 50)
    for bearing in range(0, 360, 15):
        # A point 49.9 km away in every direction (small-distance approximation).
        dlat = 49.9 / geo.EARTH_RADIUS_KM * math.cos(math.radians(bearing))
        dlon = 49.9 / (geo.EARTH_RADIUS_KM * math.cos(math.radians(VOLOGDA[0])))
        lat = VOLOGDA[0] + math.degrees(dlat)
        lon = VOLOGDA[1] + math.degrees(dlon * math.sin(math.radians(bearing)))
        assert min_lat <= lat <= max_lat and min_lon <= lon <= max_lon
    assert max_lat - min_lat == pytest.approx(2 * math.degrees(50 / geo.EARTH_RADIUS_KM))


def district_at(point: tuple[float, float]):
    return DistrictFactory(latitude=point[0], longitude=point[1])


def secret_place(service, district, point: tuple[float, float]):
    """A confidential place really at `point`, in `district`."""
    return LocationFactory(
        service=service,
        district=district,
        latitude=point[0],
        longitude=point[1],
        is_confidential=True,
    )


def test_a_confidential_or_unplaced_place_is_its_district_centre():
    centre = district_at(VOLOGDA)
    service = ServiceFactory()
    secret = secret_place(service, centre, CHEREPOVETS)
    unplaced = LocationFactory(service=service, district=centre, latitude=None, longitude=None)
    public = LocationFactory(
        service=service, district=centre, latitude=USTYUG[0], longitude=USTYUG[1]
    )
    points = {
        row.pk: (row._lat, row._lon)
        for row in geo.place_points(Location.objects.filter(service=service))
    }
    assert points == {secret.pk: VOLOGDA, unplaced.pk: VOLOGDA, public.pk: USTYUG}


def test_point_distances_lists_every_public_safe_point():
    service = ServiceFactory()
    secret_place(service, district_at(VOLOGDA), USTYUG)
    ServiceAreaFactory(service=service, district=district_at(CHEREPOVETS))
    rows = geo.point_distances(
        Location.objects.filter(service=service),
        ServiceArea.objects.filter(service=service),
        *VOLOGDA,
    )
    points = sorted((row["km"], row["_shown"], row["_located"]) for row in rows)
    # The shelter counts as Vologda's centre, for ordering only: its distance is not shown.
    assert points[0][0] == pytest.approx(0, abs=1e-6) and points[0][1:] == (0, 1)
    # A district it serves orders it too, and is not shown either.
    assert points[1][0] == pytest.approx(python_haversine(VOLOGDA, CHEREPOVETS), rel=1e-9)
    assert points[1][1:] == (0, 0)


def test_both_paths_give_the_same_numbers_and_order():
    """Exactly the same: one formula, compiled into both queries."""
    vologda = district_at(VOLOGDA)
    secret_place(ServiceFactory(name="Приют"), vologda, CHEREPOVETS)
    hotline = ServiceFactory(name="Линия")
    ServiceAreaFactory(service=hotline, district=district_at(CHEREPOVETS))
    far = ServiceFactory(name="Устюг")
    LocationFactory(service=far, district=vologda, latitude=USTYUG[0], longitude=USTYUG[1])
    ServiceFactory(name="Нигде")
    for point in [VOLOGDA, CHEREPOVETS, USTYUG, SYDNEY]:
        model = [(s.pk, s.distance_km) for s in Service.objects.public().with_distance(*point)]
        fast = [(s.pk, s.distance_km) for s in nearest_first(Service.objects.public(), *point)]
        assert fast == model


def test_geo_imports_no_model():
    """The formula and the rules take querysets from the caller: no import cycle with
    the models, whatever shape they take."""
    tree = ast.parse(Path(geo.__file__).read_text(encoding="utf-8"))
    imported = [
        ("." * node.level) + (node.module or "")
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    ]
    imported += [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    assert imported
    assert all(name.startswith(("django.", "math", "__future__")) for name in imported), imported
