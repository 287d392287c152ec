"""Open Referral HSDS 3.0 JSON (and tabular CSV) → import records.

Accepted shapes:

- one service object (``GET /services/{id}`` of any HSDS API, ours included);
- a list of services, or an API page ``{"contents": [...]}``;
- an organisation with its ``services`` (``GET /organizations/{id}``);
- "tabular" data: a directory of per-object files (``services.json`` or
  ``services.csv``, ``organizations``, ``locations``, ``addresses``, ``phones``,
  ``schedules``, ``service_areas``, ``service_at_locations``, ``attributes``,
  ``taxonomy_terms``…, as in an HSDS datapackage), or one JSON object holding
  those tables as lists; rows are linked by their ids;
- a directory of JSON files of the shapes above;
- a zip of tabular files (an HSDS datapackage, e.g. ``manage.py export_hsds``).

Mapping decisions (see the README, «Open Referral HSDS»):

- ``service.id`` becomes ``external_id``: importing the same data again updates.
- Kinds and target groups come from ``attributes`` whose taxonomy term is one of
  ours (by taxonomy id or name), or whose term ``code`` is one of our codes.
  Terms of other taxonomies are reported as warnings and skipped.
- A location's district: its district attribute (our ``districts`` taxonomy, code
  = district slug), else the address ``city``, ``region``, ``state_province`` or
  the location's name as a district name, else the ``city`` in the gazetteer, else
  the coordinates (``importing.districts``). Unresolved: a warning, and the place is
  imported without a district (or one is created with ``--create-districts``).
- A location without an address is imported as *confidential* (only its
  district is known: that is also how we publish confidential places).
- Our phone kind is read from the start of the phone's description
  («Горячая линия. …»), HSDS ``type: cell`` means mobile.
- A weekly schedule covering all seven days 00:00–23:59 means 24/7; schedules
  with ``valid_from`` are dated exceptions (no hours = closed).
- A weekly schedule of one place (nested in a ``service_at_location`` or its
  ``location``, or naming its ``service_at_location_id`` / ``location_id``) is that
  place's own hours; a dated exception of one place is skipped with a warning (our
  special days apply to the whole service).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from ..accessibility import recognise
from ..fields import DATE, INTEGER, TEXT, hsds_read
from ..hsds import STATUS_FROM_HSDS, TAXONOMY_BY_ID
from ..models import Phone, ServiceKind, TargetGroup, default_locale_filter
from . import values
from .decoding import NotText, decode
from .records import (
    AreaRecord,
    ExceptionRecord,
    LocationRecord,
    OrganizationRecord,
    Parsed,
    PhoneRecord,
    ScheduleRecord,
    ServiceRecord,
)

MAX_FILE_BYTES = 50 * 1024 * 1024
TABLES = [
    "services",
    "organizations",
    "locations",
    "addresses",
    "phones",
    "schedules",
    "service_areas",
    "service_at_locations",
    "attributes",
    "taxonomy_terms",
    "taxonomies",
    "languages",
    "cost_options",
    "accessibility",
]
# The official datapackage names this one file in the singular.
TABLE_ALIASES = {"service_at_location": "service_at_locations"}
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
TEXT_FIELDS = hsds_read(TEXT)
ORGANIZATION_FIELDS = ["alternate_name", "description", "website", "email", "legal_status"]
LABEL = "_label"


class Vocabulary:
    """Our taxonomy codes, to recognise terms from files that do not name our taxonomies."""

    def __init__(self) -> None:
        filters = default_locale_filter()
        self.kinds = set(ServiceKind.objects.filter(**filters).values_list("code", flat=True))
        self.groups = set(TargetGroup.objects.filter(**filters).values_list("code", flat=True))
        self.names = {
            "service_kinds": {"виды помощи", "service kinds", "kinds of help", "service_kinds"},
            "target_groups": {"кому помогает", "target groups", "target_groups"},
            "districts": {"районы", "districts"},
        }

    def taxonomy_of(self, term: dict) -> str | None:
        """ "service_kinds", "target_groups", "districts" or None."""
        detail = (
            term.get("taxonomy_detail") if isinstance(term.get("taxonomy_detail"), dict) else {}
        )
        taxonomy_id = str(term.get("taxonomy_id") or detail.get("id") or "")
        if taxonomy_id in TAXONOMY_BY_ID:
            return TAXONOMY_BY_ID[taxonomy_id].key
        name = str(term.get("taxonomy") or detail.get("name") or "").strip().casefold()
        for key, names in self.names.items():
            if name in names:
                return key
        code = str(term.get("code") or "").strip()
        if code in self.kinds:
            return "service_kinds"
        if code in self.groups:
            return "target_groups"
        return None


# --- Reading files ---------------------------------------------------------------------------


def read_path(path: Path) -> Parsed:
    """A file or a directory → records (see the module docstring for the shapes)."""
    parsed = Parsed(source="HSDS")
    vocabulary = Vocabulary()
    if path.is_file() and path.suffix.lower() == ".zip":
        _read_zip(path, parsed, vocabulary)
    elif path.is_dir():
        _read_directory(path, parsed, vocabulary)
    elif path.is_file():
        document = _load_json(path, parsed)
        if document is not None:
            _read_document(document, path.name, parsed, vocabulary)
    else:
        parsed.error(str(path), "", _("файл или папка не найдены"))
    if not parsed.records and not any(p.is_error for p in parsed.problems):
        parsed.error(str(path), "", _("не найдено ни одной службы HSDS"))
    return parsed


def read_json_bytes(data: bytes, name: str = "файл") -> Parsed:
    """Uploaded JSON bytes → records."""
    parsed = Parsed(source="HSDS JSON")
    document = _parse_json(data, name, parsed)
    if document is not None:
        _read_document(document, name, parsed, Vocabulary())
        if not parsed.records and not any(p.is_error for p in parsed.problems):
            parsed.error(name, "", _("не найдено ни одной службы HSDS"))
    return parsed


def _load_json(path: Path, parsed: Parsed) -> Any:
    if path.stat().st_size > MAX_FILE_BYTES:
        parsed.error(path.name, "", _("файл больше 50 МБ"))
        return None
    return _parse_json(path.read_bytes(), path.name, parsed)


def _parse_json(data: bytes, name: str, parsed: Parsed) -> Any:
    try:
        text, _encoding = decode(data)
    except NotText as error:
        parsed.error(name, "", str(error))
        return None
    try:
        return json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as error:
        parsed.error(
            name,
            "",
            _("это не JSON: %(error)s (строка %(line)d, позиция %(col)d)")
            % {"error": error.msg, "line": error.lineno, "col": error.colno},
        )
    except RecursionError:
        parsed.error(name, "", _("слишком глубокая вложенность JSON"))
    return None


def _read_csv_table(path: Path, parsed: Parsed) -> list[dict] | None:
    try:
        text, _encoding = decode(path.read_bytes())
    except NotText as error:
        parsed.error(path.name, "", str(error))
        return None
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    rows = []
    try:
        for row in reader:
            clean = {key.strip(): (value or "").strip() for key, value in row.items() if key}
            clean[LABEL] = _("%(file)s, строка %(n)d") % {"file": path.name, "n": reader.line_num}
            rows.append(clean)
    except csv.Error as error:
        parsed.error(path.name, "", _("таблица повреждена: %(error)s") % {"error": error})
        return None
    return rows


def _read_directory(path: Path, parsed: Parsed, vocabulary: Vocabulary) -> None:
    files = sorted(
        p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".json", ".csv")
    )
    stems = {p.stem for p in files}
    if "services" in stems:
        tables: dict[str, list[dict]] = {}
        for file in files:
            table = TABLE_ALIASES.get(file.stem, file.stem)
            if table not in TABLES:
                continue
            if file.suffix.lower() == ".csv":
                rows = _read_csv_table(file, parsed)
            else:
                rows = _load_json(file, parsed)
                if rows is not None and not isinstance(rows, list):
                    parsed.error(file.name, "", _("ожидается список объектов"))
                    rows = None
                elif rows is not None:
                    for n, row in enumerate(rows):
                        if isinstance(row, dict):
                            row[LABEL] = f"{file.name}[{n}]"
            if rows is not None:
                tables[table] = tables.get(table, []) + rows
        _read_tables(tables, parsed, vocabulary)
        return
    json_files = [f for f in files if f.suffix.lower() == ".json" and f.name != "datapackage.json"]
    if not json_files:
        parsed.error(
            path.name, "", _("в папке нет файлов HSDS (services.json, services.csv или *.json)")
        )
    for file in json_files:
        document = _load_json(file, parsed)
        if document is not None:
            _read_document(document, file.name, parsed, vocabulary)


def _read_zip(path: Path, parsed: Parsed, vocabulary: Vocabulary) -> None:
    """A tabular datapackage zip (ours from ``export_hsds``, or another system's): its
    CSV/JSON files, wherever in the zip, are read as a directory."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                m
                for m in archive.infolist()
                if not m.is_dir() and Path(m.filename).suffix.lower() in (".csv", ".json")
            ]
            if sum(m.file_size for m in members) > MAX_FILE_BYTES:
                parsed.error(path.name, "", _("файл больше 50 МБ"))
                return
            with tempfile.TemporaryDirectory() as directory:
                for member in members:
                    name = Path(member.filename).name  # flat: no path from the zip is trusted
                    (Path(directory) / name).write_bytes(archive.read(member))
                _read_directory(Path(directory), parsed, vocabulary)
    except (zipfile.BadZipFile, OSError) as error:
        parsed.error(path.name, "", _("архив zip повреждён: %(error)s") % {"error": error})


