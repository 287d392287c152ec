"""The registry editors' service search finds what editors type: words from any field
together («буллинг Сокольский»), and phone numbers in any notation (issue 12: both found
nothing, because the admin listing only autocompleted titles)."""

import pytest
from bs4 import BeautifulSoup

from .factories import ServiceAreaFactory, ServiceFactory
from .public_data import districts, make_service

pytestmark = pytest.mark.django_db

URL = "/admin/snippets/registry/service/"


@pytest.fixture
def services(home):
    places = districts()
    sokol_bullying = make_service(
        places["vologda"],
        name="Служба экстренного реагирования (демо)",
        kinds=["bullying"],
        phones=("8 (8172) 75-12-34",),
    )
    ServiceAreaFactory(service=sokol_bullying, district=places["sokol"])
    sokol_bullying.save()
    vologda_bullying = make_service(
        places["vologda"],
        name="Школьная служба примирения (демо)",
        kinds=["bullying"],
        phones=("+7 8172 99-88-77",),
    )
    sokol_sos = make_service(places["sokol"], name="SOS Сокол (демо)", kinds=["sos"])
    draft = ServiceFactory(name="Черновик службы травли (демо)", kinds=["bullying"], live=False)
    return sokol_bullying, vologda_bullying, sokol_sos, draft


def found(admin_client, query: str) -> list[str]:
    response = admin_client.get(URL, {"q": query})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return sorted(
        a.get_text(strip=True) for a in soup.select("table.listing td.title .title-wrapper > a")
    )


def test_words_from_different_fields_together(admin_client, services):
    assert found(admin_client, "буллинг Сокольский") == ["Служба экстренного реагирования (демо)"]


def test_a_title_still_autocompletes(admin_client, services):
    assert "Школьная служба примирения (демо)" in found(admin_client, "Школьн")
    assert found(admin_client, "примир") == ["Школьная служба примирения (демо)"]


@pytest.mark.parametrize(
    "query", ["75-12-34", "751234", "8 (8172) 75-12-34", "+7 8172 751234", "88172751234"]
)
def test_a_phone_number_in_any_notation(admin_client, services, query):
    assert found(admin_client, query) == ["Служба экстренного реагирования (демо)"]


def test_drafts_are_found_too(admin_client, services):
    assert "Черновик службы травли (демо)" in found(admin_client, "Черновик")
