"""A service's exchangeable fields, declared once.

Every plain field of ``Service`` that leaves or enters the site is listed here with the
ways it travels: a column of the editors' CSV (and how the cell is read), how the HSDS
import reads it, whether the HSDS export and the JSON-LD carry it, and whether it is
searchable text. The CSV reader and the HSDS reader take their field lists from here;
the HSDS serializer, the JSON-LD and the search document shape each value their own
way, so ``tests/registry/test_fields.py`` fails when any of them drifts from this list.

To add a service field: add it to the model, then a line here, then follow the failing
test to each place that must carry it.
"""

from __future__ import annotations

from dataclasses import dataclass

# How the editors' CSV reads a cell ("" = not a column).
TEXT, STATUS, YES_NO, INTEGER, DATE = "text", "status", "yes_no", "integer", "date"
# How the HSDS import reads it: the same kinds, plus values HSDS spreads over tables.
LANGUAGES, COSTS, SCHEDULES = "languages", "cost_options", "schedules"


@dataclass(frozen=True)
class ServiceField:
    name: str
    csv: str = ""  # how a CSV cell is read; "" = not a CSV column
    hsds_in: str = ""  # how the HSDS import reads it; "" = not read
    hsds_out: bool = False  # in the HSDS export (the service object or its tables)
    jsonld: str = ""  # the schema.org property that shows it; "" = none
    search: bool = False  # searchable text of the service


SERVICE_FIELDS = [
    ServiceField("name", TEXT, TEXT, True, "name", True),
    ServiceField("alternate_name", TEXT, TEXT, True, "alternateName", True),
    ServiceField("description", TEXT, TEXT, True, "description", True),
    ServiceField("slug", TEXT),  # our page address: HSDS has none
    ServiceField("status", STATUS, STATUS, True),
    ServiceField("is_24_7", YES_NO, SCHEDULES, True, "hoursAvailable"),
    ServiceField("is_free", YES_NO, COSTS, True),
    ServiceField("fees_description", TEXT, TEXT, True),
    ServiceField("eligibility_description", TEXT, TEXT, True, search=True),
    ServiceField("minimum_age", INTEGER, INTEGER, True),
    ServiceField("maximum_age", INTEGER, INTEGER, True),
    ServiceField("application_process", TEXT, TEXT, True, search=True),
    ServiceField("languages", TEXT, LANGUAGES, True),
    ServiceField("interpretation_services", TEXT, TEXT, True),
    ServiceField("accessibility", TEXT, "", True),  # exported on each public location
    ServiceField("url", TEXT, TEXT, True, "availableChannel"),
    ServiceField("email", TEXT, TEXT, True),
    ServiceField("alert", TEXT, TEXT, True, search=True),
    ServiceField("alert_until", DATE),  # HSDS has no end date: the export sends the alert only
    ServiceField("assured_date", DATE, DATE, True),
    ServiceField("assurer_name", TEXT),  # HSDS has the assurer's e-mail only
    ServiceField("assurer_email", "", TEXT),  # never published (privacy), read on import
]


def csv_fields() -> dict[str, str]:
    """``{field: how its cell is read}`` for the CSV columns, in declaration order."""
    return {field.name: field.csv for field in SERVICE_FIELDS if field.csv}


def hsds_read(kind: str) -> list[str]:
    """The fields the HSDS import reads the `kind` way (``TEXT``, ``INTEGER``...)."""
    return [field.name for field in SERVICE_FIELDS if field.hsds_in == kind]