def _read_document(document: Any, name: str, parsed: Parsed, vocabulary: Vocabulary) -> None:
    """Recognise the shape of one JSON document."""
    if isinstance(document, list):
        for n, item in enumerate(document):
            _read_service(item, f"{name}[{n}]", parsed, vocabulary)
        return
    if not isinstance(document, dict):
        parsed.error(
            name, "", _("не похоже на HSDS: ожидается служба, список служб или страница API")
        )
        return
    if isinstance(document.get("contents"), list):
        for n, item in enumerate(document["contents"]):
            _read_service(item, f"{name}: contents[{n}]", parsed, vocabulary)
        return
    if isinstance(document.get("services"), list) and "name" not in document:
        tables = {
            key: value
            for key, value in document.items()
            if key in TABLES and isinstance(value, list)
        }
        for key, rows in tables.items():
            for n, row in enumerate(rows):
                if isinstance(row, dict):
                    row[LABEL] = f"{name}: {key}[{n}]"
        _read_tables(tables, parsed, vocabulary)
        return
    if isinstance(document.get("services"), list):  # an organisation with its services
        organization = {key: value for key, value in document.items() if key != "services"}
        for n, item in enumerate(document["services"]):
            if isinstance(item, dict) and not item.get("organization"):
                item = {**item, "organization": organization}
            _read_service(item, f"{name}: services[{n}]", parsed, vocabulary)
        return
    if "name" in document or "id" in document:
        _read_service(document, name, parsed, vocabulary)
        return
    parsed.error(name, "", _("не похоже на HSDS: ожидается служба, список служб или страница API"))


