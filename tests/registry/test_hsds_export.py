"""HSDS export (issue 14): the tabular datapackage from a command and the admin, and
/service_at_locations in the API, valid against the official schemas, never revealing a
confidential place; exporting and importing into an empty registry reproduces it."""

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from safechildhood.registry.hsds import locality_in
from safechildhood.registry.importing import engine
from safechildhood.registry.importing.hsds_format import read_path
from safechildhood.registry.models import Organization, Service

from . import test_hsds_api
from .factories import LocationFactory, ServiceFactory
from .hsds_validation import SCHEMA_DIR, assert_valid, openapi_response, validator
from .test_hsds_api import bad, ok, secret_values

pytestmark = pytest.mark.django_db
data = test_hsds_api.data  # the API tests' registry: two public services, one confidential

OFFICIAL_PACKAGE = Path(__file__).with_name("hsds_examples") / "csv" / "datapackage.json"


def export(tmp_path) -> Path:
    path = tmp_path / "registry.zip"
    out = io.StringIO()
    call_command("export_hsds", "--output", str(path), stdout=out)
    assert "Записано" in out.getvalue()
    return path


def tables(path: Path) -> tuple[dict, dict[str, list[dict]], dict[str, list[str]]]:
    """(datapackage.json, rows per file, header per file)."""
    with zipfile.ZipFile(path) as archive:
        package = json.loads(archive.read("datapackage.json"))
        rows, headers = {}, {}
        for name in archive.namelist():
            if name.endswith(".csv"):
                reader = csv.DictReader(io.StringIO(archive.read(name).decode("utf-8")))
                rows[name] = list(reader)
                headers[name] = reader.fieldnames
    return package, rows, headers


def typed(row: dict, fields: dict) -> dict:
    """A CSV row as JSON values by the official field types; empty cells are left out."""
    result = {}
    for name, value in row.items():
        if value == "":
            continue
        kind = fields.get(name, {}).get("type")
        if kind == "number":
            result[name] = float(value)
        elif kind == "integer":
            result[name] = int(value)
        else:
            result[name] = value
    return result


@pytest.fixture
def undistricted(data):
    """The API tests' registry and a service whose places have no district (an import could
    not tell it): one names its town in its address, the other only its street."""
    service = ServiceFactory(name="Служба без района (демо)", organization=data["organization"])
    for address in ("г. Кадников, ул. Советская, д. 1 (демо)", "ул. Лесная, д. 2 (демо)"):
        LocationFactory(
            service=service,
            district=None,
            address=address,
            postal_code="162107",
            latitude=None,
            longitude=None,
        )
    return data


