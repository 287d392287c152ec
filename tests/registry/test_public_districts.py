"""District pages: «выберите свой район», then every service serving it, grouped by kind."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import ServiceAreaFactory, ServiceFactory
from .public_data import confidential_shelter, make_service, registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(home):
    return registry()


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def test_home_page_links_to_the_district_list(client, data):
    soup = soup_of(client.get("/"))
    link = soup.select_one(".choose-district a")
    assert link.get_text(strip=True) == "Выбрать свой район"
    assert link["href"] == "/services/district/"


def test_district_list_groups_districts_by_region(client, data):
    response = client.get("/services/district/")
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.select_one("h1").get_text() == "Выберите свой район"
    regions = [h.get_text() for h in soup.select(".district-region h2")]
    assert regions == ["Вологодская область", "Тульская область"]
    links = {a.get_text(): a["href"] for a in soup.select(".district-list a")}
    assert links["Сокольский округ"] == "/services/district/sokolskiy/"
    assert links["Тула"] == "/services/district/tula/"


def test_district_page_lists_services_serving_it_grouped_by_kind(client, data):
    places, services = data
    hotline = ServiceFactory(name="Телефон доверия области (демо)", kinds=["helpline", "sos"])
    ServiceAreaFactory(service=hotline, district=places["vologda"])
    hotline.save()
    response = client.get("/services/district/vologda/")
    assert response.status_code == 200
    soup = soup_of(response)
    assert "Вологда" in soup.select_one("h1").get_text()
    groups = {
        section.h2.get_text(): [
            a.get_text().strip() for a in section.select(".service-card__title a")
        ]
        for section in soup.select(".kind-group")
    }
    assert groups["Служба семейной медиации"] == ["Служба семейной медиации (демо)"]
    assert groups["Кризисная помощь женщинам, пострадавшим от насилия"] == [
        "Кризисное отделение для женщин (демо)"
    ]
    # A service of two kinds is shown once, under the first of its kinds, and only named
    # with a link under the other (12 screens for 5 services before); a service area
    # counts as serving.
    assert "Телефон доверия области (демо)" in groups["SOS – служба особого сопровождения"]
    assert "Телефон доверия области (демо)" not in groups["Телефон доверия"]
    cards = [a.get_text().strip() for a in soup.select(".service-card__title a")]
    assert len(cards) == len(set(cards))
    helpline = soup.find("h2", string="Телефон доверия").find_parent("section")
    also = helpline.select_one(".kind-group__also a")
    assert also.get_text(strip=True) == "Телефон доверия области (демо)"
    assert (
        soup.select_one(also["href"]).select_one(".service-card__title a").get_text(strip=True)
        == "Телефон доверия области (демо)"
    )
    # Sokol's own service does not serve Vologda.
    assert all("Сокол" not in name for names in groups.values() for name in names)
    order = list(groups)
    assert order.index("SOS – служба особого сопровождения") < order.index("Телефон доверия")
    assert soup.select_one(".kind-index a")["href"] == "#kind-1"
    assert soup.select_one("form.search-form input[name='district']")["value"] == "vologda"
    assert "8-800-2000-122" in soup.select_one("main .emergency").get_text()


def test_district_page_hides_confidential_places(client, data):
    places, _services = data
    confidential_shelter(places["vologda"])
    response = client.get("/services/district/vologda/")
    html = response.content.decode()
    assert "Приют для женщин с детьми (демо)" in html
    assert "Секретная" not in html and "59.2333" not in html


def test_empty_district_points_to_the_nearest_services(client, data):
    soup = soup_of(client.get("/services/district/babaevskiy/"))
    link = soup.find("a", string="Найти ближайшие")
    assert link["href"] == "/services/?district=babaevskiy"
    follow = soup_of(client.get(link["href"]))
    assert follow.select_one(".registry-empty .service-card") is not None


def test_unknown_district_is_a_helpful_404(client, data):
    response = client.get("/services/district/net-takogo/")
    assert response.status_code == 404
    soup = soup_of(response)
    assert soup.select_one("form.registry-search input[name='q']") is not None
    assert "112" in soup.select_one("main .emergency").get_text()


def test_district_page_queries_are_constant(client, data, django_assert_num_queries):
    places, _services = data
    client.get("/services/district/vologda/")
    with CaptureQueriesContext(connection) as before:
        client.get("/services/district/vologda/")
    for number in range(15):
        make_service(places["vologda"], name=f"Ещё служба {number} (демо)", kinds=["legal"])
    with django_assert_num_queries(len(before)):
        assert client.get("/services/district/vologda/").status_code == 200
    assert len(before) <= 12