# --- Tabular → nested ----------------------------------------------------------------------------


class _Tables:
    """Tabular HSDS: the tables by name, rows looked up by the ids that link them."""

    SERVICE_TABLES = (
        "phones",
        "schedules",
        "service_areas",
        "service_at_locations",
        "languages",
        "cost_options",
    )

    def __init__(self, tables: dict[str, list]) -> None:
        self.tables = tables
        self.organizations = {str(row.get("id")): row for row in self.rows("organizations")}
        self.locations = {str(row.get("id")): row for row in self.rows("locations")}
        self.terms = {str(row.get("id")): row for row in self.rows("taxonomy_terms")}
        self.taxonomies = {str(row.get("id")): row for row in self.rows("taxonomies")}
        self.attributes = self.group("attributes", "link_id")
        self.addresses = self.group("addresses", "location_id")
        self.accessibility = self.group("accessibility", "location_id")
        self.by_service = {table: self.group(table, "service_id") for table in self.SERVICE_TABLES}
        # A place's hours given without the service's id: nested under the place.
        unowned = [row for row in self.rows("schedules") if not row.get("service_id")]
        self.link_hours = self.group_rows(unowned, "service_at_location_id")
        self.place_hours = self.group_rows(
            [row for row in unowned if not row.get("service_at_location_id")], "location_id"
        )

    def rows(self, table: str) -> list[dict]:
        return [row for row in self.tables.get(table, []) if isinstance(row, dict)]

    def group(self, table: str, key: str) -> dict[str, list[dict]]:
        return self.group_rows(self.rows(table), key)

    @staticmethod
    def group_rows(rows: list[dict], key: str) -> dict[str, list[dict]]:
        grouped: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            if row.get(key):
                grouped[str(row[key])].append(row)
        return grouped

    def link_organization_phones(self) -> None:
        """An organisation's own phones: linked to it, not to a service or a location."""
        if "phones" not in self.tables:
            return
        own_phones = self.group("phones", "organization_id")
        for organization_id, organization in self.organizations.items():
            organization["phones"] = [
                phone
                for phone in own_phones.get(organization_id, [])
                if not phone.get("service_id") and not phone.get("location_id")
            ]

    def with_terms(self, link_id: str) -> list[dict]:
        """The attributes linked to `link_id`, each with its taxonomy term nested."""
        result = []
        for attribute in self.attributes.get(link_id, []):
            term = self.terms.get(str(attribute.get("taxonomy_term_id")))
            if term is not None and term.get("taxonomy_id") in self.taxonomies:
                term = {**term, "taxonomy_detail": self.taxonomies[term["taxonomy_id"]]}
            result.append(
                {**attribute, "taxonomy_term": term or {"id": attribute.get("taxonomy_term_id")}}
            )
        return result

    def nested_service(self, row: dict, label: str, parsed: Parsed) -> dict:
        """One ``services`` row with its organisation, children and attributes nested."""
        service_id = str(row.get("id") or "")
        service = dict(row)
        organization_id = str(row.get("organization_id") or "")
        if organization_id in self.organizations:
            service["organization"] = self.organizations[organization_id]
        for table, grouped in self.by_service.items():
            if table in self.tables or grouped:
                service[table] = list(grouped.get(service_id, []))
        service["service_areas"] = [
            {**area, "attributes": self.with_terms(str(area.get("id")))}
            for area in service.get("service_areas", [])
        ]
        if "service_at_locations" in service:
            service["service_at_locations"] = self.nested_locations(service, label, parsed)
        service["attributes"] = self.with_terms(service_id)
        return service

    def nested_locations(self, service: dict, label: str, parsed: Parsed) -> list[dict]:
        nested = []
        for link in service.get("service_at_locations", []):
            location = self.locations.get(str(link.get("location_id")))
            if location is None:
                parsed.error(
                    label,
                    "service_at_locations.location_id",
                    _("нет места с id «%(id)s»") % {"id": link.get("location_id")},
                )
                continue
            location_id = str(location.get("id"))
            nested.append(
                {
                    **link,
                    "schedules": self.link_hours.get(str(link.get("id")), []),
                    "location": {
                        **location,
                        "schedules": self.place_hours.get(location_id, []),
                        "addresses": self.addresses.get(location_id, []),
                        "accessibility": self.accessibility.get(location_id, []),
                        "attributes": self.with_terms(location_id),
                    },
                }
            )
        return nested


