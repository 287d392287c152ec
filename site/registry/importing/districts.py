"""Which of our districts an imported place is in, from whatever another system says.

Other systems name districts their own way («Сокольский район», «Сокольский р-н»,
«СОКОЛЬСКИЙ МУНИЦИПАЛЬНЫЙ ОКРУГ») or not at all, giving a town and a region, or only
coordinates. So, in order:

1. a name: our slug, or the name with case, ё/е and the kind words («район», «округ»,
   «городской округ», «муниципальный район», «р-н») ignored; several districts of one
   name are told apart by the region;
2. the address's locality in the gazetteer (``Settlement``), narrowed by the region;
3. the coordinates: inside a district's outline (GeoJSON) when districts have outlines,
   else the nearest district centre within ``REGISTRY_IMPORT_DISTRICT_RADIUS_KM``.

What stays unresolved is the engine's warning, not an error.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.conf import settings

from .. import gazetteer
from ..models import District

WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
KIND_WORDS = {
    "район",
    "округ",
    "городской",
    "муниципальный",
    "муниципальное",
    "образование",
    "р-н",
    "рн",
    "го",
    "мо",
    "мр",
    "city",
    "district",
    "okrug",
    "municipal",
    "rayon",
}
EARTH_KM = 6371.0


def name_key(text: str) -> tuple[str, ...]:
    """«Сокольский муниципальный округ» and «сокольский р-н» → («сокольский»,)."""
    words = [w.replace("ё", "е") for w in WORD.findall(str(text).casefold())]
    return tuple(w for w in words if w not in KIND_WORDS) or tuple(words)


def locality_key(text: str) -> tuple[str, ...]:
    """«г. Кадников», «село Ям» → the settlement's name words, the kind word dropped."""
    words = [gazetteer.normalize(w) for w in WORD.findall(str(text))]
    if len(words) > 1 and words[0] in gazetteer.KIND_WORDS:
        words = words[1:]
    return tuple(words)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def _rings(geometry: object) -> list[list[list]]:
    """The polygons of a GeoJSON geometry, Feature or FeatureCollection: [outer, *holes]."""
    if not isinstance(geometry, dict):
        return []
    kind = geometry.get("type")
    if kind == "FeatureCollection":
        return [p for f in geometry.get("features") or [] for p in _rings(f)]
    if kind == "Feature":
        return _rings(geometry.get("geometry"))
    if kind == "Polygon":
        return [geometry.get("coordinates") or []]
    if kind == "MultiPolygon":
        return list(geometry.get("coordinates") or [])
    return []


def _in_ring(lon: float, lat: float, ring: list) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=False):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def inside_outline(outline: object, lat: float, lon: float) -> bool:
    """Whether the point is inside the GeoJSON outline (holes excluded); bad data: no."""
    try:
        for polygon in _rings(outline):
            rings = [[point[:2] for point in ring] for ring in polygon]
            if (
                rings
                and _in_ring(lon, lat, rings[0])
                and not any(_in_ring(lon, lat, hole) for hole in rings[1:])
            ):
                return True
    except (TypeError, ValueError, ZeroDivisionError, IndexError):
        return False
    return False


@dataclass
class Place:
    """What a source says about where a place is."""

    names: list[str]  # district references: a slug or a name, in order
    locality: str = ""
    region: str = ""
    latitude: float | None = None
    longitude: float | None = None


class DistrictFinder:
    """Our districts and the gazetteer, read once per import."""

    def __init__(self) -> None:
        self.districts = list(District.objects.all())
        self.by_slug = {d.slug: d for d in self.districts}
        self.by_pk = {d.pk: d for d in self.districts}
        self.by_key: dict[tuple[str, ...], list[District]] = {}
        for district in self.districts:
            self.by_key.setdefault(name_key(district.name), []).append(district)
            if district.name_en:
                self.by_key.setdefault(name_key(district.name_en), []).append(district)
        self.radius_km = float(getattr(settings, "REGISTRY_IMPORT_DISTRICT_RADIUS_KM", 30.0))

    def _in_region(self, found: list[District], region: str) -> list[District]:
        key = name_key(region) if region else ()
        if not key or len(found) < 2:
            return found
        same = [d for d in found if name_key(d.region) == key or key[0] in name_key(d.region)]
        return same or found

    def by_name(self, reference: str, region: str = "") -> District | None:
        if reference in self.by_slug:
            return self.by_slug[reference]
        found = self._in_region(self.by_key.get(name_key(reference), []), region)
        return found[0] if len(found) == 1 else None

    def by_locality(self, locality: str, region: str) -> District | None:
        places = gazetteer.names().places.get(locality_key(locality), []) if locality else []
        slugs = {p.district_slug for p in places}
        found = self._in_region([self.by_slug[s] for s in slugs if s in self.by_slug], region)
        return found[0] if len(found) == 1 else None

    def by_point(self, lat: float, lon: float) -> District | None:
        for district in self.districts:  # outlines first; the centres of the rest
            if district.outline and inside_outline(district.outline, lat, lon):
                return district
        nearest = min(
            (d for d in self.districts if not d.outline),
            key=lambda d: distance_km(lat, lon, d.latitude, d.longitude),
            default=None,
        )
        if nearest and distance_km(lat, lon, nearest.latitude, nearest.longitude) <= (
            self.radius_km
        ):
            return nearest
        return None

    def find(self, place: Place) -> District | None:
        """Name, then locality, then point (see the module docstring)."""
        for reference in place.names:
            district = self.by_name(reference, place.region)
            if district is not None:
                return district
        district = self.by_locality(place.locality, place.region)
        if district is None and place.latitude is not None and place.longitude is not None:
            district = self.by_point(place.latitude, place.longitude)
        return district
