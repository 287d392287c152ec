"""HSDS import of other people's data: districts found by name, locality or point; the rest is
a warning, the place is imported without a district and listed for editors (issue 14)."""

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from safechildhood.registry.importing import engine
from safechildhood.registry.importing.districts import inside_outline
from safechildhood.registry.importing.hsds_format import read_path
from safechildhood.registry.models import District, Location, Service, Settlement

from .factories import DistrictFactory, LocationFactory, ServiceFactory
from .hsds_validation import assert_valid
from .test_admin import sidebar_text

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).with_name("hsds_examples")
SQUARE = {  # around Sokol: 59.3–59.6 N, 39.9–40.3 E
    "type": "Polygon",
    "coordinates": [[[39.9, 59.3], [40.3, 59.3], [40.3, 59.6], [39.9, 59.6], [39.9, 59.3]]],
}


@pytest.fixture
def districts():
    return {
        "sokol": DistrictFactory(
            name="Сокольский муниципальный округ", slug="sokolsky", latitude=59.46, longitude=40.11
        ),
        "vozh": DistrictFactory(
            name="Вожегодский муниципальный округ",
            slug="vozhegodsky",
            latitude=60.47,
            longitude=40.22,
        ),
        "cher": DistrictFactory(
            name="Городской округ город Череповец",
            slug="cherepovets",
            latitude=59.13,
            longitude=37.9,
        ),
    }


def place(**address) -> dict:
    """A service at one place, as another system might send it."""
    location = {"id": "loc-1", "name": address.pop("name", "Отделение"), "addresses": []}
    for key in ("latitude", "longitude"):
        if key in address:
            location[key] = address.pop(key)
    location["addresses"].append(
        {"id": "a-1", "address_1": "ул. Советская, д. 1", "country": "RU", **address}
    )
    return {
        "id": "ext-1",
        "name": "Служба (демо)",
        "description": "Помощь семьям.",
        "service_at_locations": [{"id": "sal-1", "location": location}],
    }


def planned(tmp_path, document, **options) -> engine.Plan:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return engine.plan(read_path(path), **options)


def district_of(result: engine.Plan) -> District | None:
    assert result.ok, result.errors
    return result.services[0].locations[0].district


@pytest.mark.parametrize(
    "city",
    [
        "Сокольский муниципальный округ",
        "СОКОЛЬСКИЙ РАЙОН",
        "Сокольский р-н",
        "сокольский округ",
        "Сокольский муниципальный район",
    ],
)
def test_district_names_in_other_spellings(tmp_path, districts, city):
    assert district_of(planned(tmp_path, place(city=city))) == districts["sokol"]


def test_yo_and_city_okrug_spellings(tmp_path, districts):
    yo = DistrictFactory(name="Тотёмский муниципальный округ", slug="totemsky")
    assert district_of(planned(tmp_path, place(city="Тотемский район"))) == yo
    cher = planned(tmp_path, place(city="городской округ город Череповец"))
    assert district_of(cher) == districts["cher"]


def test_same_name_in_two_regions_is_told_apart_by_region(tmp_path, districts):
    other = DistrictFactory(
        name="Сокольский муниципальный округ", slug="sokolsky-2", region="Нижегородская область"
    )
    found = planned(tmp_path, place(city="Сокольский район", region="Нижегородская обл."))
    assert district_of(found) == other


def test_locality_from_the_gazetteer(tmp_path, districts):
    Settlement.objects.create(
        name="Кадников", kind="city", district=districts["sokol"], latitude=59.5, longitude=40.34
    )
    result = planned(tmp_path, place(city="г. Кадников", region="Вологодская область"))
    assert district_of(result) == districts["sokol"]
    assert not result.warnings


def test_point_inside_an_outline(tmp_path, districts):
    districts["vozh"].outline = SQUARE  # deliberately far from its centre
    districts["vozh"].save()
    result = planned(tmp_path, place(city="Нигдеград", latitude=59.4, longitude=40.0))
    assert district_of(result) == districts["vozh"]
    assert inside_outline({"type": "Feature", "geometry": SQUARE}, 59.4, 40.0)
    assert not inside_outline(SQUARE, 60.0, 40.0)


def test_nearest_centre_within_the_radius(tmp_path, districts, settings):
    settings.REGISTRY_IMPORT_DISTRICT_RADIUS_KM = 20
    near = planned(tmp_path, place(city="Нигдеград", latitude=59.5, longitude=40.2))
    assert district_of(near) == districts["sokol"]  # ~7 km from its centre
    settings.REGISTRY_IMPORT_DISTRICT_RADIUS_KM = 3
    far = planned(tmp_path, place(city="Нигдеград", latitude=59.5, longitude=40.2))
    assert district_of(far) is None