def _read_tables(tables: dict[str, list], parsed: Parsed, vocabulary: Vocabulary) -> None:
    """Tabular HSDS → one nested service object each, read like any other."""
    linked = _Tables(tables)
    linked.link_organization_phones()
    for n, row in enumerate(linked.rows("services")):
        label = row.get(LABEL, f"services[{n}]")
        _read_service(linked.nested_service(row, label, parsed), label, parsed, vocabulary)


# --- One service ---------------------------------------------------------------------------------


def _read_service(data: Any, label: str, parsed: Parsed, vocabulary: Vocabulary) -> None:
    if not isinstance(data, dict):
        parsed.error(label, "", _("ожидается объект службы"))
        return
    label = str(data.get(LABEL) or label)

    def error(field: str, message: object) -> None:
        parsed.error(label, field, str(message))

    def warning(field: str, message: object) -> None:
        parsed.warning(label, field, str(message))

    record = ServiceRecord(label=label)
    try:
        record.external_id = values.text(data.get("id"))
    except ValueError as problem:
        error("id", problem)
    if not record.external_id:
        error("id", _("нет id службы: без него повторный импорт создаст дубликат"))
    elif len(record.external_id) > 255:
        error("id", _("id длиннее 255 знаков"))
    name = data.get("name")
    if name:
        record.label = f"{label} «{str(name)[:60]}»"
        label = record.label

    for field in TEXT_FIELDS:
        if field in data:
            try:
                record.fields[field] = values.text(data[field])
            except ValueError as problem:
                error(field, problem)
    if "status" in data:
        status = STATUS_FROM_HSDS.get(str(data["status"]).strip().casefold())
        if status is None:
            error(
                "status",
                _("неизвестное состояние «%(value)s»") % {"value": str(data["status"])[:40]},
            )
        else:
            record.fields["status"] = status
    for kind, read in ((INTEGER, values.integer), (DATE, values.date)):
        for field in hsds_read(kind):
            if field in data:
                try:
                    record.fields[field] = read(data[field])
                except ValueError as problem:
                    error(field, problem)
    parts = [
        ("languages", lambda: _languages(data, record)),
        ("cost_options", lambda: _costs(data, record, error)),
        ("organization", lambda: _organization(data, record, error)),
        ("attributes", lambda: _attributes(data, record, vocabulary, warning)),
        ("phones", lambda: _phones(data, record, error, warning)),
        ("service_areas", lambda: _areas(data, record, vocabulary, error)),
        ("service_at_locations", lambda: _locations(data, record, vocabulary, error, warning)),
        ("schedules", lambda: _schedules(data, record, error, warning)),  # after the places
    ]
    for part, read in parts:
        try:
            read()
        except (ValueError, TypeError, AttributeError) as problem:
            # A value of the wrong JSON type deep inside: report the part, keep reading.
            error(part, _("неверная структура: %(problem)s") % {"problem": str(problem)[:200]})
    parsed.records.append(record)


