"""What a reader hands to the engine: plain records with the source's labels, and problems.

A record carries only what its source says: ``fields`` holds the service fields
that were present (a CSV without an ``alert`` column leaves alerts alone), and
a child list that is ``None`` was not given (existing phones stay), while an
empty list clears it. Districts, kinds and target groups are still references
(a slug, a code or a name) for the engine to resolve.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass
class Problem:
    """One problem, located by record (row) and field: the report lists every one."""

    record: str
    field: str
    message: str
    level: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


@dataclass
class OrganizationRecord:
    external_id: str = ""
    name: str = ""
    fields: dict[str, Any] = field(default_factory=dict)  # alternate_name, website...
    phones: list[PhoneRecord] | None = None  # None: not given, the existing phones stay

    @property
    def key(self) -> tuple[str, str]:
        return ("id", self.external_id) if self.external_id else ("name", self.name.casefold())


@dataclass
class LocationRecord:
    field: str  # where in the source, e.g. "service_at_locations[0]" or "district"
    districts: list[str]  # references to try in order: slug or name
    name: str = ""
    locality: str = ""  # the address's town or village (looked up in the gazetteer)
    region: str = ""
    address: str = ""
    postal_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    accessibility: str = ""
    accessibility_codes: list[str] = field(default_factory=list)
    transportation: str = ""
    is_confidential: bool = False
    hsds_ids: tuple[str, ...] = ()  # the source's service_at_location and location ids


@dataclass
class AreaRecord:
    field: str
    districts: list[str]
    description: str = ""


@dataclass
class PhoneRecord:
    field: str
    number: str
    kind: str
    description: str = ""


@dataclass
class ScheduleRecord:
    weekday: int
    opens_at: dt.time
    closes_at: dt.time
    place: int | None = None  # index in the record's ``locations``: that place's own hours


@dataclass
class ExceptionRecord:
    field: str
    start_date: dt.date
    end_date: dt.date | None
    is_closed: bool
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None
    description: str = ""


@dataclass
class ServiceRecord:
    label: str  # «строка 5», «services[2]», «services.csv, строка 3»
    external_id: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    organization: OrganizationRecord | None = None
    kinds: list[str] | None = None
    target_groups: list[str] | None = None
    locations: list[LocationRecord] | None = None
    areas: list[AreaRecord] | None = None
    phones: list[PhoneRecord] | None = None
    schedules: list[ScheduleRecord] | None = None
    exceptions: list[ExceptionRecord] | None = None

    @property
    def name(self) -> str:
        return self.fields.get("name", "")


@dataclass
class Parsed:
    """A reader's result: the records and the problems found while reading."""

    records: list[ServiceRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    source: str = ""  # what was read: «CSV (UTF-8, разделитель «;»)», «HSDS JSON»

    def error(self, record: str, field_name: str, message: str) -> None:
        self.problems.append(Problem(record, field_name, message))

    def warning(self, record: str, field_name: str, message: str) -> None:
        self.problems.append(Problem(record, field_name, message, WARNING))
