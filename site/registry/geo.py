"""Distances from a point to services: one implementation for every path.

What is *shown* is honest: the distance from the point actually used (the visitor's
position, a place they typed, or the chosen district's centre) to the service's own
public place, that is a location that is not confidential and has coordinates. A
service with no such place shows no distance: never «0 км» because it merely serves
the district, never a shelter's distance.

What *orders* the list may use more, and only public-safe points: a confidential (or
unplaced) location counts as its district's centre, and a service with no location at
all counts as the centres of the districts it serves. So ordering cannot reveal a
shelter's position. With a chosen district, services located in it come before those
that only serve it (``registry.queries.NearestFirst``).

The distance is one database expression (:func:`haversine_km`). Both paths build
on it: ``ServiceQuerySet.with_distance`` (correlated subqueries per service, with an
optional radius) and ``registry.queries.NearestFirst`` (the matches' points in one
set-wise query, compiled from :func:`point_distances`). The SQL is the same on SQLite
and PostgreSQL: Django registers ASIN, SQRT, SIN, COS, RADIANS and POWER on SQLite and
writes ``Least`` as ``MIN`` there.

This module imports no model: the querysets come from the caller.
"""

from __future__ import annotations

import math

from django.db import models
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat: models.Expression, lon: models.Expression, lat0: float, lon0: float):
    """Great-circle distance in km from (`lat0`, `lon0`) as a database expression.

    Haversine rather than the spherical law of cosines: no ACOS of a value that
    rounding pushes past 1, which both databases reject.
    """
    half_dlat = Radians(lat - Value(lat0)) / Value(2.0)
    half_dlon = Radians(lon - Value(lon0)) / Value(2.0)
    a = Power(Sin(half_dlat), Value(2)) + Value(math.cos(math.radians(lat0))) * Cos(
        Radians(lat)
    ) * Power(Sin(half_dlon), Value(2))
    return Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(Least(a, Value(1.0))))


def bounding_box(lat0: float, lon0: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a square that contains the circle of radius km."""
    dlat = math.degrees(km / EARTH_RADIUS_KM)
    cos_lat = max(math.cos(math.radians(lat0)), 1e-6)
    dlon = min(180.0, math.degrees(km / (EARTH_RADIUS_KM * cos_lat)))
    return lat0 - dlat, lat0 + dlat, lon0 - dlon, lon0 + dlon


PUBLIC_PLACE = Q(is_confidential=False, latitude__isnull=False, longitude__isnull=False)


def _public(field: str) -> Case:
    shown = PUBLIC_PLACE
    return Case(
        When(shown, then=F(field)),
        default=F(f"district__{field}"),
        output_field=models.FloatField(),
    )


def place_points(locations: QuerySet) -> QuerySet:
    """`locations` with their public-safe point as ``_lat``/``_lon``: their own
    coordinates, or their district's centre when confidential or unplaced; ``_shown``
    is 1 for a public place (its distance may be shown), ``_located`` 1."""
    return locations.annotate(
        _lat=_public("latitude"),
        _lon=_public("longitude"),
        _shown=Case(When(PUBLIC_PLACE, then=Value(1)), default=Value(0)),
        _located=Value(1),
    )


def public_places(locations: QuerySet) -> QuerySet:
    """Only the `locations` whose distance may be shown (public, with coordinates)."""
    return place_points(locations.filter(PUBLIC_PLACE))


def area_points(areas: QuerySet) -> QuerySet:
    """Service areas with their district's centre as ``_lat``/``_lon`` (ordering only:
    ``_shown`` and ``_located`` are 0)."""
    return areas.annotate(
        _lat=F("district__latitude"),
        _lon=F("district__longitude"),
        _shown=Value(0),
        _located=Value(0),
    )


def within(points: QuerySet, lat0: float, lon0: float, km: float) -> QuerySet:
    """`points` inside the bounding box of the circle of radius `km` (a cheap prefilter)."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat0, lon0, km)
    return points.filter(_lat__gte=min_lat, _lat__lte=max_lat, _lon__gte=min_lon, _lon__lte=max_lon)


def with_km(points: QuerySet, lat0: float, lon0: float) -> QuerySet:
    """`points` (from :func:`place_points` or :func:`area_points`) with ``km`` from the point."""
    return points.annotate(km=haversine_km(F("_lat"), F("_lon"), lat0, lon0))


POINT_COLUMNS = ("service_id", "km", "_shown", "_located")


def point_distances(locations: QuerySet, areas: QuerySet, lat0: float, lon0: float) -> QuerySet:
    """``(service_id, km, shown, located)`` of every public-safe point of `locations`
    and `areas` (querysets of the two models, already narrowed to the services wanted),
    one ``UNION ALL``: the set-wise form of ``with_distance``."""
    located = with_km(place_points(locations), lat0, lon0).order_by().values(*POINT_COLUMNS)
    served = with_km(area_points(areas), lat0, lon0).order_by().values(*POINT_COLUMNS)
    return located.union(served, all=True)