def _languages(data: dict, record: ServiceRecord) -> None:
    if isinstance(data.get("languages"), list):
        names = [
            values.text(item.get("name") if isinstance(item, dict) else item)
            for item in data["languages"]
            if isinstance(item, dict | str)
        ]
        record.fields["languages"] = ", ".join(name for name in names if name)


def _list(data: dict, key: str, error) -> list[dict] | None:
    if key not in data:
        return None
    items = data[key]
    if items is None:
        return []
    if not isinstance(items, list):
        error(key, _("ожидается список"))
        return None
    return [item for item in items if isinstance(item, dict)]


def _costs(data: dict, record: ServiceRecord, error) -> None:
    options = _list(data, "cost_options", error)
    fees = record.fields.get("fees_description", "")
    if options is None and "fees_description" not in data:
        return
    amounts = []
    for option in options or []:
        try:
            amount = values.number(option.get("amount"))
        except ValueError:
            amount = None
        if amount is not None:
            amounts.append(amount)
        if not fees and option.get("amount_description"):
            fees = values.text(option["amount_description"])
    paid = any(amount > 0 for amount in amounts) or (
        bool(fees) and not (amounts and max(amounts) == 0)
    )
    record.fields["is_free"] = not paid
    record.fields["fees_description"] = fees if paid else record.fields.get("fees_description", "")