def test_datapackage_matches_the_official_tabular_schema(tmp_path, undistricted):
    package, rows, headers = tables(export(tmp_path))
    official = json.loads(OFFICIAL_PACKAGE.read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    assert [r["path"] for r in package["resources"]] == [r["path"] for r in official["resources"]]
    tabular = json.loads((SCHEMA_DIR / "compiled" / "tabular.json").read_text(encoding="utf-8"))
    for resource in official["resources"]:
        path = resource["path"]
        assert headers[path] == [f["name"] for f in resource["schema"]["fields"]], path
        item_schema = tabular["properties"][resource["name"]]["items"]
        fields = item_schema["properties"]
        check = validator("compiled/tabular.json")
        for row in rows[path]:
            instance = typed(row, fields)
            problems = list(check.evolve(schema=item_schema).iter_errors(instance))
            assert not problems, (path, [p.message for p in problems][:5])
            ids = [r["id"] for r in rows[path]]
            assert len(ids) == len(set(ids)), path
    names = {row["name"] for row in rows["services.csv"]}
    assert names == {
        "Служба семейной медиации (демо)",
        "Кризисное отделение для женщин (демо)",
        "Служба без района (демо)",
    }
    assert len(rows["service_at_location.csv"]) == 4


def test_an_address_without_a_district_says_its_own_town_or_the_region(tmp_path, undistricted):
    """Never an invented town: the address's own locality, else the region (the registry's
    only one here), in the cells HSDS requires."""
    _, rows, _ = tables(export(tmp_path))
    cells = {
        row["address_1"]: (row["city"], row["state_province"]) for row in rows["addresses.csv"]
    }
    assert cells["г. Кадников, ул. Советская, д. 1 (демо)"] == (
        "г. Кадников",
        "Вологодская область",
    )
    assert cells["ул. Лесная, д. 2 (демо)"] == ("Вологодская область", "Вологодская область")
    assert cells["г. Сокол, ул. Демонстрационная, д. 1 (демо)"] == (
        "Сокольский округ",
        "Вологодская область",
    )
    assert {row["number"] for row in rows["phones.csv"]} >= {"8 (000) 000-00-09"}  # organisation's


def test_export_never_contains_a_confidential_place(tmp_path, data):
    with zipfile.ZipFile(export(tmp_path)) as archive:
        everything = "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    for secret in secret_values():
        assert secret not in everything, secret
    assert "Вожегодский округ" in everything  # its district is still said
    assert "Черновик (демо)" not in everything and "Закрытая служба (демо)" not in everything


def test_export_progress_is_plain_lines_outside_a_terminal(tmp_path, data):
    out = io.StringIO()
    call_command("export_hsds", "-o", str(tmp_path / "r.zip"), stdout=out)
    lines = out.getvalue().splitlines()
    assert "Служб: 2/2" in lines and "\r" not in out.getvalue()


def test_admin_download_for_editors_only(client, admin_client, data, django_user_model):
    url = reverse("registry_export:hsds")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "datapackage.json" in archive.namelist()
    assert url in admin_client.get(reverse("registry_import:upload")).content.decode()
    nobody = django_user_model.objects.create_user("visitor", password="x", is_staff=True)
    client.force_login(nobody)
    assert client.get(url).status_code in (302, 403)


def test_round_trip_into_an_empty_registry(tmp_path, client, data):
    """Export, empty the registry, import the zip: the API shows the same services."""
    before = {
        s["name"]: s
        for s in ok(client, "services", full="true")["contents"]  # the API's view of it
    }
    path = export(tmp_path)
    Service.objects.all().delete()
    Organization.objects.all().delete()

    result = engine.plan(read_path(path))
    assert result.ok, result.errors
    engine.apply(result)
    after = {s["name"]: s for s in ok(client, "services", full="true")["contents"]}
    assert after.keys() == before.keys()
    for name, old in before.items():
        new = after[name]
        for key in ("description", "url", "email", "minimum_age", "maximum_age", "alert"):
            assert new.get(key) == old.get(key), (name, key)
        assert new["organization"]["name"] == old["organization"]["name"]
        assert sorted(p["number"] for p in new["phones"]) == sorted(
            p["number"] for p in old["phones"]
        )
        assert [(s.get("byday"), s.get("opens_at")) for s in new["schedules"]] == [
            (s.get("byday"), s.get("opens_at")) for s in old["schedules"]
        ]
        assert [a["name"] for a in new["service_areas"]] == [
            a["name"] for a in old["service_areas"]
        ]
        place = [loc["location"] for loc in new["service_at_locations"]]
        old_place = [loc["location"] for loc in old["service_at_locations"]]
        assert [p.get("addresses", [{}])[0].get("address_1") for p in place] == [
            p.get("addresses", [{}])[0].get("address_1") for p in old_place
        ]
        assert [p["attributes"][0]["taxonomy_term"]["code"] for p in place] == [
            p["attributes"][0]["taxonomy_term"]["code"] for p in old_place
        ]
        codes = sorted(a["taxonomy_term"]["code"] for a in new["attributes"])
        assert codes == sorted(a["taxonomy_term"]["code"] for a in old["attributes"])
    shelter = Service.objects.get(name="Кризисное отделение для женщин (демо)")
    assert shelter.locations.get().is_confidential


# --- /service_at_locations -------------------------------------------------------------------


def test_service_at_locations_list_is_a_valid_page(client, data):
    page = ok(client, "service_at_locations")
    assert_valid(page, openapi_response("/service_at_locations"))
    for item in page["contents"]:
        assert_valid(item, "compiled/service_at_location_list.json")
    assert page["total_items"] == 2
    full = ok(client, "service_at_locations", full="true")
    for item in full["contents"]:
        assert_valid(item, "compiled/service_at_location.json")
        assert item["service"]["id"] == item["service_id"]


def test_service_at_locations_are_paginated_like_the_other_lists(client, data):
    first = ok(client, "service_at_locations", per_page=1)
    second = ok(client, "service_at_locations", per_page=1, page=2)
    assert (first["total_pages"], first["first_page"], second["last_page"]) == (2, True, True)
    assert first["contents"][0]["id"] != second["contents"][0]["id"]
    assert "Страницы 3 нет" in bad(client, "service_at_locations", 404, per_page=1, page=3)
    assert bad(client, "service_at_locations", per_page=0)


def test_service_at_locations_of_a_district_are_the_places_in_it(client, data):
    """A district term filters the places, not only their services: the mediation service
    serves Vožega from Sokol, and its Sokol office is not a place in Vožega."""
    in_vozh = ok(client, "service_at_locations", taxonomy_term_id=data["vozh"].hsds_id)
    assert [item["service_id"] for item in in_vozh["contents"]] == [data["shelter"].hsds_id]
    in_sokol = ok(client, "service_at_locations", taxonomy_term_id=data["sokol"].hsds_id)
    assert [item["service_id"] for item in in_sokol["contents"]] == [data["mediation"].hsds_id]


def test_service_at_location_detail(client, data):
    items = ok(client, "service_at_locations")["contents"]
    for item in items:
        detail = ok(client, f"service_at_locations/{item['id']}")
        assert_valid(detail, "compiled/service_at_location.json")
        assert detail["location"]["id"] == item["location_id"]
        assert detail["phones"] and detail["service"]["name"]
    assert bad(client, "service_at_locations/not-a-uuid", 404)
    assert bad(client, f"service_at_locations/{data['mediation'].hsds_id}", 404)


def test_service_at_locations_never_reveal_a_confidential_place(client, data):
    bodies = [client.get("/api/hsds/service_at_locations", {"full": "true"}).content.decode()]
    for item in ok(client, "service_at_locations")["contents"]:
        bodies.append(client.get(f"/api/hsds/service_at_locations/{item['id']}").content.decode())
    for body in bodies:
        for secret in secret_values():
            assert secret not in body, secret
    shelter = next(
        item
        for item in ok(client, "service_at_locations")["contents"]
        if item["service_id"] == data["shelter"].hsds_id
    )
    assert shelter["location"]["name"] == "Вожегодский округ"


@pytest.mark.parametrize(
    ("address", "locality"),
    [
        ("162130, Вологодская обл., с. Ям, д. 5", "с. Ям"),
        ("ул. Ленина, д. 3, д. Ивановка", "д. Ивановка"),
        ("д. 5, ул. Лесная", ""),  # a house number, not a village
        ("пр. Победы, д. 3, с. 2", ""),  # a building
        ("городской округ Тольятти, ул. Мира, 1", ""),  # not said as a locality
    ],
)
def test_the_locality_is_read_only_where_the_address_names_one(address, locality):
    assert locality_in(address) == locality
