"""The Open Referral HSDS 3.0 API at /api/hsds/: schema-valid, public-only, private-safe, robust."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale

from safechildhood.registry.hsds import TAXONOMY_BY_KEY
from safechildhood.registry.importing import engine
from safechildhood.registry.importing.hsds_format import read_json_bytes
from safechildhood.registry.models import Organization, OrganizationPhone, Service, ServiceKind

from .factories import (
    DistrictFactory,
    LocationFactory,
    OrganizationFactory,
    OrganizationPhoneFactory,
    PhoneFactory,
    ScheduleExceptionFactory,
    ServiceAreaFactory,
    ServiceFactory,
    weekday_hours,
)
from .hsds_validation import SHARED_DIR, assert_valid, openapi_response

pytestmark = pytest.mark.django_db

API = "/api/hsds/"
SECRET_ADDRESS = "ул. Тайная, д. 7"
SECRET_POSTCODE = "160777"
SECRET_LAT, SECRET_LON = 59.123456, 39.654321
SECRET_NOTES = ["Автобус № 77 до остановки «Тайная»", "Пандус со двора", "Приют «Надежда»"]


@pytest.fixture
def data():
    sokol = DistrictFactory(
        name="Сокольский округ", slug="sokolsky", latitude=59.46, longitude=40.1
    )
    vozh = DistrictFactory(
        name="Вожегодский округ", slug="vozhegodsky", latitude=60.47, longitude=40.22
    )
    organization = OrganizationFactory(
        name="Комплексный центр социального обслуживания (демо)",
        alternate_name="КЦСОН (демо)",
        website="https://example.org/kcson",
        email="kcson@example.org",
        legal_status="государственное учреждение",
    )
    OrganizationPhoneFactory(organization=organization, number="8 (000) 000-00-09")
    OrganizationPhoneFactory(
        organization=organization,
        number="8 (000) 000-00-10",
        kind=OrganizationPhone.Kind.MOBILE,
        description="директор",
    )
    mediation = ServiceFactory(
        name="Служба семейной медиации (демо)",
        description="Помогаем родителям договориться о детях.",
        organization=organization,
        kinds=["mediation"],
        target_groups=["parents"],
        url="https://example.org/mediation",
        email="mediation@example.org",
        minimum_age=0,
        maximum_age=18,
        is_free=False,
        fees_description="Первая встреча бесплатно, далее 500 ₽",
        languages="русский, татарский",
        assured_date=dt.date(2026, 1, 15),
        assurer_email="editor.private@example.org",
        alert="Закрыто на праздники (демо)",
    )
    LocationFactory(
        service=mediation,
        district=sokol,
        name="Отделение (демо)",
        address="г. Сокол, ул. Демонстрационная, д. 1 (демо)",
        postal_code="162130",
        latitude=59.47,
        longitude=40.11,
        transportation="Остановка «Центр» (демо)",
        accessibility="Вход без ступенек (демо)",
    )
    ServiceAreaFactory(service=mediation, district=vozh, description="Выезд по записи")
    PhoneFactory(
        service=mediation, number="8 (000) 000-00-01", kind="hotline", description="Бесплатно"
    )
    weekday_hours(mediation)
    ScheduleExceptionFactory(
        service=mediation, start_date=timezone.localdate() + dt.timedelta(days=3), end_date=None
    )

    shelter = ServiceFactory(
        name="Кризисное отделение для женщин (демо)",
        description="Временное проживание и консультации.",
        organization=organization,
        kinds=["women_crisis"],
        target_groups=["women_violence"],
        is_24_7=True,
        accessibility="Сопровождение для маломобильных посетителей (демо)",
    )
    LocationFactory(
        service=shelter,
        district=vozh,
        name=SECRET_NOTES[2],
        address=SECRET_ADDRESS,
        postal_code=SECRET_POSTCODE,
        latitude=SECRET_LAT,
        longitude=SECRET_LON,
        transportation=SECRET_NOTES[0],
        accessibility=SECRET_NOTES[1],
        is_confidential=True,
    )
    PhoneFactory(service=shelter, number="8 (000) 000-00-02", kind="out_of_hours")

    draft = ServiceFactory(name="Черновик (демо)", live=False, kinds=["mediation"])
    closed = ServiceFactory(name="Закрытая служба (демо)", status=Service.Status.CLOSED)
    hidden_org = OrganizationFactory(name="Организация без служб (демо)")
    return {
        "mediation": mediation,
        "shelter": shelter,
        "draft": draft,
        "closed": closed,
        "organization": organization,
        "hidden_org": hidden_org,
        "sokol": sokol,
        "vozh": vozh,
    }


def get(client, path, **params):
    response = client.get(API + path, params)
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    return response


def ok(client, path, **params):
    response = get(client, path, **params)
    assert response.status_code == 200, response.content.decode()
    return response.json()


def bad(client, path, status=400, **params) -> str:
    response = get(client, path, **params)
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert body["status"] == status and body["error"]
    return body["error"]


def names(page) -> set[str]:
    return {item["name"] for item in page["contents"]}


# --- API info ---------------------------------------------------------------------------------


def test_root_describes_the_api(client):
    info = ok(client, "")
    assert info["version"] == "3.0"
    assert info["profile"].startswith("https://")
    assert info["openapi_url"] == "http://testserver/api/hsds/openapi.json"
    assert_valid(info, openapi_response("/"))
    document = ok(client, "openapi.json")
    assert {"/services", "/services/{id}", "/organizations", "/taxonomy_terms"} <= set(
        document["paths"]
    )
    assert "REQUIRED" not in document["info"]["title"]


def test_api_is_not_language_prefixed_and_sets_no_cookie(client, data):
    response = get(client, "services")
    assert response.status_code == 200
    assert not response.cookies
    assert client.get("/en/api/hsds/services", follow=True).status_code == 404


# --- Schema validity of every endpoint --------------------------------------------------------


def test_service_list_is_a_valid_hsds_page_of_public_services(client, data):
    page = ok(client, "services")
    assert_valid(page, openapi_response("/services"))
    for item in page["contents"]:
        assert_valid(item, "compiled/service_list.json")
    assert names(page) == {data["mediation"].name, data["shelter"].name}
    assert page["total_items"] == 2 and page["total_pages"] == 1 and page["size"] == 2
    assert page["first_page"] and page["last_page"] and not page["empty"]


def test_full_and_minimal_service_lists_are_valid(client, data):
    full = ok(client, "services", full="true")
    assert_valid(full, openapi_response("/services"))
    for item in full["contents"]:
        assert_valid(item, "service.json")
        assert item["service_at_locations"]
    minimal = ok(client, "services", minimal="true")
    assert {tuple(sorted(item)) for item in minimal["contents"]} == {("id", "last_modified")}


def test_service_detail_is_a_valid_full_service(client, data):
    service = data["mediation"]
    detail = ok(client, f"services/{service.hsds_id}")
    assert_valid(detail, "service.json")
    assert detail["id"] == service.hsds_id
    assert detail["status"] == "active"
    assert detail["organization"]["id"] == data["organization"].hsds_id
    assert detail["organization_id"] == data["organization"].hsds_id
    assert detail["assured_date"] == "2026-01-15"
    assert detail["alert"] == "Закрыто на праздники (демо)"
    assert detail["minimum_age"] == 0 and detail["maximum_age"] == 18
    assert detail["fees_description"].startswith("Первая встреча")
    assert [phone["number"] for phone in detail["phones"]] == ["8 (000) 000-00-01"]
    assert detail["phones"][0]["description"] == "Горячая линия. Бесплатно"
    weekly = [s for s in detail["schedules"] if s.get("byday")]
    assert [s["byday"] for s in weekly] == ["MO", "TU", "WE", "TH", "FR"]
    assert weekly[0]["opens_at"] == "09:00" and weekly[0]["closes_at"] == "18:00"
    holiday = [s for s in detail["schedules"] if s.get("valid_from")]
    assert holiday and "opens_at" not in holiday[0]
    assert [area["name"] for area in detail["service_areas"]] == ["Вожегодский округ"]
    location = detail["service_at_locations"][0]["location"]
    assert location["latitude"] == 59.47
    assert location["addresses"][0]["address_1"].startswith("г. Сокол")
    assert location["addresses"][0]["postal_code"] == "162130"
    terms = {a["taxonomy_term"]["code"]: a["taxonomy_term"] for a in detail["attributes"]}
    assert set(terms) == {"mediation", "parents"}
    assert terms["mediation"]["taxonomy_id"] == TAXONOMY_BY_KEY["service_kinds"].id
    assert {lang["code"] for lang in detail["languages"]} == {"ru", "tt"}
    assert detail["cost_options"][0]["amount_description"].startswith("Первая встреча")
    # The editor who verified the entry is not published.
    assert "editor.private@example.org" not in json.dumps(detail)
    assert "assurer_email" not in detail


def test_24_7_service_has_an_all_week_schedule(client, data):
    detail = ok(client, f"services/{data['shelter'].hsds_id}")
    assert_valid(detail, "service.json")
    all_week = [s for s in detail["schedules"] if s.get("byday") == "MO,TU,WE,TH,FR,SA,SU"]
    assert all_week and all_week[0]["opens_at"] == "00:00"


@pytest.mark.skipif(
    not (SHARED_DIR / "compiled" / "service.json").exists(),
    reason="the full HSDS schema copy (../shared/hsds) is not present",
)
def test_output_validates_against_the_compiled_schemas_too(client, data):
    for service in (data["mediation"], data["shelter"]):
        detail = ok(client, f"services/{service.hsds_id}")
        assert_valid(detail, "compiled/service.json", SHARED_DIR)
    organization = ok(client, f"organizations/{data['organization'].hsds_id}")
    assert_valid(organization, "compiled/organization.json", SHARED_DIR)


def test_organizations_are_valid_and_only_those_with_public_services(client, data):
    page = ok(client, "organizations")
    assert_valid(page, openapi_response("/organizations"))
    assert names(page) == {data["organization"].name}
    for item in page["contents"]:
        assert_valid(item, "compiled/organization_list.json")
    detail = ok(client, f"organizations/{data['organization'].hsds_id}")
    assert_valid(detail, "organization.json")
    for service in detail["services"]:
        assert_valid(service, "service.json")
    assert {s["name"] for s in detail["services"]} == {data["mediation"].name, data["shelter"].name}
    org_id = data["organization"].hsds_id
    phones = [(p["number"], p["organization_id"], p.get("type")) for p in detail["phones"]]
    assert phones == [
        ("8 (000) 000-00-09", org_id, "voice"),
        ("8 (000) 000-00-10", org_id, "cell"),
    ]
    assert detail["phones"][1]["description"] == "Мобильный. директор"
    ids = [phone["id"] for phone in detail["phones"]]
    assert len(set(ids)) == 2 and ids == [p.hsds_id for p in data["organization"].phones.all()]
    assert ids == [p["id"] for p in ok(client, f"organizations/{org_id}")["phones"]]  # stable
    full = ok(client, "organizations", full="true")
    assert_valid(full, openapi_response("/organizations"))
    assert len(full["contents"][0]["services"]) == 2
    assert [p["id"] for p in full["contents"][0]["phones"]] == ids
    bad(client, f"organizations/{data['hidden_org'].hsds_id}", status=404)


def test_taxonomies_and_terms_are_valid(client, data):
    taxonomies = ok(client, "taxonomies")
    assert_valid(taxonomies, openapi_response("/taxonomies"))
    assert {t["name"] for t in taxonomies["contents"]} == {"Виды помощи", "Кому помогает", "Районы"}
    kinds_id = TAXONOMY_BY_KEY["service_kinds"].id
    assert ok(client, f"taxonomies/{kinds_id}")["name"] == "Виды помощи"

    terms = ok(client, "taxonomy_terms", per_page=100)
    assert_valid(terms, openapi_response("/taxonomy_terms"))
    codes = {term["code"] for term in terms["contents"]}
    assert {"mediation", "sos", "parents", "sokolsky", "vozhegodsky"} <= codes
    kinds = ok(client, "taxonomy_terms", taxonomy_id=kinds_id, per_page=100)
    assert {t["taxonomy_id"] for t in kinds["contents"]} == {kinds_id}
    assert kinds["total_items"] == ServiceKind.objects.filter(locale__language_code="ru").count()
    mediation = ServiceKind.objects.get(code="mediation", locale__language_code="ru")
    term = ok(client, f"taxonomy_terms/{mediation.hsds_id}")
    assert_valid(term, "taxonomy_term.json")
    assert term["code"] == "mediation" and term["language"] == "ru"
    district_term = ok(client, f"taxonomy_terms/{data['sokol'].hsds_id}")
    assert district_term["name"] == "Сокольский округ"
    searched = ok(client, "taxonomy_terms", search="медиац")
    assert "mediation" in {t["code"] for t in searched["contents"]}


# --- Confidential locations: never an address or coordinates, on any endpoint -----------------


def secret_values() -> list[str]:
    return [SECRET_ADDRESS, SECRET_POSTCODE, str(SECRET_LAT), str(SECRET_LON), *SECRET_NOTES]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("services", {}),
        ("services", {"full": "true"}),
        ("services", {"minimal": "true"}),
        ("services", {"search": "кризисное"}),
        ("services/{shelter}", {}),
        ("organizations", {}),
        ("organizations", {"full": "true"}),
        ("organizations/{organization}", {}),
        ("taxonomy_terms", {"per_page": 100}),
    ],
)
def test_confidential_location_is_never_published(client, data, path, params):
    path = path.format(shelter=data["shelter"].hsds_id, organization=data["organization"].hsds_id)
    body = get(client, path, **params).content.decode()
    for secret in secret_values():
        assert secret not in body, (path, secret)


def test_confidential_location_keeps_its_district(client, data):
    detail = ok(client, f"services/{data['shelter'].hsds_id}")
    location = detail["service_at_locations"][0]["location"]
    assert location["name"] == "Вожегодский округ"
    assert "addresses" not in location and "latitude" not in location
    assert "адрес сообщают по телефону" in location["description"]
    assert location["attributes"][0]["taxonomy_term"]["code"] == "vozhegodsky"
    assert detail["phones"][0]["number"] == "8 (000) 000-00-02"


def test_confidential_location_is_safe_in_english_too(client, data, english):
    body = get(client, "services", locale="en", full="true").content.decode()
    for secret in secret_values():
        assert secret not in body


# --- Filters ---------------------------------------------------------------------------------


def test_filter_by_taxonomy_term(client, data):
    mediation = ServiceKind.objects.get(code="mediation", locale__language_code="ru")
    page = ok(client, "services", taxonomy_term_id=mediation.hsds_id)
    assert names(page) == {data["mediation"].name}
    by_district = ok(client, "services", taxonomy_term_id=data["sokol"].hsds_id)
    assert names(by_district) == {data["mediation"].name}
    # Vožega: the shelter is there and the mediation service serves it.
    served = ok(client, "services", taxonomy_term_id=data["vozh"].hsds_id)
    assert names(served) == {data["mediation"].name, data["shelter"].name}


def test_filter_by_organization_and_taxonomy(client, data):
    other = ServiceFactory(name="Другая служба (демо)", organization=OrganizationFactory())
    page = ok(client, "services", organization_id=data["organization"].hsds_id)
    assert other.name not in names(page) and len(page["contents"]) == 2
    kinds = ok(client, "services", taxonomy_id=TAXONOMY_BY_KEY["service_kinds"].id)
    assert names(kinds) == {data["mediation"].name, data["shelter"].name}


def test_filter_by_modified_after(client, data):
    Service.objects.filter(pk=data["shelter"].pk).update(
        modified=timezone.now() - dt.timedelta(days=30)
    )
    recent = (timezone.now() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert names(ok(client, "services", modified_after=recent)) == {data["mediation"].name}
    assert len(ok(client, "services", modified_after="2000-01-01")["contents"]) == 2
    assert ok(client, "services", modified_after="2999-01-01")["empty"] is True
    # An offset's "+" arrives as a space when the client does not encode it.
    with_offset = (timezone.now() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    response = client.get(f"{API}services?modified_after={with_offset}+03:00")
    assert names(response.json()) == {data["mediation"].name}


@pytest.mark.parametrize(("query", "expected"), [("медиатор", "mediation"), ("насилие", "shelter")])
def test_search_uses_russian_morphology(client, data, query, expected):
    assert names(ok(client, "services", search=query)) == {data[expected].name}


def test_search_with_filters_and_pagination(client, data):
    page = ok(client, "services", search="демо", per_page=1, page=2)
    assert page["total_items"] == 2 and page["size"] == 1 and page["last_page"]
    none = ok(client, "services", search="медиатор", organization_id=OrganizationFactory().hsds_id)
    assert none["empty"] is True and none["contents"] == []


# --- Pagination ------------------------------------------------------------------------------


def test_pagination_envelope(client, data):
    for n in range(3):
        ServiceFactory(name=f"Служба {n} (демо)")
    first = ok(client, "services", per_page=2)
    assert (first["total_items"], first["total_pages"], first["page_number"]) == (5, 3, 1)
    assert first["first_page"] and not first["last_page"] and first["size"] == 2
    last = ok(client, "services", per_page=2, page=3)
    assert last["last_page"] and not last["first_page"] and last["size"] == 1
    seen = [
        item["id"]
        for p in (1, 2, 3)
        for item in ok(client, "services", per_page=2, page=p)["contents"]
    ]
    assert len(set(seen)) == 5


def test_empty_result_is_a_valid_page(client, db):
    page = ok(client, "services")
    assert_valid(page, openapi_response("/services"))
    assert page == {
        "total_items": 0,
        "total_pages": 1,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }


# --- Bad input: clear 400/404 JSON, never a 500 -------------------------------------------------


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "-3"}, "page"),
        ({"per_page": "10000"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "1e3"}, "per_page"),
        ({"modified_after": "junk"}, "modified_after"),
        ({"modified_after": "2025-13-45"}, "modified_after"),
        ({"modified_after": "2025-01-01T25:00"}, "modified_after"),
        ({"taxonomy_term_id": "not-a-uuid"}, "taxonomy_term_id"),
        ({"taxonomy_term_id": "00000000-0000-0000-0000-000000000000"}, "термина"),
        ({"organization_id": "12"}, "organization_id"),
        ({"organization_id": "00000000-0000-0000-0000-000000000000"}, "организации"),
        ({"taxonomy_id": "00000000-0000-0000-0000-000000000000"}, "таксономии"),
        ({"full": "maybe"}, "full"),
        ({"locale": "xx"}, "locale"),
        ({"format": "ndjson"}, "json"),
    ],
)
def test_bad_parameters_are_400(client, data, params, fragment):
    assert fragment in bad(client, "services", **params)


def test_page_past_the_end_is_404(client, data):
    assert "2" in bad(client, "services", status=404, page=2)
    bad(client, "services", status=404, page=10**30)


@pytest.mark.parametrize(
    "path",
    [
        "services/00000000-0000-0000-0000-000000000000",
        "services/not-a-uuid",
        "services/%00",
        "organizations/123",
        "taxonomies/123",
        "taxonomy_terms/00000000-0000-0000-0000-000000000000",
        "locations",
        "services/a/b",
    ],
)
def test_unknown_ids_and_paths_are_404(client, data, path):
    bad(client, path, status=404)


def test_drafts_and_closed_services_are_not_found(client, data):
    for key in ("draft", "closed"):
        bad(client, f"services/{data[key].hsds_id}", status=404)


def test_read_only(client, data):
    response = client.post(API + "services", {})
    assert response.status_code == 405 and response.json()["status"] == 405
    preflight = client.options(API + "services")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "query",
    ["a & b | !c", "(d) 'e' \"f\" :* <->", "NEAR(a b)", "*", "^", "-", "OR", "AND NOT", "\\", "%_"],
)
def test_search_syntax_characters_never_break(client, data, query):
    assert get(client, "services", search=query).status_code == 200


@pytest.mark.parametrize("query", ['"', "'", '"медиатор', "«»", "-", "?", "...", "—", "+", "*"])
def test_search_without_words_is_an_explicit_empty_result(client, data, query):
    """Issue 9, defect 3 in the API: a search that reduces to no word matches nothing
    (an empty, valid page), as everywhere the site searches; `"` was a 500 on SQLite."""
    page = ok(client, "services", search=query)
    if query == '"медиатор':
        assert names(page) == {data["mediation"].name}
    else:
        assert page["empty"] is True and page["total_items"] == 0
        assert_valid(page, openapi_response("/services"))


@pytest.mark.parametrize("path", ["services", "organizations", "taxonomies", "taxonomy_terms"])
def test_nul_and_control_characters_in_search_are_removed(client, data, path):
    """Issue 9, defect 8: PostgreSQL refuses NUL bytes (a 500 there, and an FTS5 error on
    SQLite); control characters are removed from every parameter before the view runs."""
    assert ok(client, path, search="\x00") == ok(client, path)
    assert ok(client, path, search="\x00\x01\x1f\x7f") == ok(client, path)
    if path == "services":
        assert names(ok(client, path, search="меди\x00атор")) == {data["mediation"].name}
    if path == "organizations":
        assert ok(client, path, search="КЦСОН\x00")["total_items"] == 1


@pytest.mark.parametrize(
    "params",
    [
        {"page": "1\x00"},
        {"per_page": "\x005"},
        {"locale": "en\x00"},
        {"full": "true\x00"},
        {"modified_after": "2020-01-01\x00"},
        {"organization_id": "\x00"},
        {"taxonomy_term_id": "\x00"},
        {"\x00": "\x00"},
    ],
)
def test_nul_bytes_in_any_parameter_are_never_a_500(client, data, params):
    assert get(client, "services", **params).status_code in (200, 400, 404)


def test_over_long_search_is_cut_not_rejected(client, data):
    assert ok(client, "services", search="медиатор " * 500)["empty"] in (True, False)


# --- Query counts do not grow with the data ------------------------------------------------------


def make_services(n: int) -> None:
    district = DistrictFactory()
    for _ in range(n):
        service = ServiceFactory(kinds=["mediation", "sos"], target_groups=["parents"])
        LocationFactory(service=service, district=district)
        ServiceAreaFactory(service=service, district=district)
        PhoneFactory(service=service)
        OrganizationPhoneFactory(organization=service.organization)
        OrganizationPhoneFactory(organization=service.organization)
        weekday_hours(service, days=range(2))


@pytest.mark.parametrize("n", [2, 25])
def test_query_count_is_constant(client, django_assert_max_num_queries, n):
    make_services(n)
    with django_assert_max_num_queries(
        13
    ):  # +1: the official calendar, read once, then cached (hours.CALENDAR)
        assert len(ok(client, "services", full="true", per_page=100)["contents"]) == n
    with django_assert_max_num_queries(6):
        ok(client, "services", per_page=100)
    with django_assert_max_num_queries(13):
        ok(client, "services", search="служба", full="true", per_page=100)
    with django_assert_max_num_queries(8):
        ok(client, "organizations", full="true", per_page=100)
    with django_assert_max_num_queries(8):
        ok(client, "taxonomy_terms", per_page=100)


@pytest.mark.parametrize("children", [1, 10])
def test_detail_query_count_does_not_grow_with_children(
    client, django_assert_max_num_queries, children
):
    service = ServiceFactory(kinds=["mediation", "sos"], target_groups=["parents"])
    for _ in range(children):
        LocationFactory(service=service)
        ServiceAreaFactory(service=service)
        PhoneFactory(service=service)
        OrganizationPhoneFactory(organization=service.organization)
    weekday_hours(service, days=range(children % 7 + 1))
    with django_assert_max_num_queries(
        13
    ):  # +1: the official calendar, read once, then cached (hours.CALENDAR)
        detail = ok(client, f"services/{service.hsds_id}")
    assert len(detail["service_at_locations"]) == children
    with django_assert_max_num_queries(6):
        ok(client, f"organizations/{service.organization.hsds_id}")


@pytest.mark.parametrize("n", [2, 25])
def test_query_count_is_constant_in_english(client, django_assert_max_num_queries, english, n):
    make_services(n)
    with django_assert_max_num_queries(
        15
    ):  # +1: the official calendar, read once, then cached (hours.CALENDAR)
        ok(client, "services", full="true", per_page=100, locale="en")


# --- English -------------------------------------------------------------------------------------


@pytest.fixture
def english(data):
    """An English translation of the mediation service and its organisation."""
    en = Locale.objects.get_or_create(language_code="en")[0]
    source = data["mediation"]
    organization = Organization.objects.create(
        name="Comprehensive social service centre (demo)",
        description="A state social service body.",
        locale=en,
        translation_key=data["organization"].translation_key,
    )
    translation = ServiceFactory(
        name="Family mediation service (demo)",
        description="We help parents agree about their children.",
        organization=organization,
        locale=en,
        slug=source.slug,
        translation_key=source.translation_key,
    )
    translation.kinds.set(source.kinds.all())
    translation.save()
    LocationFactory(service=translation, district=data["sokol"], address="Sokol, Demo street 1")
    return translation


def test_english_lists_translations_under_the_source_ids(client, data, english):
    page = ok(client, "services", locale="en", full="true")
    assert_valid(page, openapi_response("/services"))
    assert names(page) == {"Family mediation service (demo)"}
    item = page["contents"][0]
    assert item["id"] == data["mediation"].hsds_id
    assert item["organization"]["id"] == data["organization"].hsds_id
    assert item["organization"]["name"].startswith("Comprehensive")
    kind = item["attributes"][0]["taxonomy_term"]
    assert kind["name"] == "Family mediation" or kind["language"] in ("en", "ru")

    detail = ok(client, f"services/{data['mediation'].hsds_id}", locale="en")
    assert_valid(detail, "service.json")
    assert detail["name"] == "Family mediation service (demo)"
    assert "перевода" in bad(client, f"services/{data['shelter'].hsds_id}", status=404, locale="en")
    by_org = ok(client, "services", locale="en", organization_id=data["organization"].hsds_id)
    assert names(by_org) == {"Family mediation service (demo)"}
    orgs = ok(client, "organizations", locale="en")
    assert [o["id"] for o in orgs["contents"]] == [data["organization"].hsds_id]
    org = ok(client, f"organizations/{data['organization'].hsds_id}", locale="en")
    assert [s["id"] for s in org["services"]] == [data["mediation"].hsds_id]


def test_english_taxonomy_names(client, data):
    mediation = ServiceKind.objects.get(code="mediation", locale__language_code="ru")
    english_name = ServiceKind.objects.get(code="mediation", locale__language_code="en").name
    term = ok(client, f"taxonomy_terms/{mediation.hsds_id}", locale="en")
    assert term["name"] == english_name and term["language"] == "en"
    assert term["id"] == mediation.hsds_id


def test_service_url_is_outside_i18n():
    assert reverse("hsds:services") == "/api/hsds/services"


def test_the_whole_demo_registry_is_valid_hsds(client, demo_site):
    """Every service of the demo data (all its variety) validates; no confidential address leaks."""
    from safechildhood.registry.models import Location

    secrets = [loc.address for loc in Location.objects.filter(is_confidential=True) if loc.address]
    assert secrets, "the demo data has confidential places"
    page_number, seen, exported = 1, 0, []
    while True:
        page = ok(client, "services", full="true", per_page=100, page=page_number)
        assert_valid(page, openapi_response("/services"))
        for service in page["contents"]:
            assert_valid(service, "service.json")
        exported += page["contents"]
        body = json.dumps(page, ensure_ascii=False)
        assert not [secret for secret in secrets if secret in body]
        seen += page["size"]
        if page["last_page"]:
            break
        page_number += 1
    assert seen == Service.objects.public().filter(locale__language_code="ru").count() > 50
    organizations = ok(client, "organizations", full="true", per_page=100)
    assert_valid(organizations, openapi_response("/organizations"))
    # …and our importer reads it all back without a single error (dry run).
    result = engine.plan(read_json_bytes(json.dumps(exported).encode(), "demo.json"))
    assert not result.errors, result.errors[:5]
    assert result.created == seen


@pytest.mark.parametrize("path", ["%0A", "services/%0A", "a%0Ab", "%0D%0A"])
def test_unknown_paths_with_line_breaks_are_json_404(client, path):
    """Found by `make fuzz`: the API's catch-all did not match a line break and Django's
    HTML 404 answered an API client."""
    response = client.get(f"/api/hsds/{path}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