def _organization(data: dict, record: ServiceRecord, error) -> None:
    organization = data.get("organization")
    if isinstance(organization, dict):
        try:
            org = OrganizationRecord(
                external_id=values.text(organization.get("id")),
                name=values.text(organization.get("name")),
            )
            for field in ORGANIZATION_FIELDS:
                if field in organization:
                    org.fields[field] = values.text(organization[field])
        except ValueError as problem:
            error("organization", problem)
            return
        phones = _list(organization, "phones", lambda f, m: error(f"organization.{f}", m))
        if phones is not None:
            try:
                org.phones = _phone_records(phones, "organization.phones", error)
            except ValueError as problem:
                error("organization.phones", problem)
        record.organization = org
    elif data.get("organization_id"):
        record.organization = OrganizationRecord(external_id=str(data["organization_id"]))


def _attributes(data: dict, record: ServiceRecord, vocabulary: Vocabulary, warning) -> None:
    attributes = data.get("attributes")
    if not isinstance(attributes, list):
        return
    record.kinds, record.target_groups = [], []
    for n, attribute in enumerate(attributes):
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        if not isinstance(term, dict):
            continue
        taxonomy = vocabulary.taxonomy_of(term)
        reference = str(term.get("code") or term.get("name") or "").strip()
        if taxonomy == "service_kinds" and reference:
            record.kinds.append(reference)
        elif taxonomy == "target_groups" and reference:
            record.target_groups.append(reference)
        elif taxonomy != "districts":
            warning(
                f"attributes[{n}]",
                _("термин «%(term)s» не из наших таксономий: пропущен")
                % {"term": (term.get("name") or term.get("code") or term.get("id") or "?")},
            )


def _phones(data: dict, record: ServiceRecord, error, warning) -> None:
    phones = _list(data, "phones", error)
    if phones is not None:
        record.phones = _phone_records(phones, "phones", error)


def _phone_records(phones: list[dict], prefix: str, error) -> list[PhoneRecord]:
    """HSDS phones (a service's or an organisation's) → records; `prefix` locates them."""
    records = []
    for n, phone in enumerate(phones):
        field = f"{prefix}[{n}]"
        number = (
            values.text(phone.get("number")) if not isinstance(phone.get("number"), dict) else ""
        )
        if not number:
            error(f"{field}.number", _("нет номера"))
            continue
        description = values.text(phone.get("description"))
        kind = Phone.Kind.MOBILE if phone.get("type") == "cell" else Phone.Kind.DAYTIME
        for choice, label in _phone_kind_labels():
            if description.casefold().startswith(label.casefold()):
                kind = choice.value
                description = description[len(label) :].lstrip(" .,;:—-")
                break
        records.append(PhoneRecord(field, number, kind, description))
    return records


def _phone_kind_labels() -> list[tuple[Phone.Kind, str]]:
    """Each phone kind's label as the export writes it (the site's own language,
    whatever language the import runs in), then in the active language."""
    with translation.override(settings.LANGUAGE_CODE):
        labels = [(choice, str(choice.label)) for choice in Phone.Kind]
    return labels + [(choice, str(choice.label)) for choice in Phone.Kind]


def _schedules(data: dict, record: ServiceRecord, error, warning) -> None:
    """The service's weekly hours and dated exceptions, and each place's own hours."""
    rows = _schedule_rows(data, error)
    if rows is None:
        return
    record.schedules, record.exceptions = [], []
    for field, schedule, key in rows:
        place = _place_index(schedule, key, record)
        if place == -1:
            warning(field, _("часы места, которого нет среди мест службы: пропущены"))
            continue
        try:
            _schedule(schedule, field, place, record, error, warning)
        except ValueError as problem:
            error(field, problem)
    record.fields.setdefault("is_24_7", False)