def test_unresolved_place_is_a_warning_and_imported_without_district(
    tmp_path, districts, admin_client
):
    result = planned(tmp_path, place(city="Нигдеград"))
    assert result.ok and not result.errors
    assert any("без района" in p.message for p in result.warnings)
    engine.apply(result)
    service = Service.objects.get(external_id="ext-1")
    location = service.locations.get()
    assert location.district is None and location.address == "ул. Советская, д. 1"
    # Editors find it: the «Без района» filter of the services list, and the menu item.
    list_url = reverse(Service.snippet_viewset.get_url_name("list"))
    located = ServiceFactory(name="Служба с районом (демо)")
    LocationFactory(service=located, district=districts["sokol"])
    page = admin_client.get(list_url, {"no_district": "true"}).content.decode()
    assert "Служба (демо)" in page and "Служба с районом (демо)" not in page
    assert "Без района" in sidebar_text(admin_client.get(reverse("wagtailadmin_home")))
    edit = reverse(Service.snippet_viewset.get_url_name("edit"), args=[service.pk])
    assert admin_client.get(edit).status_code == 200  # where the editor sets the district


def test_create_districts_option(tmp_path, districts):
    document = place(city="Нигдеград", region="Вологодская область", latitude=61.0, longitude=45.0)
    result = planned(tmp_path, document, create_districts=True)
    created = district_of(result)
    assert created.pk is None and created.name == "Нигдеград"
    engine.apply(result)
    district = District.objects.get(name="Нигдеград")
    assert (district.latitude, district.longitude) == (61.0, 45.0)
    assert Location.objects.get().district == district
    # Without coordinates there is no centre: not created, imported without a district.
    no_point = planned(tmp_path, {**place(city="Другоград"), "id": "ext-2"}, create_districts=True)
    assert district_of(no_point) is None
    assert any("нет координат" in p.message for p in no_point.warnings)


def test_command_creates_districts_only_when_asked(tmp_path, districts):
    path = tmp_path / "data.json"
    document = place(city="Нигдеград", region="Вологодская область", latitude=61.0, longitude=45.0)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    call_command("import_hsds", str(path), "--apply")
    assert not District.objects.filter(name="Нигдеград").exists()
    assert Location.objects.get().district is None
    call_command("import_hsds", str(path), "--apply", "--create-districts")
    assert Location.objects.get().district == District.objects.get(name="Нигдеград")


# --- The official Open Referral example («Community Counselling») -----------------------------


def test_official_example_service_imports_dry_run_and_for_real(districts):
    path = EXAMPLES / "service_full.json"
    call_command("import_hsds", str(path))  # the dry run: no CommandError
    assert not Service.objects.exists()
    call_command("import_hsds", str(path), "--apply")
    service = Service.objects.get(external_id="ac148810-d857-441c-9679-408f346de14b")
    assert service.name == "Community Counselling"
    assert service.organization.name == "Example Organization Inc."
    location = service.locations.get()
    assert location.district is None  # MyCity is not one of our districts
    assert location.latitude is None  # latitude 100 is impossible: dropped with a warning
    assert {s.weekday for s in service.schedules.all()} == {3, 4}  # TH, FR


def test_official_example_csv_datapackage_imports(tmp_path, districts):
    folder = tmp_path / "csv"
    shutil.copytree(EXAMPLES / "csv", folder)
    result = engine.plan(read_path(folder))
    assert result.ok, result.errors
    assert [item.record.name for item in result.services] == ["Community Counselling"]
    assert len(result.services[0].locations) == 1  # service_at_location.csv (singular) read
    call_command("import_hsds", str(folder), "--apply")
    assert Service.objects.get().locations.get().address == "1-30 Main Street, MyVillage"


# --- A place without a district on the public site and in the API ---------------------------


def test_place_without_district_is_shown_truthfully(client, home, districts):
    public = ServiceFactory(name="Служба без района (демо)", slug="bez-raiona")
    LocationFactory(
        service=public, district=None, address="ул. Новая, д. 5", latitude=59.0, longitude=40.0
    )
    shelter = ServiceFactory(name="Приют без района (демо)", slug="priyut-bez-raiona")
    LocationFactory(
        service=shelter,
        district=None,
        address="секретный адрес",
        is_confidential=True,
        latitude=None,
        longitude=None,
    )
    page = client.get("/services/bez-raiona/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "ул. Новая, д. 5" in html and "None" not in html
    listing = client.get("/services/").content.decode()
    assert "Служба без района (демо)" in listing and "()" not in listing
    secret = client.get("/services/priyut-bez-raiona/").content.decode()
    assert "секретный адрес" not in secret and "Адрес сообщают по телефону" in secret
    for service in (public, shelter):
        detail = client.get(f"/api/hsds/services/{service.hsds_id}").json()
        assert_valid(detail, "service.json")
        assert "секретный адрес" not in json.dumps(detail, ensure_ascii=False)
