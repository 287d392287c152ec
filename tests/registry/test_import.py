"""Import: HSDS JSON and the editors' CSV → dry-run report → all-or-nothing apply → update by id."""

import codecs
import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Revision

from safechildhood.registry.importing import engine, hsds_format
from safechildhood.registry.importing.csv_format import COLUMN_CODES, parse_csv, template_csv
from safechildhood.registry.importing.hsds_format import read_json_bytes, read_path
from safechildhood.registry.importing.values import hours
from safechildhood.registry.models import Organization, OrganizationPhone, Phone, Service

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

pytestmark = pytest.mark.django_db

T = dt.time


@pytest.fixture
def districts():
    return {
        "sokol": DistrictFactory(name="Сокольский муниципальный округ", slug="sokolsky"),
        "vozh": DistrictFactory(name="Вожегодский муниципальный округ", slug="vozhegodsky"),
        "kirillov": DistrictFactory(name="Кирилловский муниципальный округ", slug="kirillovsky"),
    }


def hsds_service(**overrides) -> dict:
    """A service as another HSDS publisher might send it (not our own ids or taxonomy ids)."""
    service = {
        "id": "ext-0001",
        "name": "Служба примирения (демо)",
        "description": "Восстановительные встречи для школьников и родителей.",
        "status": "active",
        "email": "primirenie@example.org",
        "url": "https://example.org/primirenie",
        "minimum_age": 10,
        "maximum_age": 18,
        "assured_date": "2026-02-01",
        "alert": "Приём по записи (демо)",
        "organization": {
            "id": "org-ext-1",
            "name": "Центр психолого-педагогической помощи (демо)",
            "description": "Демонстрационная организация.",
            "website": "https://example.org",
            "phones": [
                {"id": "p0", "number": "8 (000) 000-11-00"},
                {"id": "p00", "number": "8 (000) 000-11-10", "description": "Мобильный. Директор"},
            ],
        },
        "phones": [
            {"id": "p1", "number": "8 (000) 000-11-01", "description": "Горячая линия. Бесплатно"},
            {"id": "p2", "number": "8 (000) 000-11-02", "type": "cell"},
        ],
        "schedules": [
            {
                "id": "s1",
                "freq": "WEEKLY",
                "byday": "MO,WE,FR",
                "opens_at": "09:00",
                "closes_at": "17:00",
            },
            {
                "id": "s2",
                "valid_from": "2027-01-01",
                "valid_to": "2027-01-08",
                "description": "Праздники",
            },
        ],
        "service_areas": [{"id": "a1", "name": "Кирилловский муниципальный округ"}],
        "service_at_locations": [
            {
                "id": "sal1",
                "location": {
                    "id": "l1",
                    "location_type": "physical",
                    "latitude": 59.47,
                    "longitude": 40.11,
                    "transportation": "Автобус 1 (демо)",
                    "addresses": [
                        {
                            "id": "ad1",
                            "address_1": "г. Сокол, ул. Демонстрационная, д. 2 (демо)",
                            "city": "Сокольский муниципальный округ",
                            "state_province": "Вологодская область",
                            "postal_code": "162130",
                            "country": "RU",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
        "attributes": [
            {"id": "at1", "taxonomy_term": {"id": "t1", "code": "reconciliation", "name": "x"}},
            {"id": "at2", "taxonomy_term": {"id": "t2", "code": "teenagers", "name": "y"}},
        ],
        "languages": [{"id": "lg", "name": "русский"}, {"id": "lg2", "name": "татарский"}],
        "cost_options": [{"id": "c1", "amount": 0, "currency": "RUB"}],
    }
    service.update(overrides)
    return service


def write_json(tmp_path, data, name="services.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def plan_of(path):
    return engine.plan(read_path(path))


def problems(result) -> list[tuple[str, str, str]]:
    return [(p.record, p.field, p.message) for p in result.errors]


# --- HSDS JSON ----------------------------------------------------------------------------------


def test_dry_run_writes_nothing_and_apply_creates_everything(tmp_path, districts):
    path = write_json(tmp_path, hsds_service())
    result = plan_of(path)
    assert result.ok, problems(result)
    assert (result.created, result.updated, result.new_organizations) == (1, 0, 1)
    assert not Service.objects.filter(external_id="ext-0001").exists()
    assert not Organization.objects.filter(external_id="org-ext-1").exists()

    engine.apply(result)
    service = Service.objects.get(external_id="ext-0001")
    assert service.live and service.name == "Служба примирения (демо)"
    assert service.locale.language_code == "ru"
    assert service.organization.external_id == "org-ext-1"
    org_phones = [(p.number, p.kind, p.description) for p in service.organization.phones.all()]
    assert org_phones == [
        ("8 (000) 000-11-00", OrganizationPhone.Kind.DAYTIME, ""),
        ("8 (000) 000-11-10", OrganizationPhone.Kind.MOBILE, "Директор"),
    ]
    assert {p.locale_id for p in service.organization.phones.all()} == {service.locale_id}
    assert (service.minimum_age, service.maximum_age) == (10, 18)
    assert service.assured_date == dt.date(2026, 2, 1)
    assert service.languages == "русский, татарский"
    assert service.is_free
    assert [k.code for k in service.kinds.all()] == ["reconciliation"]
    assert [g.code for g in service.target_groups.all()] == ["teenagers"]
    location = service.locations.get()
    assert location.district == districts["sokol"] and not location.is_confidential
    assert location.postal_code == "162130" and location.latitude == 59.47
    assert [a.district for a in service.service_areas.all()] == [districts["kirillov"]]
    phones = {p.number: p.kind for p in service.phones.all()}
    assert phones == {
        "8 (000) 000-11-01": Phone.Kind.HOTLINE,
        "8 (000) 000-11-02": Phone.Kind.MOBILE,
    }
    assert service.phones.get(number="8 (000) 000-11-01").description == "Бесплатно"
    assert sorted(s.weekday for s in service.schedules.all()) == [0, 2, 4]
    holiday = service.schedule_exceptions.get()
    assert holiday.is_closed and holiday.end_date == dt.date(2027, 1, 8)
    assert Revision.objects.for_instance(service).exists()
    assert service.live_revision_id is not None
    # The imported service is searchable at once.
    assert service in Service.objects.filter(pk=service.pk).search("примирение")


def test_phone_kinds_are_read_whatever_language_is_active(tmp_path, districts):
    """The export writes the kind in Russian («Горячая линия. …»); an import run while
    English is active (a command after an English request, a test) read it as text, and
    the demo's English pages showed «Горячая линия. в рабочее время»."""
    from django.utils import translation

    path = write_json(tmp_path, hsds_service())
    with translation.override("en"):
        engine.apply(plan_of(path))
    phone = Service.objects.get(external_id="ext-0001").phones.get(number="8 (000) 000-11-01")
    assert (phone.kind, phone.description) == (Phone.Kind.HOTLINE, "Бесплатно")


def test_reimport_updates_by_external_id_instead_of_duplicating(tmp_path, districts):
    engine.apply(plan_of(write_json(tmp_path, hsds_service())))
    changed = hsds_service(
        name="Служба примирения (обновлено, демо)",
        phones=[{"id": "p9", "number": "8 (000) 000-11-09"}],
    )
    result = plan_of(write_json(tmp_path, [changed]))
    assert (result.created, result.updated, result.new_organizations) == (0, 1, 0)
    engine.apply(result)
    service = Service.objects.get(external_id="ext-0001")
    assert Service.objects.filter(external_id="ext-0001").count() == 1
    assert Organization.objects.filter(external_id="org-ext-1").count() == 1
    assert service.name == "Служба примирения (обновлено, демо)"
    assert [p.number for p in service.phones.all()] == ["8 (000) 000-11-09"]
    assert service.locations.count() == 1


def test_reimport_replaces_the_organizations_phones_only_when_given(tmp_path, districts):
    engine.apply(plan_of(write_json(tmp_path, hsds_service())))
    organization = Organization.objects.get(external_id="org-ext-1")
    assert organization.phones.count() == 2

    changed = hsds_service()
    changed["organization"]["phones"] = [{"id": "p01", "number": "8 (000) 000-11-20"}]
    result = plan_of(write_json(tmp_path, changed))
    assert result.ok, problems(result)
    assert organization.phones.count() == 2  # the dry run wrote nothing
    engine.apply(result)
    assert [p.number for p in organization.phones.all()] == ["8 (000) 000-11-20"]
    assert OrganizationPhone.objects.count() == 1

    # No "phones" key: the organisation keeps them; an empty list clears them.
    without = hsds_service()
    del without["organization"]["phones"]
    engine.apply(plan_of(write_json(tmp_path, without)))
    assert [p.number for p in organization.phones.all()] == ["8 (000) 000-11-20"]
    cleared = hsds_service()
    cleared["organization"]["phones"] = []
    engine.apply(plan_of(write_json(tmp_path, cleared)))
    assert not organization.phones.exists()


def test_organization_phone_problems_are_reported_and_written_with_the_rest(
    tmp_path, districts, monkeypatch
):
    bad = hsds_service()
    bad["organization"]["phones"] = [{"id": "p0", "number": ""}, {"number": "1" * 60}]
    result = plan_of(write_json(tmp_path, bad))
    fields = {field for _record, field, _message in problems(result)}
    assert {"organization.phones[0].number", "organization.phones[1].number"} <= fields

    # The phones are written in the import's one transaction: a later failure undoes them.
    existing = OrganizationFactory(external_id="org-ext-1", name="Центр (демо)")
    OrganizationPhoneFactory(organization=existing, number="8 (000) 000-11-99")
    result = plan_of(write_json(tmp_path, hsds_service()))
    assert result.ok, problems(result)

    def failing(*args, **kwargs):
        raise ValueError("диск переполнен")

    monkeypatch.setattr(Service, "save_revision", failing)
    with pytest.raises(engine.ImportFailed):
        engine.apply(result)
    assert [p.number for p in existing.phones.all()] == ["8 (000) 000-11-99"]


def test_our_own_api_output_round_trips(client, tmp_path, districts):
    """Export a full service from /api/hsds/, delete it, import the file: the same entry again."""
    organization = OrganizationFactory(name="КЦСОН «Демо»", external_id="")
    shelter = ServiceFactory(
        name="Кризисное отделение (демо)",
        organization=organization,
        kinds=["women_crisis"],
        target_groups=["women_violence", "families_with_children"],
        is_24_7=True,
        assured_date=dt.date(2026, 1, 10),
        alert="Звоните заранее (демо)",
    )
    LocationFactory(
        service=shelter, district=districts["vozh"], address="секрет", is_confidential=True
    )
    ServiceAreaFactory(service=shelter, district=districts["kirillov"], description="выезд")
    PhoneFactory(
        service=shelter, number="8 (000) 000-22-01", kind="out_of_hours", description="ночью"
    )
    weekday_hours(shelter, days=[5], opens=T(22), closes=T(2))
    ScheduleExceptionFactory(
        service=shelter,
        start_date=dt.date.today() + dt.timedelta(days=10),
        end_date=None,
        is_closed=False,
        opens_at=T(10),
        closes_at=T(12),
        description="Короткий день",
    )
    exported = client.get(f"/api/hsds/services/{shelter.hsds_id}").json()
    path = write_json(tmp_path, exported, "shelter.json")
    shelter.delete()

    result = plan_of(path)
    assert result.ok, problems(result)
    engine.apply(result)
    copy = Service.objects.get(external_id=exported["id"])
    assert copy.name == "Кризисное отделение (демо)" and copy.is_24_7 and copy.alert
    assert copy.organization == organization  # matched by name, now with an external id
    assert copy.assured_date == dt.date(2026, 1, 10)
    assert {k.code for k in copy.kinds.all()} == {"women_crisis"}
    assert {g.code for g in copy.target_groups.all()} == {
        "women_violence",
        "families_with_children",
    }
    location = copy.locations.get()
    assert location.is_confidential and location.district == districts["vozh"]
    assert location.address == ""  # the address was never published, so never imported
    assert [a.district for a in copy.service_areas.all()] == [districts["kirillov"]]
    assert copy.service_areas.get().description == "выезд"
    phone = copy.phones.get()
    assert (phone.kind, phone.description) == (Phone.Kind.OUT_OF_HOURS, "ночью")
    night = copy.schedules.get()
    assert (night.weekday, night.opens_at, night.closes_at) == (5, T(22), T(2))
    special = copy.schedule_exceptions.get()
    assert not special.is_closed and (special.opens_at, special.closes_at) == (T(10), T(12))


def test_api_page_and_organization_documents(client, tmp_path, districts):
    service = ServiceFactory(name="Служба медиации (демо)", kinds=["mediation"])
    LocationFactory(service=service, district=districts["sokol"])
    OrganizationPhoneFactory(organization=service.organization, number="8 (000) 000-55-01")
    OrganizationPhoneFactory(
        organization=service.organization, number="8 (000) 000-55-02", kind="mobile"
    )
    page = client.get("/api/hsds/services", {"full": "true"}).json()
    organization = client.get(f"/api/hsds/organizations/{service.organization.hsds_id}").json()
    for name, document in (("page.json", page), ("organization.json", organization)):
        path = write_json(tmp_path, document, name)
        result = plan_of(path)
        assert result.ok and result.created == 1, problems(result)
        assert result.services[0].service.name == "Служба медиации (демо)"
        phones = read_path(path).records[0].organization.phones
        if name == "page.json":
            assert phones is None  # a service's organisation comes without its phones
        else:
            assert [(p.number, p.kind) for p in phones] == [
                ("8 (000) 000-55-01", "daytime"),
                ("8 (000) 000-55-02", "mobile"),
            ]


def test_directory_of_service_files(tmp_path, districts):
    folder = tmp_path / "export"
    folder.mkdir()
    write_json(folder, hsds_service(), "one.json")
    write_json(folder, [hsds_service(id="ext-0002", name="Вторая служба (демо)")], "two.json")
    (folder / "README.txt").write_text("не HSDS")
    result = plan_of(folder)
    assert result.ok and result.created == 2, problems(result)


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_tabular_datapackage_directory(tmp_path, districts):
    """HSDS tabular CSV files linked by ids, as in an HSDS datapackage."""
    folder = tmp_path / "datapackage"
    folder.mkdir()
    (folder / "datapackage.json").write_text("{}")
    service = {"id": "s-1", "organization_id": "o-1", "name": "Служба медиации (демо)"}
    service |= {"description": "Помогаем договориться.", "status": "active", "minimum_age": "0"}
    write_csv(folder / "services.csv", [service])
    write_csv(
        folder / "organizations.csv", [{"id": "o-1", "name": "Центр (демо)", "description": ""}]
    )
    location = {"id": "l-1", "location_type": "physical", "name": ""}
    write_csv(folder / "locations.csv", [location | {"latitude": "59.4", "longitude": "40.1"}])
    address = {"id": "a-1", "location_id": "l-1", "address_1": "г. Сокол, ул. Примерная, 3 (демо)"}
    address |= {"city": "Сокольский муниципальный округ", "state_province": "Вологодская область"}
    address |= {"postal_code": "162130", "country": "RU", "address_type": "physical"}
    write_csv(folder / "addresses.csv", [address])
    write_csv(
        folder / "service_at_locations.csv",
        [{"id": "sal-1", "service_id": "s-1", "location_id": "l-1"}],
    )
    phone = {"id": "p-1", "service_id": "s-1", "organization_id": "", "type": "voice"}
    org_phone = {"id": "p-2", "service_id": "", "organization_id": "o-1", "type": "cell"}
    write_csv(
        folder / "phones.csv",
        [phone | {"number": "8 (000) 000-33-01"}, org_phone | {"number": "8 (000) 000-33-02"}],
    )
    schedule = {"id": "sc-1", "service_id": "s-1", "freq": "WEEKLY", "byday": "TU,TH"}
    write_csv(folder / "schedules.csv", [schedule | {"opens_at": "10:00", "closes_at": "14:00"}])
    write_csv(
        folder / "taxonomy_terms.csv",
        [{"id": "t-1", "code": "mediation", "name": "Медиация", "description": ""}],
    )
    write_csv(
        folder / "attributes.csv",
        [{"id": "at-1", "link_id": "s-1", "link_type": "service", "taxonomy_term_id": "t-1"}],
    )

    result = plan_of(folder)
    assert result.ok, problems(result)
    engine.apply(result)
    service = Service.objects.get(external_id="s-1")
    assert service.organization.name == "Центр (демо)"
    assert service.locations.get().district == districts["sokol"]
    assert service.locations.get().latitude == 59.4
    assert [p.number for p in service.phones.all()] == ["8 (000) 000-33-01"]
    assert [(p.number, p.kind) for p in service.organization.phones.all()] == [
        ("8 (000) 000-33-02", "mobile")
    ]
    assert sorted(s.weekday for s in service.schedules.all()) == [1, 3]
    assert [k.code for k in service.kinds.all()] == ["mediation"]


def test_terms_of_other_taxonomies_are_warnings(tmp_path, districts):
    data = hsds_service()
    data["attributes"].append(
        {
            "id": "x",
            "taxonomy_term": {
                "id": "oe",
                "code": "BD-1800",
                "name": "Emergency Food",
                "taxonomy": "AIRS",
            },
        }
    )
    result = plan_of(write_json(tmp_path, data))
    assert result.ok
    assert any("Emergency Food" in w.message for w in result.warnings)


# --- Bad input: a report, nothing written ---------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "изображение"),
        (bytes(range(256)) * 4, "двоичный"),
        (b"PK\x03\x04 excel", "xlsx"),
        (b"", "пустой"),
        (b"name;description\nx;y\n", "не JSON"),
        (b'{"foo": 1}', "не похоже на HSDS"),
        (b"[1, 2, 3]", "ожидается объект службы"),
        (b'"just a string"', "не похоже на HSDS"),
        ('{"name": "Служба"'.encode("cp1251"), "не JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON"),
    ],
)
def test_a_file_that_is_not_hsds_is_reported(tmp_path, districts, content, fragment):
    path = tmp_path / "input.json"
    path.write_bytes(content)
    result = plan_of(path)
    assert not result.ok
    assert any(fragment in p.message for p in result.errors), result.problems
    with pytest.raises(engine.ImportFailed):
        engine.apply(result)
    assert not Service.objects.exists()


def test_bad_rows_are_all_reported_and_nothing_is_written(tmp_path, districts):
    good = hsds_service(id="good-1")
    bad_district = hsds_service(id="bad-1")
    bad_district["service_at_locations"][0]["location"]["addresses"][0]["city"] = (
        "Сокольский округг"
    )
    bad_fields = hsds_service(
        id="bad-2",
        status="maybe",
        email="not-an-email",
        url="javascript:alert(1)",
        minimum_age=12.5,
        assured_date="вчера",
        schedules=[{"id": "s", "byday": "MO", "opens_at": "25:00", "closes_at": "18:00"}],
        description="",
    )
    no_id = hsds_service(id="")
    bad_kind = hsds_service(id="bad-3")
    bad_kind["attributes"] = [{"taxonomy_term": {"code": "not-a-kind", "taxonomy": "Виды помощи"}}]
    result = plan_of(write_json(tmp_path, [good, bad_district, bad_fields, no_id, bad_kind]))
    assert not result.ok
    by_record: dict[str, set[str]] = {}
    for record, field, _message in problems(result):
        by_record.setdefault(record.split(" «")[0], set()).add(field)
    assert "services.json[0]" not in by_record
    # An unknown district is a warning (issue 14): the place is imported without one.
    assert "services.json[1]" not in by_record
    assert {
        "status",
        "email",
        "url",
        "minimum_age",
        "assured_date",
        "schedules[0]",
        "description",
    } <= by_record["services.json[2]"]
    assert "id" in by_record["services.json[3]"]
    assert "kinds" in by_record["services.json[4]"]
    hint = next(
        p.message
        for p in result.warnings
        if p.record.startswith("services.json[1]") and p.field.startswith("service_at_locations")
    )
    assert "Сокольский муниципальный округ" in hint  # a suggestion for the typo
    assert "без района" in hint
    with pytest.raises(engine.ImportFailed):
        engine.apply(result)
    assert not Service.objects.exists() and not Organization.objects.exists()


WRONG_VALUES = [None, 5, 2.5, True, "x", "", [], [1, "a"], {}, {"a": {"b": []}}]


def mutations(document, path=()):
    """Every way of putting a wrongly typed value at one place of the document."""
    if isinstance(document, dict):
        items = list(document.items())
    elif isinstance(document, list):
        items = list(enumerate(document))
    else:
        return
    for key, value in items:
        for wrong in WRONG_VALUES:
            yield (*path, key), wrong
        yield from mutations(value, (*path, key))


def replaced(document, path, value):
    copy = json.loads(json.dumps(document))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return copy


def test_wrong_json_types_anywhere_are_reported_never_raised(districts):
    """Every field of a service replaced by every wrong type: a report, never an exception."""
    vocabulary = hsds_format.Vocabulary()
    resolver_records = []
    for path, wrong in mutations(hsds_service()):
        parsed = hsds_format.Parsed()
        hsds_format._read_service(replaced(hsds_service(), path, wrong), "x", parsed, vocabulary)
        resolver_records += parsed.records
    assert len(resolver_records) > 500
    result = engine.plan(hsds_format.Parsed(records=resolver_records))
    assert result.problems  # and no exception


def test_duplicate_ids_in_one_file_are_an_error(tmp_path, districts):
    result = plan_of(write_json(tmp_path, [hsds_service(), hsds_service()]))
    assert any(f == "external_id" for _r, f, _m in problems(result))


def test_apply_is_all_or_nothing(tmp_path, districts, monkeypatch):
    """A failure while writing the second service leaves no trace of the first."""
    existing = ServiceFactory(external_id="ext-0002", name="Было (демо)")
    result = plan_of(
        write_json(tmp_path, [hsds_service(), hsds_service(id="ext-0002", name="Стало (демо)")])
    )
    assert result.ok
    original = Service.save_revision
    calls = []

    def failing(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 2:
            raise ValueError("диск переполнен")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Service, "save_revision", failing)
    with pytest.raises(engine.ImportFailed, match="ничего не записано"):
        engine.apply(result)
    assert not Service.objects.filter(external_id="ext-0001").exists()
    assert not Organization.objects.filter(external_id="org-ext-1").exists()
    existing.refresh_from_db()
    assert existing.name == "Было (демо)"


def test_locked_service_is_not_overwritten(tmp_path, districts, django_user_model):
    editor = django_user_model.objects.create_user("redaktor")
    ServiceFactory(external_id="ext-0001", locked=True, locked_by=editor)
    result = plan_of(write_json(tmp_path, hsds_service()))
    assert any("заблокирована" in m for _r, _f, m in problems(result))


# --- The management command ----------------------------------------------------------------------


def test_command_is_a_dry_run_by_default(tmp_path, districts):
    path = write_json(tmp_path, hsds_service())
    out = io.StringIO()
    call_command("import_hsds", str(path), stdout=out)
    assert "Пробный прогон" in out.getvalue() and "новых 1" in out.getvalue()
    assert not Service.objects.exists()
    call_command("import_hsds", str(path), "--apply", stdout=io.StringIO())
    assert Service.objects.filter(external_id="ext-0001", live=True).exists()
    call_command("import_hsds", str(path), "--apply", stdout=io.StringIO())
    assert Service.objects.count() == 1


def test_command_reports_problems_and_refuses(tmp_path, districts):
    path = write_json(tmp_path, [hsds_service(status="maybe")])
    report = tmp_path / "report.csv"
    out = io.StringIO()
    with pytest.raises(CommandError, match="ничего не записано"):
        call_command("import_hsds", str(path), "--apply", "--report", str(report), stdout=out)
    assert "services.json[0]" in out.getvalue() and "status" in out.getvalue()
    rows = list(csv.reader(report.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0] == ["level", "record", "field", "message"]
    assert rows[1][0] == "error" and rows[1][2] == "status"
    assert not Service.objects.exists()
    with pytest.raises(CommandError):
        call_command("import_hsds", str(tmp_path / "missing.json"), stdout=io.StringIO())


def test_command_reads_the_editors_csv_in_windows_1251(tmp_path, districts):
    path = tmp_path / "services.csv"
    text = "external_id;name;description;district;address;kinds\r\n"
    text += "c-1;Зелёная комната (демо);Беседа с ребёнком;Вожегодский муниципальный округ;"
    text += "п. Вожега, ул. Демо, 1 (демо);green_room\r\n"
    path.write_bytes(text.encode("cp1251"))
    call_command("import_hsds", str(path), "--apply", stdout=io.StringIO())
    service = Service.objects.get(external_id="c-1")
    assert service.name == "Зелёная комната (демо)"
    assert service.locations.get().district == districts["vozh"]


# --- The editors' CSV -----------------------------------------------------------------------------


def csv_bytes(rows: list[dict], encoding="utf-8", delimiter=",", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    data = out.getvalue().encode(encoding)
    return (codecs.BOM_UTF8 if bom else b"") + data


ROW = {
    "external_id": "csv-1",
    "name": "Служба медиации (демо)",
    "description": "Помогаем договориться.",
    "organization": "КЦСОН (демо)",
    "kinds": "mediation; Психологическая помощь",
    "target_groups": "parents",
    "status": "работает",
    "hours": "пн-пт 9:00-13:00, 14:00-18:00; сб 10-14",
    "is_free": "да",
    "district": "sokolsky",
    "address": "г. Сокол, ул. Демо, 1 (демо)",
    "latitude": "59,47",
    "longitude": "40,11",
    "confidential": "нет",
    "service_areas": "Вожегодский муниципальный округ; kirillovsky",
    "phone": "8 (000) 000-44-01",
    "phone_kind": "горячая линия",
    "phone_2": "8 (000) 000-44-02",
    "phone_2_kind": "",
    "assured_date": "15.01.2026",
    "email": "",
    "minimum_age": "",
}


@pytest.mark.parametrize(
    ("encoding", "delimiter", "bom"),
    [("utf-8", ",", False), ("utf-8", ";", True), ("cp1251", ";", False), ("utf-16", "\t", False)],
)
def test_csv_encodings_and_delimiters(districts, encoding, delimiter, bom):
    parsed = parse_csv(csv_bytes([ROW], encoding, delimiter, bom))
    result = engine.plan(parsed)
    assert result.ok, problems(result)
    assert result.services[0].service.name == "Служба медиации (демо)"


def test_csv_row_becomes_a_service(districts):
    result = engine.plan(parse_csv(csv_bytes([ROW])))
    engine.apply(result)
    service = Service.objects.get(external_id="csv-1")
    assert {k.code for k in service.kinds.all()} == {"mediation", "psychological"}
    assert service.organization.name == "КЦСОН (демо)"
    assert service.schedules.count() == 11  # 5 days × 2 periods + Saturday
    location = service.locations.get()
    assert (location.latitude, location.longitude) == (59.47, 40.11)
    assert {a.district.slug for a in service.service_areas.all()} == {"vozhegodsky", "kirillovsky"}
    assert [(p.number, p.kind) for p in service.phones.all()] == [
        ("8 (000) 000-44-01", Phone.Kind.HOTLINE),
        ("8 (000) 000-44-02", Phone.Kind.DAYTIME),
    ]
    assert service.assured_date == dt.date(2026, 1, 15)


def test_csv_place_accessibility_codes_by_code_or_label(districts):
    """Issue 14, point 7: the editors' CSV carries the place's accessibility as codes
    (their code, or their label in Russian or English, separated by «;»); a word that is
    not a code is a problem of that cell, not a guess."""
    row = {**ROW, "accessibility_codes": "wheelchair; Туалет для людей с инвалидностью"}
    engine.apply(engine.plan(parse_csv(csv_bytes([row]))))
    location = Service.objects.get(external_id="csv-1").locations.get()
    assert location.accessibility_codes == ["wheelchair", "toilet"]
    wrong = {**ROW, "external_id": "csv-9", "accessibility_codes": "wheelchair; лифт"}
    result = engine.plan(parse_csv(csv_bytes([wrong])))
    assert ("строка 2", "accessibility_codes") in {(r, f) for r, f, _m in problems(result)}


def test_csv_repeated_rows_add_addresses(districts):
    second = {
        **ROW,
        "district": "Вожегодский муниципальный округ",
        "address": "п. Вожега (демо)",
        "name": "Другое имя",
    }
    parsed = parse_csv(csv_bytes([ROW, second]))
    result = engine.plan(parsed)
    assert result.ok and len(result.services) == 1
    assert any("name" in w.field for w in result.warnings)
    engine.apply(result)
    service = Service.objects.get(external_id="csv-1")
    assert service.name == "Служба медиации (демо)"
    assert service.locations.count() == 2


def test_csv_with_some_columns_updates_only_those(districts):
    engine.apply(engine.plan(parse_csv(csv_bytes([ROW]))))
    update = csv_bytes(
        [{"external_id": "csv-1", "assured_date": "2026-03-01", "alert": "Закрыто до 10.03 (демо)"}]
    )
    result = engine.plan(parse_csv(update))
    assert result.ok and result.updated == 1, problems(result)
    engine.apply(result)
    service = Service.objects.get(external_id="csv-1")
    assert service.assured_date == dt.date(2026, 3, 1) and service.alert.startswith("Закрыто")
    assert service.phones.count() == 2 and service.locations.count() == 1  # untouched
    assert service.kinds.count() == 2


def test_csv_bad_rows_report_row_and_column(districts):
    rows = [
        ROW,
        {
            **ROW,
            "external_id": "csv-2",
            "district": "Нет такого",
            "hours": "иногда",
            "latitude": "север",
        },
        {
            **ROW,
            "external_id": "csv-3",
            "is_free": "нет",
            "phone_kind": "по пятницам",
            "email": "@",
        },
        {**ROW, "external_id": "", "name": "Без идентификатора"},
        {**ROW, "external_id": "csv-5", "kinds": "гадание", "minimum_age": "десять"},
    ]
    result = engine.plan(parse_csv(csv_bytes(rows)))
    found = {(r, f) for r, f, _m in problems(result)}
    assert {("строка 3", "district"), ("строка 3", "hours"), ("строка 3", "latitude")} <= found
    assert {
        ("строка 4", "fees_description"),
        ("строка 4", "phone_kind"),
        ("строка 4", "email"),
    } <= found
    assert ("строка 5", "external_id") in found
    assert {("строка 6", "kinds"), ("строка 6", "minimum_age")} <= found
    assert not any(r == "строка 2" for r, _f in found)
    with pytest.raises(engine.ImportFailed):
        engine.apply(result)
    assert not Service.objects.exists()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),
        (bytes(range(256)), "двоичный"),
        ("какой-то текст\nбез нужных колонок".encode(), "обязательных колонок"),
        (b"name,description\nx,y\n", "обязательных колонок"),
        (b"external_id,name\n", "нет ни одной строки"),
        (b"   \n", "пустой"),
    ],
)
def test_csv_that_is_not_a_registry_table(districts, data, fragment):
    result = engine.plan(parse_csv(data))
    assert not result.ok
    assert any(fragment in p.message for p in result.errors), result.problems


def test_csv_template_is_importable_demo_data(districts):
    assert template_csv().startswith("\ufeffexternal_id;name;")
    header = template_csv().lstrip("\ufeff").splitlines()[0].split(";")
    assert header == COLUMN_CODES
    DistrictFactory(name="Сокольский муниципальный округ", slug="sokolsky")
    result = engine.plan(parse_csv(template_csv().encode("utf-8")))
    assert result.ok, problems(result)
    assert "демо" in result.services[0].service.name


def test_csv_russian_headings_are_accepted(districts):
    data = "Внешний идентификатор;Название;Описание;Район;Адрес\n"
    data += "r-1;Служба (демо);Описание;sokolsky;ул. Демо (демо)\n"
    result = engine.plan(parse_csv(data.encode("utf-8")))
    assert result.ok, problems(result)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("пн-пт 9:00-18:00", [(d, T(9), T(18)) for d in range(5)]),
        ("сб, вс 10.00–14.00", [(5, T(10), T(14)), (6, T(10), T(14))]),
        ("пт 22:00-02:00", [(4, T(22), T(2))]),
        ("ежедневно 8-20", [(d, T(8), T(20)) for d in range(7)]),
        ("пн 9-13, 14-18; вт выходной", [(0, T(9), T(13)), (0, T(14), T(18))]),
    ],
)
def test_hours_syntax(text, expected):
    assert hours(text) == (False, expected)
    assert hours("Круглосуточно") == (True, [])


def test_read_json_bytes_for_uploads(districts):
    parsed = read_json_bytes(json.dumps(hsds_service()).encode("utf-8"), "upload.json")
    assert engine.plan(parsed).ok
