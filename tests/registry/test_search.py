"""Russian words and synonyms find the right kind of service (SQLite and PostgreSQL)."""

import pytest

from safechildhood.registry.models import Service

from .factories import DistrictFactory, LocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def services():
    return {
        "mediation": ServiceFactory(
            name="Служба семейной медиации (демо)",
            description="Помогаем родителям договориться о детях.",
            kinds=["mediation"],
        ),
        "bullying": ServiceFactory(
            name="Служба экстренного реагирования (демо)",
            description="Срочная помощь школьникам.",
            kinds=["bullying"],
        ),
        "women": ServiceFactory(
            name="Кризисное отделение для женщин (демо)",
            description="Временное проживание и консультации.",
            kinds=["women_crisis"],
        ),
        "green": ServiceFactory(
            name="Зелёная комната (демо)", description="Беседа с ребёнком.", kinds=["green_room"]
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("медиатор", "mediation"),
        ("медиация", "mediation"),
        ("травля", "bullying"),
        ("буллинг", "bullying"),
        ("суицид", "bullying"),
        ("насилие", "women"),
        ("домашнее насилие", "women"),
    ],
)
def test_word_finds_the_kind(services, query, expected):
    found = list(Service.objects.public().search(query))
    assert found, query
    assert found[0] == services[expected]
    # Unrelated services do not come up: mediation has nothing to do with these words.
    if expected != "mediation":
        assert services["mediation"] not in found


def test_district_name_finds_services_there():
    sokol = DistrictFactory(name="Сокольский округ")
    service = ServiceFactory(name="SOS (демо)", kinds=["sos"])
    LocationFactory(service=service, district=sokol)
    service.save()  # the index includes the districts of its locations
    ServiceFactory(name="Другая служба (демо)")
    assert list(Service.objects.search("Сокольский")) == [service]
