"""The demo registry holds the seed programmes' services, all marked as demo data."""

from collections import Counter

import pytest

from safechildhood.registry.models import Organization, OrganizationPhone, Service

pytestmark = pytest.mark.django_db

VOLOGDA_OBLAST = "Вологодская область"


def kind_counts(services, region=None) -> Counter:
    counts: Counter = Counter()
    for service in services:
        regions = {location.district.region for location in service.locations.all()}
        if region is None or region in regions:
            counts.update(kind.code for kind in service.kinds.all())
    return counts


def test_the_seed_programmes_are_all_there(demo_site):
    services = list(
        Service.objects.filter(locale__language_code="ru")
        .prefetch_related("kinds", "locations__district")
        .order_by("name")
    )
    vologda = kind_counts(services, VOLOGDA_OBLAST)
    assert vologda["sos"] == 27
    sos_districts = {
        location.district_id
        for service in services
        if any(kind.code == "sos" for kind in service.kinds.all())
        for location in service.locations.all()
        if location.district.region == VOLOGDA_OBLAST
    }
    assert len(sos_districts) == 27  # one in each district, not 27 in one town
    assert (vologda["bullying"], vologda["mediation"], vologda["reconciliation"]) == (4, 7, 9)
    assert (vologda["women_crisis"], vologda["green_room"], vologda["play_therapy"]) == (3, 3, 2)

    names = [service.name for service in services]
    assert any("Шафкатъ" in name for name in names)
    assert any("Межведомственная команда" in name and "Сарманов" in name for name in names)
    assert any("Горячая линия" in name and "Тольятти" in name for name in names)
    assert any("Мобильная бригада" in name and "Тольятти" in name for name in names)
    dispatch = [s for s in services if any(k.code == "family_dispatch" for k in s.kinds.all())]
    towns = " ".join(location.district.name for s in dispatch for location in s.locations.all())
    for town in ("Чебоксары", "Бодайбин", "Тул"):
        assert town in towns, town


def test_every_demo_entry_says_it_is_demo_data(demo_site):
    services = Service.objects.filter(locale__language_code="ru").select_related("organization")
    assert services.count() > 50
    for service in services:
        assert service.is_demo, service.name
        assert "(демо)" in service.organization.name, service.organization.name
    women = Service.objects.filter(kinds__code="women_crisis", locale__language_code="ru")
    assert all(
        location.is_confidential for service in women for location in service.locations.all()
    )


def test_demo_organizations_have_phones_and_reloading_keeps_them(demo_site):
    from safechildhood.registry import demo

    def phones() -> dict[int, list[tuple]]:
        organizations = Organization.objects.filter(locale__language_code="ru").prefetch_related(
            "phones"
        )
        return {
            org.pk: [(p.pk, p.number, p.kind, p.description) for p in org.phones.all()]
            for org in organizations
        }

    before = phones()
    assert before and all(before.values()), "every demo organisation has a phone"
    assert any(len(numbers) == 2 for numbers in before.values())
    assert all(number.startswith("+7 (000)") for p in before.values() for _pk, number, *_ in p)
    count = OrganizationPhone.objects.count()
    demo.load()  # as every `make run` does
    assert phones() == before  # updated in place: the same rows, no duplicates
    assert OrganizationPhone.objects.count() == count