def _schedule_rows(data: dict, error) -> list[tuple[str, dict, str]] | None:
    """(field, schedule, the place's id) for the service's schedules and those nested in
    its places; None when no schedules are given at all (the existing hours stay)."""
    own = _list(data, "schedules", error)
    rows = [(f"schedules[{n}]", row, "") for n, row in enumerate(own or [])]
    links = data.get("service_at_locations")
    for n, link in enumerate(links if isinstance(links, list) else []):
        if not isinstance(link, dict):
            continue
        location = link.get("location") if isinstance(link.get("location"), dict) else {}
        key = str(link.get("id") or location.get("id") or "")
        prefix = f"service_at_locations[{n}]"
        for where, owner in ((prefix, link), (f"{prefix}.location", location)):
            nested = _list(owner, "schedules", error) or []
            rows += [(f"{where}.schedules[{m}]", row, key) for m, row in enumerate(nested)]
    return rows if own is not None or rows else None


def _place_index(schedule: dict, key: str, record: ServiceRecord) -> int | None:
    """Which of the record's places a schedule belongs to: None for the service's general
    hours, -1 for a place that is not among them (a virtual or unreadable place)."""
    refs = {str(schedule[k]) for k in ("service_at_location_id", "location_id") if schedule.get(k)}
    refs = refs or ({key} if key else set())
    if not refs:
        return None
    for index, location in enumerate(record.locations or []):
        if refs & set(location.hsds_ids):
            return index
    return -1


def _schedule(
    schedule: dict, field: str, place: int | None, record: ServiceRecord, error, warning
) -> None:
    """One HSDS schedule → a weekly row (the service's or a place's) or a dated exception."""
    opens = values.time_of_day(schedule.get("opens_at"))
    closes = values.time_of_day(schedule.get("closes_at"))
    valid_from = values.date(schedule.get("valid_from"))
    valid_to = values.date(schedule.get("valid_to"))
    byday = [
        day.strip().upper() for day in str(schedule.get("byday") or "").split(",") if day.strip()
    ]
    freq = str(schedule.get("freq") or "WEEKLY").upper()
    if valid_from and not byday:
        if place is not None:
            warning(field, _("особый день одного места пропущен: особые дни — общие для службы"))
            return
        same_hours = opens is not None and closes is not None
        record.exceptions.append(
            ExceptionRecord(
                field,
                valid_from,
                valid_to if valid_to != valid_from else None,
                is_closed=not same_hours,
                opens_at=opens if same_hours else None,
                closes_at=closes if same_hours else None,
                description=values.text(schedule.get("description"))[:255],
            )
        )
        return
    if freq != "WEEKLY" or not byday:
        warning(field, _("расписание без дней недели или не еженедельное: пропущено"))
        return
    unknown = [day for day in byday if day[-2:] not in DAYS]
    if unknown or opens is None or closes is None:
        error(field, _("нужны дни недели (MO…SU) и часы opens_at/closes_at"))
        return
    days = [DAYS.index(day[-2:]) for day in byday]
    whole_day = opens == dt.time(0, 0) and closes in (dt.time(0, 0), dt.time(23, 59))
    if place is None and whole_day and sorted(set(days)) == list(range(7)):
        record.fields["is_24_7"] = True
        return
    record.schedules += [ScheduleRecord(day, opens, closes, place) for day in days]


def _areas(data: dict, record: ServiceRecord, vocabulary: Vocabulary, error) -> None:
    areas = _list(data, "service_areas", error)
    if areas is None:
        return
    record.areas = []
    for n, area in enumerate(areas):
        references = _district_terms(area, vocabulary) + [values.text(area.get("name"))]
        record.areas.append(
            AreaRecord(
                f"service_areas[{n}]",
                [ref for ref in references if ref],
                values.text(area.get("description"))[:255],
            )
        )


