"""The declared list of a service's exchangeable fields (``registry.fields``) and every
place that carries them: a field added to one and not the others fails here."""

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse

from safechildhood.registry import fields
from safechildhood.registry.importing import csv_format, engine, hsds_format
from safechildhood.registry.jsonld import service_jsonld
from safechildhood.registry.models import Service
from safechildhood.registry.presentation import service_page
from safechildhood.registry.search_source import service_document

from .factories import DistrictFactory, LocationFactory, PhoneFactory, ServiceFactory

pytestmark = pytest.mark.django_db

DECLARED = {field.name: field for field in fields.SERVICE_FIELDS}


@pytest.fixture
def full_service():
    """A service with a distinct value in every exchangeable field."""
    service = ServiceFactory(
        name="Служба «Полная» (демо)",
        alternate_name="Полная",
        description="Описание-маркер",
        url="https://example.org/full",
        email="full@example.org",
        interpretation_services="Переводчик жестового языка-маркер",
        application_process="Как-обратиться-маркер",
        is_free=False,
        fees_description="Стоимость-маркер",
        eligibility_description="Кто-может-маркер",
        alert="Объявление-маркер",
        alert_until=dt.date.today() + dt.timedelta(days=5),
        minimum_age=3,
        maximum_age=17,
        assured_date=dt.date(2026, 1, 10),
        assurer_name="Проверяющий",
        assurer_email="checker@example.org",
        languages="русский, татарский",
        accessibility="Пандус-маркер",
        is_24_7=True,
        kinds=["mediation"],
    )
    LocationFactory(service=service, district=DistrictFactory(slug="sokolsky"))
    PhoneFactory(service=service)
    return service


def test_every_declared_field_is_a_service_field():
    model_fields = {field.name for field in Service._meta.get_fields()}
    assert set(DECLARED) <= model_fields
    assert len(DECLARED) == len(fields.SERVICE_FIELDS), "a field is declared twice"


def test_the_csv_reads_exactly_the_declared_columns():
    assert list(csv_format.SERVICE_FIELDS) == list(fields.csv_fields())
    columns = set(csv_format.COLUMN_CODES) | set(csv_format.EXPORT_ALIASES.values())
    missing = [name for name in fields.csv_fields() if name not in columns]
    assert not missing, f"declared CSV fields without a column: {missing}"


def test_the_hsds_reader_reads_the_declared_fields():
    assert hsds_format.TEXT_FIELDS == fields.hsds_read(fields.TEXT)


def test_hsds_export_then_import_carries_every_declared_field(client, full_service):
    """What the HSDS export publishes, the HSDS import reads back, field by field."""
    exported = client.get(f"/api/hsds/services/{full_service.hsds_id}").json()
    parsed = hsds_format.read_json_bytes(json.dumps(exported).encode())
    record = parsed.records[0]
    for field in fields.SERVICE_FIELDS:
        if field.hsds_out and field.hsds_in:
            expected = getattr(full_service, field.name)
            assert record.fields.get(field.name) == expected, field.name
        if field.hsds_in and not field.hsds_out:  # read but never published (privacy)
            assert getattr(full_service, field.name) not in json.dumps(exported, ensure_ascii=False)
    accessibility = [
        item["description"]
        for link in exported["service_at_locations"]
        for item in link["location"].get("accessibility", [])
    ]
    assert full_service.accessibility in accessibility  # HSDS 3 keeps it on locations


def test_json_ld_shows_the_declared_properties(full_service):
    data = service_jsonld(service_page(full_service))
    for field in fields.SERVICE_FIELDS:
        if field.jsonld:
            assert field.jsonld in data, field.name


def test_the_search_document_holds_the_declared_search_text(full_service):
    document = service_document(Service.objects.get(pk=full_service.pk))
    text = f"{document.title}\n{document.body}"
    for field in fields.SERVICE_FIELDS:
        if field.search:
            assert getattr(full_service, field.name) in text, field.name
    database_search = {
        field.field_name
        for field in Service.search_fields
        if type(field).__name__ == "SearchField" and field.field_name != "district_names"
    }
    declared = {field.name for field in fields.SERVICE_FIELDS if field.search}
    assert database_search <= declared


# --- interpretation_services (and alternate_name): exchanged in HSDS, now in CSV too -------


def test_csv_import_reads_interpretation_services_and_alternate_name():
    district = DistrictFactory(name="Сокольский муниципальный округ", slug="sokolsky")
    rows = [
        ["external_id", "name", "alternate_name", "description", "district", "address"]
        + ["interpretation_services"],
        ["csv-1", "Служба (демо)", "Краткое", "Помогаем.", district.slug, "ул. Демо, 1 (демо)"]
        + ["Русский жестовый язык по записи"],
    ]
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    result = engine.plan(csv_format.parse_csv(out.getvalue().encode()))
    assert result.ok, [(p.field, p.message) for p in result.errors]
    engine.apply(result)
    service = Service.objects.get(external_id="csv-1")
    assert service.interpretation_services == "Русский жестовый язык по записи"
    assert service.alternate_name == "Краткое"


def test_admin_csv_export_round_trips_through_the_csv_import(admin_client, full_service):
    list_url = reverse(Service.snippet_viewset.get_url_name("list"))
    response = admin_client.get(list_url, {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(body)))
    known = csv_format.header_map()
    codes = [known.get(heading.casefold()) for heading in header]
    row = dict(zip(codes, next(r for r in rows if r[0] == full_service.name), strict=True))
    assert row["interpretation_services"] == full_service.interpretation_services
    assert row["alternate_name"] == full_service.alternate_name
