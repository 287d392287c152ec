"""Nothing of a confidential place but its district reaches a public output.

A shelter's place name («Приют «Тихая гавань»») can identify it as surely as its
address: it is held back with the address, postal code, coordinates, transport and
accessibility notes on every public page, in the map data, the JSON-LD, the site
search and the HSDS API, in Russian and in English.
"""

import pytest
from wagtail.models import Locale

from safechildhood.registry.models import Location, Phone

from .factories import LocationFactory, PhoneFactory, ServiceAreaFactory, ServiceFactory
from .public_data import districts, make_service

pytestmark = pytest.mark.django_db

SECRETS = [
    "Тихая гавань",  # the place's name
    "Заречная",  # the street
    "160321",  # the postal code
    "59.2471",
    "59,2471",
    "39.8632",
    "39,8632",
    "маршрутка 44",  # how to get there
    "лифт во дворе",  # accessibility of the place
]


@pytest.fixture
def shelter(home):
    places = districts()
    make_service(places["vologda"], name="Служба семейной медиации (демо)", slug="mediatsiya")
    service = ServiceFactory(
        name="Кризисное отделение для женщин с детьми (демо)",
        slug="krizisnoe",
        description="Безопасное временное проживание для женщин с детьми.",
        kinds=["women_crisis"],
        target_groups=["women_violence"],
        is_24_7=True,
    )
    LocationFactory(
        service=service,
        district=places["vologda"],
        name="Приют «Тихая гавань»",
        address="ул. Заречная, д. 12 (демо)",
        postal_code="160321",
        latitude=59.2471,
        longitude=39.8632,
        transportation="Остановка «Школа», маршрутка 44",
        accessibility="Пандус и лифт во дворе",
        is_confidential=True,
    )
    PhoneFactory(service=service, number="8 (8172) 00-00-98", kind=Phone.Kind.HOTLINE)
    ServiceAreaFactory(service=service, district=places["sokol"])
    service.save()
    return service


@pytest.fixture
def english_shelter(shelter, english_home):
    """The shelter translated into English, its place's name translated too."""
    english = shelter.copy_for_translation(Locale.objects.get_or_create(language_code="en")[0])
    english.name = "Crisis unit for women with children (demo)"
    english.save()
    place = Location.objects.get(service=english)
    place.name = "Shelter «Тихая гавань» (Quiet Harbour)"
    place.save()
    return english


def assert_private(response, where: str) -> str:
    assert response.status_code == 200, where
    body = response.content.decode()
    for secret in SECRETS:
        assert secret not in body, (where, secret)
    return body


PUBLIC_PAGES = [
    "/services/krizisnoe/",
    "/services/krizisnoe/correction/",
    "/services/",
    "/services/?district=vologda",
    "/services/?district=sokolskiy",
    "/services/?q=кризисное+отделение",
    "/services/?q=приют",
    "/services/?kind=women_crisis",
    "/services/?24x7=1&district=vologda",
    "/services/?near=59.2400,39.8700",
    "/services/?near=59.2205,39.8915&q=женщин",
    "/services/district/",
    "/services/district/vologda/",
    "/services/district/sokolskiy/",
    "/search/?q=кризисное+отделение",
    "/search/?q=приют&type=service",
    "/search/?q=женщин",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_show_only_the_district(client, shelter, path):
    body = assert_private(client.get(path), path)
    if path.startswith(("/services/?", "/search/")) and "sokol" not in path:
        # Listed (names are highlighted, so look for the link), with its district only.
        assert 'href="/services/krizisnoe/"' in body, path
        assert "Вологда (адрес сообщают по телефону)" in body, path


def test_the_service_page_names_the_district_and_the_phone_only(client, shelter):
    body = assert_private(client.get("/services/krizisnoe/"), "service page")
    assert "Вологда (адрес сообщают по телефону)" in body
    assert 'href="tel:88172000098"' in body
    assert "Приют" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/en/services/krizisnoe/",
        "/en/services/",
        "/en/services/?district=vologda",
        "/en/services/district/vologda/",
        "/en/search/?q=crisis",
    ],
)
def test_english_pages_hide_the_translated_place_too(client, english_shelter, path):
    body = assert_private(client.get(path), path)
    assert "Quiet Harbour" not in body, path


def test_an_untranslated_shelter_on_the_english_site(client, shelter, english_home):
    assert_private(client.get("/en/services/krizisnoe/"), "untranslated service page")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("services", {}),
        ("services", {"full": "true"}),
        ("services", {"search": "приют"}),
        ("services", {"search": "кризисное"}),
        ("services/{id}", {}),
        ("organizations", {"full": "true"}),
        ("services", {"full": "true", "locale": "en"}),
    ],
)
def test_hsds_api_shows_only_the_district(client, english_shelter, shelter, path, params):
    response = client.get("/api/hsds/" + path.format(id=shelter.hsds_id), params)
    body = assert_private(response, path)
    assert "Quiet Harbour" not in body


def test_a_public_place_keeps_its_name(client, shelter):
    """The rule is about confidential places: an ordinary one still shows its name."""
    service = make_service(
        shelter.locations.first().district,
        name="Служба примирения (демо)",
        slug="primirenie",
    )
    place = service.locations.first()
    place.name = "Отделение в с. Ям (демо)"
    place.save()
    body = client.get("/services/primirenie/").content.decode()
    assert "Отделение в с. Ям (демо)" in body
