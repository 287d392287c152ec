"""schema.org JSON-LD for a service page: a ``GovernmentService`` and its provider.

Search engines and assistants read it to answer "where can I get help with…".
Privacy: a confidential location contributes no ``Place`` at all (no address,
no coordinates, nor the hours of its own); its district still appears in ``areaServed``.
A public place with weekly hours of its own gives them as its ``Place``'s
``openingHoursSpecification``; the service's ``hoursAvailable`` are its general hours.
"""

from __future__ import annotations

import datetime as dt
import json

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from .hours import has_own_hours, upcoming_exceptions, weekly_rows
from .models import ICAL_DAYS, AbstractPhone, Location, Service
from .presentation import ServicePage

SCHEMA_DAYS = {
    "MO": "https://schema.org/Monday",
    "TU": "https://schema.org/Tuesday",
    "WE": "https://schema.org/Wednesday",
    "TH": "https://schema.org/Thursday",
    "FR": "https://schema.org/Friday",
    "SA": "https://schema.org/Saturday",
    "SU": "https://schema.org/Sunday",
}
ALL_DAYS = [SCHEMA_DAYS[day] for day in ICAL_DAYS]


def _time(value: dt.time) -> str:
    return value.strftime("%H:%M")


def opening_hours(service: Service, location: Location | None = None) -> list[dict]:
    """``OpeningHoursSpecification`` items: weekly hours (at `location`, default the
    general hours), then dated exceptions.

    A closed day is given as opens = closes = 00:00, as schema.org prescribes.
    """
    if service.is_24_7:
        return [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": ALL_DAYS,
                "opens": "00:00",
                "closes": "23:59",
            }
        ]
    specs = [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": SCHEMA_DAYS[schedule.ical_byday],
            "opens": _time(schedule.opens_at),
            "closes": _time(schedule.closes_at),
        }
        for schedule in weekly_rows(service, location)
    ]
    for exception in upcoming_exceptions(service, location=location):
        spec = {
            "@type": "OpeningHoursSpecification",
            "validFrom": exception.start_date.isoformat(),
            "validThrough": exception.last_date.isoformat(),
        }
        if exception.is_closed or exception.opens_at is None or exception.closes_at is None:
            spec.update(opens="00:00", closes="00:00")
        else:
            spec.update(opens=_time(exception.opens_at), closes=_time(exception.closes_at))
        if exception.description:
            spec["description"] = exception.description
        specs.append(spec)
    return specs


def _absolute(request: HttpRequest | None, path: str) -> str:
    if not path:
        return ""
    return request.build_absolute_uri(path) if request is not None else path


def _compact(data: dict) -> dict:
    """Drop empty values so that the output has no ``"": ""`` noise."""
    return {key: value for key, value in data.items() if value not in ("", None, [], {})}


def _contact_point(phone: AbstractPhone) -> dict:
    return _compact(
        {
            "@type": "ContactPoint",
            "telephone": phone.number,
            "contactType": phone.get_kind_display(),
            "description": phone.description,
        }
    )


def _places(page: ServicePage, hours: list[dict]) -> list[dict]:
    """A ``Place`` for each public location; a confidential one contributes none."""
    service = page.service
    places = []
    for location in page.places:
        if location.is_confidential:
            continue
        district = location.district
        place = {
            "@type": "Place",
            "name": location.public_name() or service.name,
            "address": _compact(
                {
                    "@type": "PostalAddress",
                    "streetAddress": location.public_address(),
                    "postalCode": location.public_postal_code(),
                    "addressLocality": district.name if district else "",
                    "addressRegion": district.region if district else "",
                    "addressCountry": "RU",
                }
            ),
            "telephone": [phone.number for phone in service.phones.all()],
            "openingHoursSpecification": (
                opening_hours(service, location) if has_own_hours(service, location) else hours
            ),
        }
        point = location.public_coordinates()
        if point is not None:
            place["geo"] = {"@type": "GeoCoordinates", "latitude": point[0], "longitude": point[1]}
        places.append(_compact(place))
    return places


def _provider(organization) -> dict:
    org_phones = list(organization.phones.all())
    return _compact(
        {
            "@type": "Organization",
            "name": organization.name,
            "alternateName": organization.alternate_name,
            "description": organization.description,
            "url": organization.website,
            "email": organization.email,
            "telephone": org_phones[0].number if org_phones else "",
            "contactPoint": [_contact_point(phone) for phone in org_phones],
        }
    )


def service_jsonld(page: ServicePage, request: HttpRequest | None = None) -> dict:
    """The JSON-LD object for a service page."""
    service = page.service
    hours = opening_hours(service)
    phones = [_contact_point(phone) for phone in service.phones.all()]
    places = _places(page, hours)

    districts = {}
    for location in page.places:
        if location.district_id:
            districts[location.district_id] = location.district
    for district in page.districts:
        districts[district.pk] = district
    area = [{"@type": "AdministrativeArea", "name": d.name} for d in districts.values()]

    provider = _provider(service.organization) if service.organization else None
    channel = _compact(
        {
            "@type": "ServiceChannel",
            "servicePhone": phones,
            "serviceUrl": service.url,
            "serviceLocation": places,
        }
    )
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "@id": _absolute(request, page.url) + "#service" if page.url else "",
        "name": service.name,
        "alternateName": service.alternate_name,
        "description": service.description,
        "url": _absolute(request, page.url),
        "serviceType": [kind.name for kind in page.kinds],
        "audience": [
            {"@type": "Audience", "audienceType": group.name} for group in page.target_groups
        ],
        "areaServed": area,
        "provider": provider,
        "hoursAvailable": hours,
        "availableChannel": channel if len(channel) > 1 else None,
    }
    return _compact(data)


_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def to_script_content(data: dict) -> SafeString:
    """JSON safe inside ``<script type="application/ld+json">`` (no ``</script>`` break-out)."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_ESCAPES))  # noqa: S308