def _locations(data: dict, record: ServiceRecord, vocabulary: Vocabulary, error, warning) -> None:
    links = _list(data, "service_at_locations", error)
    if links is None:
        return
    record.locations = []
    for n, link in enumerate(links):
        field = f"service_at_locations[{n}]"
        location = link.get("location")
        if not isinstance(location, dict):
            error(field, _("нет вложенного места (location)"))
            continue
        if location.get("location_type") == "virtual":
            warning(field, _("виртуальное место (онлайн) пропущено"))
            continue
        addresses = [a for a in location.get("addresses") or [] if isinstance(a, dict)]
        physical = [
            a for a in addresses if a.get("address_type", "physical") == "physical"
        ] or addresses
        address = physical[0] if physical else {}
        street = ", ".join(
            part
            for part in (
                values.text(address.get("address_1")),
                values.text(address.get("address_2")),
            )
            if part
        )
        references = _district_terms(location, vocabulary) + [
            values.text(address.get(key)) for key in ("city", "region", "state_province")
        ]
        references.append(values.text(location.get("name")))
        latitude, longitude = _coordinates(location, f"{field}.location", warning)
        codes, notes = _accessibility(location.get("accessibility"))
        confidential = not street
        if confidential:
            warning(
                field, _("у места нет адреса: оно будет отмечено конфиденциальным (только район)")
            )
        name = values.text(location.get("name"))
        record.locations.append(
            LocationRecord(
                field=f"{field}.location",
                districts=[ref for ref in references if ref],
                name="" if confidential or name in references[:-1] else name[:255],
                locality=values.text(address.get("city")),
                region=values.text(address.get("region") or address.get("state_province")),
                address=street[:500],
                postal_code=values.text(address.get("postal_code"))[:12],
                latitude=None if confidential else latitude,
                longitude=None if confidential else longitude,
                accessibility="\n".join(note for note in notes if note),
                accessibility_codes=codes,
                transportation=values.text(location.get("transportation")),
                is_confidential=confidential,
                hsds_ids=tuple(str(i) for i in (link.get("id"), location.get("id")) if i),
            )
        )


def _accessibility(rows: object) -> tuple[list[str], list[str]]:
    """(codes, notes) from a location's ``accessibility`` rows: a description that is
    exactly one of our codes' labels is that code, anything else is kept as text
    (with its details)."""
    codes: list[str] = []
    notes: list[str] = []
    for item in rows if isinstance(rows, list) else []:
        if not isinstance(item, dict):
            continue
        description = values.text(item.get("description"))
        details = values.text(item.get("details"))
        code = recognise(description)
        if code and code not in codes:
            codes.append(code)
        elif not code and (description or details):
            notes.append(". ".join(part for part in (description, details) if part))
        if code and details:
            notes.append(details)
    return codes, notes


def _coordinates(location: dict, field: str, warning) -> tuple[float | None, float | None]:
    """Latitude and longitude, or (None, None) with a warning when missing half or impossible
    (the official example has latitude 100): the place is still imported."""
    try:
        latitude = values.number(location.get("latitude"))
        longitude = values.number(location.get("longitude"))
    except ValueError as problem:
        warning(f"{field}.latitude", _("координаты пропущены: %(problem)s") % {"problem": problem})
        return None, None
    if latitude is None or longitude is None:
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        warning(
            f"{field}.latitude",
            _("координаты %(lat)s, %(lon)s невозможны: пропущены")
            % {"lat": latitude, "lon": longitude},
        )
        return None, None
    return latitude, longitude


def _district_terms(owner: dict, vocabulary: Vocabulary) -> list[str]:
    references = []
    for attribute in owner.get("attributes") or []:
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        if isinstance(term, dict) and vocabulary.taxonomy_of(term) == "districts":
            references += [str(term.get(key)) for key in ("code", "name") if term.get(key)]
    return references
