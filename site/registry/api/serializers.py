"""Our registry objects as HSDS 3.0 JSON (validated against the official schemas in tests).

Plain functions over objects fetched with ``Service.objects.with_public_related()``:
no query is made here except the two small taxonomy maps, loaded once per
response (and the districts' regions, once, when a place has no district). Empty
optional values are left out rather than sent as ``null`` or ``""`` (the schemas
type them as strings with formats).

Privacy: a confidential location is published with its district only — never
its name, address, postal code, coordinates, transport or accessibility notes —
through the models' ``public_*`` helpers, and the editor's e-mail
(``assurer_email``) is never published. A place's own weekly hours go with its
``service_at_location`` (``service_at_location_id`` and ``location_id`` set); the
service's ``schedules`` are its general hours. A confidential place's own hours are
never published: its ``service_at_location`` then has no weekly hours at all.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cached_property
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Locale

from ..hours import CalendarException, calendar_exceptions, has_own_hours, weekly_rows
from ..hsds import (
    COUNTRY,
    LANGUAGE_CODES,
    PHONE_TYPE,
    STATUS_TO_HSDS,
    TAXONOMY_BY_MODEL,
    Taxonomy,
    derived_id,
    locality_in,
    weekday_code,
)
from ..models import (
    AbstractPhone,
    District,
    Location,
    Organization,
    Schedule,
    ScheduleException,
    Service,
    ServiceArea,
    ServiceKind,
    TargetGroup,
    site_timezone,
)

JSON = dict[str, Any]


def compact(data: JSON) -> JSON:
    """Drop optional keys whose value is None or an empty string."""
    return {key: value for key, value in data.items() if value is not None and value != ""}


def hhmm(value) -> str:
    return value.strftime("%H:%M")


def utc_offset_hours() -> float | int:
    """The site's current UTC offset (HSDS ``schedule.timezone`` is a number)."""
    offset = timezone.now().astimezone(site_timezone()).utcoffset()
    hours = offset.total_seconds() / 3600 if offset else 0
    return int(hours) if hours == int(hours) else hours


