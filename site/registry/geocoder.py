"""The operator's own geocoder, for a place the gazetteer does not know: off by default.

``REGISTRY_GEOCODER_URL`` names a Nominatim (``https://nominatim.example.org/search``)
or Photon (``https://photon.example.org/api``, with ``REGISTRY_GEOCODER_KIND=photon``)
server the operator runs or trusts. Nothing is sent anywhere unless it is set. The
request is made from the server with ``REGISTRY_GEOCODER_TIMEOUT`` seconds at most;
any failure (timeout, refused, not JSON, nothing found) is :class:`GeocoderFailed`
or ``None``, never an error page. The visitor's words are never logged: the standard
library's ``urllib`` logs nothing, and the log line on failure names only the reason.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings

logger = logging.getLogger(__name__)
MAX_BYTES = 256 * 1024


class GeocoderFailed(Exception):
    """The geocoder did not answer in time or answered nonsense."""


@dataclass(frozen=True)
class Geocoded:
    label: str
    latitude: float
    longitude: float

    @property
    def point(self) -> tuple[float, float]:
        return (self.latitude, self.longitude)


def enabled() -> bool:
    return bool(settings.REGISTRY_GEOCODER_URL)


def _address(text: str) -> str:
    base = settings.REGISTRY_GEOCODER_URL
    if settings.REGISTRY_GEOCODER_KIND == "photon":
        params = {"q": text, "limit": 1, "lang": "default"}
    else:
        params = {"q": text, "format": "jsonv2", "limit": 1, "accept-language": "ru"}
    return f"{base}{'&' if '?' in base else '?'}{urlencode(params)}"


def _first(answer: object) -> Geocoded | None:
    """The first result of a Nominatim list or a Photon GeoJSON collection."""
    if isinstance(answer, list) and answer and isinstance(answer[0], dict):
        row = answer[0]
        label = str(row.get("display_name") or row.get("name") or "")
        return Geocoded(label.split(",")[0], float(row["lat"]), float(row["lon"]))
    if isinstance(answer, dict) and answer.get("features"):
        feature = answer["features"][0]
        lon, lat = feature["geometry"]["coordinates"][:2]
        label = str(feature.get("properties", {}).get("name") or "")
        return Geocoded(label, float(lat), float(lon))
    return None


def geocode(text: str) -> Geocoded | None:
    """The point of `text` (None: not found); :class:`GeocoderFailed` when the
    geocoder is off, slow or broken."""
    if not enabled():
        raise GeocoderFailed("off")
    request = urllib.request.Request(  # noqa: S310 (the operator's own http(s) address)
        _address(text),
        headers={"User-Agent": "safechildhood-registry", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.REGISTRY_GEOCODER_TIMEOUT
        ) as response:
            body = response.read(MAX_BYTES)
        found = _first(json.loads(body))
    except (OSError, ValueError, KeyError, IndexError, TypeError) as error:
        logger.warning("Geocoder failed: %s", type(error).__name__)
        raise GeocoderFailed(type(error).__name__) from None
    if found is None:
        return None
    if not (-90 <= found.latitude <= 90 and -180 <= found.longitude <= 180):
        raise GeocoderFailed("bad point")
    return found
