"""The registry as an HSDS 3.0 tabular datapackage: a zip of CSV files and ``datapackage.json``.

The tables and their columns are those of the official HSDS 3.0 datapackage
descriptor (``hsds_datapackage.json``, from openreferral/specification, CC BY-SA 4.0),
written for every table (header only when we have no such rows), so any tool that
reads HSDS tabular data reads ours. The rows are the API's own JSON flattened
(``HSDSSerializer.service_full``): the same published services, the same ids, and
the same privacy rule — a confidential place is its district only, never an address,
coordinates or a name (nor hours of its own). A place's own weekly hours are rows of
``schedules.csv`` with its ``service_at_location_id`` and ``location_id``.
``manage.py import_hsds`` reads the zip back.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from django.utils import timezone
from wagtail.models import Locale

from ..models import Organization, Service
from .serializers import HSDSSerializer

DESCRIPTOR = Path(__file__).with_name("hsds_datapackage.json")
BATCH = 200


@cache
def descriptor() -> dict:
    return json.loads(DESCRIPTOR.read_text(encoding="utf-8"))


def columns() -> dict[str, list[str]]:
    """Each resource's file name → its column names, in the official order."""
    return {
        resource["path"]: [field["name"] for field in resource["schema"]["fields"]]
        for resource in descriptor()["resources"]
    }


class Tables:
    """Rows per file, each row once (a term or a taxonomy is shared by many services)."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, dict]] = {path: {} for path in columns()}

    def add(self, path: str, row: dict[str, Any]) -> None:
        self.rows[path].setdefault(str(row["id"]), row)

    def add_attributes(self, attributes: list[dict]) -> None:
        for attribute in attributes:
            term = attribute.get("taxonomy_term") or {}
            taxonomy = term.get("taxonomy_detail")
            if taxonomy:
                self.add("taxonomies.csv", taxonomy)
            if term:
                # Required in the tables, where an empty cell is a missing value.
                self.add(
                    "taxonomy_terms.csv",
                    {**term, "description": term.get("description") or term.get("name")},
                )
            self.add("attributes.csv", attribute)

    def add_location(self, location: dict) -> None:
        for address in location.get("addresses", []):
            self.add("addresses.csv", address)
        for note in location.get("accessibility", []):
            self.add("accessibility.csv", note)
        self.add_attributes(location.get("attributes", []))
        self.add("locations.csv", location)

    def add_service(self, service: dict) -> None:
        """One ``compiled/service.json`` object, flattened into its tables."""
        organization = service.get("organization")
        if organization:
            description = organization.get("description") or organization.get("name")
            self.add("organizations.csv", {**organization, "description": description})
        for phone in service.get("phones", []):
            self.add("phones.csv", phone)
        for schedule in service.get("schedules", []):
            self.add("schedules.csv", schedule)
        for area in service.get("service_areas", []):
            self.add_attributes(area.get("attributes", []))
            self.add("service_areas.csv", area)
        for link in service.get("service_at_locations", []):
            self.add_location(link["location"])
            for schedule in link.get("schedules", []):  # a place's own hours
                self.add("schedules.csv", schedule)
            self.add("service_at_location.csv", link)
        for language in service.get("languages", []):
            self.add("languages.csv", language)
        for option in service.get("cost_options", []):
            self.add("cost_options.csv", option)
        self.add_attributes(service.get("attributes", []))
        self.add("services.csv", service)


def published_services() -> Iterator[Service]:
    """The services the API lists (published, not closed), in the default locale."""
    locale = Locale.get_default()
    services = Service.objects.public().filter(locale=locale).order_by("name", "pk")
    pks = list(services.values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        batch = Service.objects.filter(pk__in=pks[start : start + BATCH]).with_public_related()
        yield from batch.order_by("name", "pk")


def collect(progress: Callable[[int, int], None] | None = None) -> Tables:
    """Every published service, with its organisation's phones, as tables."""
    locale = Locale.get_default()
    serializer = HSDSSerializer(locale, locale)
    tables = Tables()
    total = Service.objects.public().filter(locale=locale).count()
    organization_ids: set[int] = set()
    for done, service in enumerate(published_services(), start=1):
        tables.add_service(serializer.service_full(service))
        if service.organization_id:
            organization_ids.add(service.organization_id)
        if progress:
            progress(done, total)
    for organization in Organization.objects.filter(pk__in=organization_ids).prefetch_related(
        "phones"
    ):
        org_id = serializer.organization_id(organization)
        for phone in organization.phones.all():
            tables.add("phones.csv", serializer.phone(phone, organization_id=org_id))
    return tables


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def csv_text(path: str, tables: Tables) -> str:
    names = columns()[path]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for row in tables.rows[path].values():
        writer.writerow([cell(row.get(name)) for name in names])
    return buffer.getvalue()


def write_zip(target: BinaryIO, progress: Callable[[int, int], None] | None = None) -> Tables:
    """Write the datapackage zip to `target` (a file or a response); returns the tables."""
    tables = collect(progress)
    package = {
        **descriptor(),
        "created": timezone.now().isoformat(timespec="seconds"),
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "datapackage.json", json.dumps(package, ensure_ascii=False, indent=2) + "\n"
        )
        for path in columns():
            archive.writestr(path, csv_text(path, tables))
    return tables