class HSDSSerializer:
    """Serialises one response in one locale.

    ``service_ids`` / ``organization_ids`` map a translation's pk to the id of
    its source (Russian) row, so that an entry has the same HSDS id in every
    language.
    """

    def __init__(self, locale: Locale, default_locale: Locale) -> None:
        self.locale = locale
        self.language = locale.language_code
        self.default_language = default_locale.language_code
        self.default_locale_id = default_locale.pk
        self.service_ids: dict[int, str] = {}
        self.organization_ids: dict[int, str] = {}

    # --- ids ---

    def service_id(self, service: Service) -> str:
        return self.service_ids.get(service.pk) or service.hsds_id

    def organization_id(self, organization: Organization) -> str:
        return self.organization_ids.get(organization.pk) or organization.hsds_id

    # --- taxonomies ---

    def _localized(self, model) -> dict:
        """``{code: term}`` in the locale, falling back to the default one (1 query)."""
        terms: dict = {}
        rows = model.objects.filter(locale_id__in=[self.locale.pk, self.default_locale_id])
        for term in rows.order_by("sort_order", "pk"):
            if term.code not in terms or term.locale_id == self.locale.pk:
                terms[term.code] = term
        return terms

    @cached_property
    def kind_names(self) -> dict:
        return self._localized(ServiceKind)

    @cached_property
    def group_names(self) -> dict:
        return self._localized(TargetGroup)

    def taxonomy(self, taxonomy: Taxonomy) -> JSON:
        return {
            "id": taxonomy.id,
            "name": str(taxonomy.name),
            "description": str(taxonomy.description),
            "version": "1",
        }

    def taxonomy_term(self, term) -> JSON:
        """A kind, a target group (source-locale row, localised name) or a district."""
        taxonomy = TAXONOMY_BY_MODEL[type(term)]
        if isinstance(term, District):
            code, name = term.slug, term.name
            description = f"{term.get_kind_display()}, {term.region}"
            language = self.default_language
        else:
            names = self.kind_names if isinstance(term, ServiceKind) else self.group_names
            shown = names.get(term.code, term)
            code, name, description = term.code, shown.name, shown.description
            language = self.language if shown.locale_id == self.locale.pk else self.default_language
        return compact(
            {
                "id": term.hsds_id,
                "code": code,
                "name": name,
                "taxonomy": str(taxonomy.name),
                "taxonomy_id": taxonomy.id,
                "taxonomy_detail": self.taxonomy(taxonomy),
                "language": language,
            }
        ) | {"description": description}

    def attribute(self, owner_id: str, entity: str, term) -> JSON:
        term_json = self.taxonomy_term(term)
        return {
            "id": derived_id(owner_id, f"attribute:{term_json['id']}"),
            "link_id": owner_id,
            "link_type": TAXONOMY_BY_MODEL[type(term)].key,
            "link_entity": entity,
            "taxonomy_term_id": term_json["id"],
            "taxonomy_term": term_json,
        }

    # --- organizations ---

    def organization(self, organization: Organization) -> JSON:
        """The one-to-one fields (``organization_list.json``)."""
        return compact(
            {
                "id": self.organization_id(organization),
                "name": organization.name,
                "alternate_name": organization.alternate_name,
                "description": organization.description,
                "email": organization.email,
                "website": organization.website,
                "legal_status": organization.legal_status,
            }
        ) | {"description": organization.description}

    def organization_full(self, organization: Organization, services: list[Service]) -> JSON:
        """``compiled/organization.json``: with its phones and its public services.

        Reads ``organization.phones.all()``: prefetch them when serialising many.
        """
        org_id = self.organization_id(organization)
        return self.organization(organization) | {
            "phones": [
                self.phone(phone, organization_id=org_id) for phone in organization.phones.all()
            ],
            "services": [self.service(service, with_organization=False) for service in services],
        }

    # --- services ---

    def service(self, service: Service, with_organization: bool = True) -> JSON:
        """The one-to-one fields (``compiled/service_list.json``)."""
        data = compact(
            {
                "id": self.service_id(service),
                "organization_id": (
                    self.organization_id(service.organization) if service.organization else None
                ),
                "name": service.name,
                "alternate_name": service.alternate_name,
                "description": service.description,
                "url": service.url,
                "email": service.email,
                "status": STATUS_TO_HSDS[service.status],
                "interpretation_services": service.interpretation_services,
                "application_process": service.application_process,
                "fees_description": service.fees_description,
                "eligibility_description": service.eligibility_description,
                "minimum_age": service.minimum_age,
                "maximum_age": service.maximum_age,
                "assured_date": service.assured_date.isoformat() if service.assured_date else None,
                "alert": service.current_alert,
                "last_modified": service.modified.astimezone(dt.UTC).isoformat(
                    timespec="milliseconds"
                ),
            }
        )
        if with_organization and service.organization:
            data["organization"] = self.organization(service.organization)
        return data

    def service_full(self, service: Service) -> JSON:
        """``compiled/service.json``: everything the public service page shows."""
        service_id = self.service_id(service)
        data = self.service(service)
        data["phones"] = [
            self.phone(phone, service_id=service_id) for phone in service.phones.all()
        ]
        data["schedules"] = self.schedules(service, service_id)
        data["service_areas"] = [
            self.service_area(area, service_id) for area in service.service_areas.all()
        ]
        data["service_at_locations"] = [
            self.service_at_location(location, service_id) | self.place_hours(service, location)
            for location in service.locations.all()
        ]
        data["languages"] = self.languages(service, service_id)
        data["cost_options"] = [self.cost_option(service, service_id)]
        data["attributes"] = [
            self.attribute(service_id, "service", term)
            for term in [*service.kinds.all(), *service.target_groups.all()]
        ]
        if service.accessibility:
            # HSDS 3 has accessibility on locations only: the service-wide note goes to each
            # public one (a confidential place gets nothing that could describe it).
            public = [loc for loc in service.locations.all() if not loc.is_confidential]
            public_ids = {loc.hsds_id for loc in public}
            for location in data["service_at_locations"]:
                if location["location_id"] not in public_ids:
                    continue
                location["location"].setdefault("accessibility", []).append(
                    {
                        "id": derived_id(location["location"]["id"], "service-accessibility"),
                        "location_id": location["location"]["id"],
                        "description": service.accessibility,
                    }
                )
        return data

    def phone(self, phone: AbstractPhone, **owner: str) -> JSON:
        """A service's or an organisation's phone: ``owner`` is ``service_id=…`` or
        ``organization_id=…``. Our kind goes first in the description (read back on import)."""
        label = phone.get_kind_display()
        description = f"{label}. {phone.description}" if phone.description else str(label)
        return {
            "id": phone.hsds_id,
            **owner,
            "number": phone.number,
            "type": PHONE_TYPE.get(phone.kind, "voice"),
            "description": description,
        }

    def place_hours(self, service: Service, location: Location) -> JSON:
        """``{"schedules": [...]}``: a public place's own weekly hours, else nothing."""
        if location.is_confidential or service.is_24_7 or not has_own_hours(service, location):
            return {}
        service_id, tz = self.service_id(service), utc_offset_hours()
        link_id = derived_id(location, "service_at_location")
        return {
            "schedules": [
                {
                    **self.weekly(schedule, service_id, tz),
                    "location_id": location.hsds_id,
                    "service_at_location_id": link_id,
                }
                for schedule in weekly_rows(service, location)
            ]
        }

    def schedules_at(self, location: Location) -> list[JSON]:
        """The hours at one place (``/service_at_locations/{id}``): its own weekly hours
        or the general ones, and the dated exceptions. No weekly hours for a confidential
        place with hours of its own: they are never published."""
        service = location.service
        own = has_own_hours(service, location)
        rows = self.schedules(service, self.service_id(service), weekly=not own)
        if own and not location.is_confidential:
            rows = self.place_hours(service, location).get("schedules", []) + rows
        return rows

    def schedules(self, service: Service, service_id: str, weekly: bool = True) -> list[JSON]:
        """The service's general weekly hours (unless not `weekly`) and its dated exceptions."""
        rows: list[JSON] = []
        tz = utc_offset_hours()
        if service.is_24_7:
            rows.append(
                {
                    "id": derived_id(service_id, "24/7"),
                    "service_id": service_id,
                    "freq": "WEEKLY",
                    "wkst": "MO",
                    "byday": "MO,TU,WE,TH,FR,SA,SU",
                    "opens_at": "00:00",
                    "closes_at": "23:59",
                    "timezone": tz,
                    "description": _("Круглосуточно, без выходных"),
                }
            )
        if weekly:
            rows += [self.weekly(schedule, service_id, tz) for schedule in weekly_rows(service)]
        rows += [
            self.exception(exception, service_id, tz)
            for exception in service.schedule_exceptions.all()
        ]
        # The official calendar's holidays and working days from today, where the
        # service has no special day of its own (none for a round-the-clock service).
        rows += [
            self.exception(day, service_id, tz)
            for day in calendar_exceptions(service, timezone.localdate())
        ]
        return rows

    def weekly(self, schedule: Schedule, service_id: str, tz) -> JSON:
        return {
            "id": schedule.hsds_id,
            "service_id": service_id,
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": weekday_code(schedule.weekday),
            "opens_at": hhmm(schedule.opens_at),
            "closes_at": hhmm(schedule.closes_at),
            "timezone": tz,
            "description": str(schedule),
        }

    def exception(
        self, exception: ScheduleException | CalendarException, service_id: str, tz
    ) -> JSON:
        """A dated exception: ``valid_from``/``valid_to``; no hours means closed."""
        data = {
            "id": exception.hsds_id,
            "service_id": service_id,
            "valid_from": exception.start_date.isoformat(),
            "valid_to": exception.last_date.isoformat(),
            "timezone": tz,
            "description": exception.description or str(exception),
        }
        if exception.is_closed:
            data["notes"] = _("Не работает")
        else:
            data["opens_at"] = hhmm(exception.opens_at)
            data["closes_at"] = hhmm(exception.closes_at)
        return data

    def service_area(self, area: ServiceArea, service_id: str) -> JSON:
        district = area.district
        data = compact(
            {
                "id": area.hsds_id,
                "service_id": service_id,
                "name": district.name,
                "description": area.description,
            }
        )
        if district.outline:
            data["extent"] = json.dumps(district.outline, ensure_ascii=False)
            data["extent_type"] = "geojson"
        data["attributes"] = [self.attribute(area.hsds_id, "service_area", district)]
        return data

    def service_at_location(self, location: Location, service_id: str) -> JSON:
        return {
            "id": derived_id(location, "service_at_location"),
            "service_id": service_id,
            "location_id": location.hsds_id,
            "location": self.location(location),
        }

    def location(self, location: Location) -> JSON:
        """A place; confidential: only its district, no address and no coordinates."""
        district = location.district
        district_name = district.name if district else ""
        data: JSON = {"id": location.hsds_id, "location_type": "physical"}
        if location.is_confidential:
            data["name"] = district_name or location.public_label()
            data["description"] = location.public_label()
        else:
            data["name"] = location.name or district_name or location.address
            coordinates = location.public_coordinates()
            if coordinates:
                data["latitude"], data["longitude"] = coordinates
            if location.public_transportation():
                data["transportation"] = location.public_transportation()
            address = location.public_address()
            if address:
                data["addresses"] = [self.address(location, address)]
            accessibility = self.accessibility(location)
            if accessibility:
                data["accessibility"] = accessibility
        data["attributes"] = (
            [self.attribute(location.hsds_id, "location", district)] if district else []
        )
        return data

    def accessibility(self, location: Location) -> list[JSON]:
        """A public place's accessibility: one row per code (its label as the description,
        which the import reads back) and the free-text note as its own row."""
        rows = [
            {
                "id": derived_id(location, f"accessibility-{feature.code}"),
                "location_id": location.hsds_id,
                "description": feature.source_label,
            }
            for feature in location.public_features()
        ]
        if location.public_accessibility():
            rows.append(
                {
                    "id": derived_id(location, "accessibility"),
                    "location_id": location.hsds_id,
                    "description": location.public_accessibility(),
                }
            )
        return rows

    def address(self, location: Location, street: str) -> JSON:
        """A public place's postal address. The city is its district; without one (an
        import could not tell it) the locality the address names itself, else the region:
        HSDS requires both cells, and a town is never guessed."""
        district = location.district
        region = district.region if district else self.region_of(location)
        city = district.name if district else locality_in(street) or region
        return {
            "id": derived_id(location, "address"),
            "location_id": location.hsds_id,
            "address_1": street,
            "city": city,
            "state_province": region,
            "postal_code": location.public_postal_code(),
            "country": COUNTRY,
            "address_type": "physical",
        }

    def region_of(self, location: Location) -> str:
        """The region of a place without a district: its service's, when the service's
        other districts lie in one region, else the registry's when all its districts do."""
        service = location.service if Location.service.is_cached(location) else None
        regions = {district.region for district in service.districts()} if service else set()
        if len(regions) != 1:
            regions = self.registry_regions
        return next(iter(regions)) if len(regions) == 1 else ""

    @cached_property
    def registry_regions(self) -> set[str]:
        """Every region the registry's districts lie in (one query, once per response)."""
        return set(District.objects.values_list("region", flat=True).distinct())

    def languages(self, service: Service, service_id: str) -> list[JSON]:
        names = [name.strip() for name in service.languages.split(",") if name.strip()]
        return [
            compact(
                {
                    "id": derived_id(service_id, f"language:{name.lower()}"),
                    "service_id": service_id,
                    "name": name,
                    "code": LANGUAGE_CODES.get(name.lower()),
                }
            )
            for name in names
        ]

    def cost_option(self, service: Service, service_id: str) -> JSON:
        if service.is_free:
            return {
                "id": derived_id(service_id, "cost"),
                "service_id": service_id,
                "option": _("Бесплатно"),
                "amount": 0,
                "currency": "RUB",
            }
        return compact(
            {
                "id": derived_id(service_id, "cost"),
                "service_id": service_id,
                "option": _("Платно"),
                "currency": "RUB",
                "amount_description": service.fees_description,
            }
        )
