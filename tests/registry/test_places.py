"""Typing a place: the gazetteer reads «Кадников», «п. Чагода», «психолог в Шексне»,
«травля Сокольский район»; the list shows the nearest services with honest distances;
an ambiguous name asks which one, an unknown one says so and offers the districts."""

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup

from safechildhood.registry import gazetteer
from safechildhood.registry.models import Settlement

from .factories import DistrictFactory, LocationFactory, ServiceAreaFactory, ServiceFactory
from .public_data import SOKOL, VOLOGDA, districts, make_service

pytestmark = pytest.mark.django_db

URL = "/services/"
KADNIKOV = (59.5034, 40.3438)


def settlement(name, district, point, kind=Settlement.Kind.CITY, **kwargs):
    return Settlement.objects.create(
        name=name, district=district, latitude=point[0], longitude=point[1], kind=kind, **kwargs
    )


@pytest.fixture
def places(db):
    found = districts()
    found["sheksna"] = DistrictFactory(
        name="Шекснинский округ", slug="sheksninskiy", latitude=59.216, longitude=38.505
    )
    found["chagoda"] = DistrictFactory(
        name="Чагодощенский округ", slug="chagodoshchenskiy", latitude=59.16, longitude=35.33
    )
    found["kaduy"] = DistrictFactory(
        name="Кадуйский округ", slug="kaduyskiy", latitude=59.2, longitude=37.15
    )
    settlement("Вологда", found["vologda"], VOLOGDA)
    settlement("Сокол", found["sokol"], SOKOL)
    settlement("Кадников", found["sokol"], KADNIKOV)
    settlement("Шексна", found["sheksna"], (59.2117, 38.5022), Settlement.Kind.URBAN)
    settlement("Чагода", found["chagoda"], (59.1617, 35.3331), Settlement.Kind.URBAN)
    settlement("Чёбсара", found["sheksna"], (59.24, 38.62), Settlement.Kind.SETTLEMENT)
    settlement("Великий Устюг", found["vologda"], (60.76, 46.30), other_names="Устюг; В. Устюг")
    settlement("Никольское", found["sheksna"], (59.30, 38.40), Settlement.Kind.SELO)
    settlement("Никольское", found["kaduy"], (59.25, 37.30), Settlement.Kind.VILLAGE)
    return found


@pytest.mark.parametrize(
    ("text", "name", "rest"),
    [
        ("Кадников", "Кадников", ""),
        ("кадников", "Кадников", ""),
        ("г. Кадников", "Кадников", ""),
        ("посёлок Чагода", "Чагода", ""),
        ("п. Чагода", "Чагода", ""),
        ("поселок ЧАГОДА", "Чагода", ""),
        ("психолог в Шексне", "Шексна", "психолог"),
        ("травля в Кадникове", "Кадников", "травля"),
        ("чебсара", "Чёбсара", ""),
        ("Устюг", "Великий Устюг", ""),
        ("помощь в Великом Устюге", "Великий Устюг", "помощь"),
    ],
)
def test_a_place_is_read_whatever_the_case_kind_word_and_ending(places, text, name, rest):
    found = gazetteer.find_places(text)
    assert found.place is not None and found.place.name == name
    assert found.rest == rest


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("травля Сокольский район", "травля"),
        ("травля в Сокольском районе", "травля"),
        ("Сокольский округ буллинг", "буллинг"),
    ],
)
def test_a_district_named_in_the_words_is_the_district(places, text, rest):
    found = gazetteer.find_places(text)
    assert found.place is None
    assert found.district_slug == "sokolskiy"
    assert found.rest == rest


def test_ambiguous_and_unknown_and_ordinary_words(places):
    found = gazetteer.find_places("Никольское")
    assert found.place is None
    assert {p.district_name for p in found.choices} == {"Шекснинский округ", "Кадуйский округ"}
    narrowed = gazetteer.find_places("Никольское Кадуйский округ")
    assert narrowed.place is not None and narrowed.place.district_slug == "kaduyskiy"
    by_kind = gazetteer.find_places("село Никольское")
    assert by_kind.place is not None and by_kind.place.district_slug == "sheksninskiy"
    unknown = gazetteer.find_places("посёлок Нетакой")
    assert unknown.place is None and unknown.unknown == "посёлок Нетакой"
    settlement("Суда", places["cherepovets"], (59.13, 37.56), Settlement.Kind.SETTLEMENT)
    gazetteer.GAZETTEER.forget()
    assert gazetteer.find_places("живу в пос. Суда").place.name == "Суда"
    assert gazetteer.find_places("Суда").place.name == "Суда"
    everyday_words = ["помощь в семье", "сына травят в школе", "с ребёнком", "муж бьёт"]
    for everyday in [*everyday_words, "алименты после суда"]:
        found = gazetteer.find_places(everyday)
        assert (found.place, found.choices, found.district_slug, found.unknown) == (
            None,
            [],
            "",
            "",
        ), everyday
        assert found.rest == everyday


def test_the_gazetteer_forgets_its_cache_when_editors_change_it(places):
    assert gazetteer.find_places("Тотьма").place is None
    settlement("Тотьма", places["vologda"], (59.97, 42.76))
    assert gazetteer.find_places("в Тотьме").place.name == "Тотьма"


# --- The public list ----------------------------------------------------------------------


def get(client, **params):
    response = client.get(URL + ("?" + urlencode(params) if params else ""))
    return response, BeautifulSoup(response.content, "html.parser")


def cards(soup):
    """(title, distance badge or None) of each result card."""
    rows = []
    for card in soup.select(".registry-results .service-card"):
        badge = card.select_one(".badge--distance")
        title = card.select_one(".service-card__title").get_text(strip=True)
        rows.append((title, badge.get_text(" ", strip=True) if badge else None))
    return rows


@pytest.fixture
def sokol_case(places):
    """Finding 4: the Vologda office serves Sokolskiy; another service is in Sokol."""
    office = make_service(
        places["vologda"], name="А: Вологодская служба (демо)", kinds=["bullying"]
    )
    ServiceAreaFactory(service=office, district=places["sokol"])
    local = make_service(
        places["sokol"], (59.48, 40.12), name="Я: Сокольская служба (демо)", kinds=["bullying"]
    )
    shelter = ServiceFactory(name="Б: Приют (демо)", kinds=["bullying"])
    LocationFactory(service=shelter, district=places["sokol"], is_confidential=True)
    hotline = ServiceFactory(name="В: Линия (демо)", kinds=["bullying"])
    ServiceAreaFactory(service=hotline, district=places["sokol"])
    return office, local, shelter, hotline


def test_sokol_district_lists_its_own_services_first_with_honest_distances(client, sokol_case):
    _response, soup = get(client, district="sokolskiy", kind="bullying")
    rows = dict(cards(soup))
    titles = [title for title, _badge in cards(soup)]
    assert titles.index("Я: Сокольская служба (демо)") < titles.index(
        "А: Вологодская служба (демо)"
    )
    assert titles.index("Б: Приют (демо)") < titles.index("А: Вологодская служба (демо)")
    assert re.fullmatch(r"3\d км от центра района", rows["А: Вологодская служба (демо)"])
    assert re.fullmatch(r"0,\d км от центра района", rows["Я: Сокольская служба (демо)"])
    # No public place of its own: no distance at all, never «0 км».
    assert rows["Б: Приют (демо)"] is None
    assert rows["В: Линия (демо)"] is None
    assert "0,0 км" not in soup.get_text()


def test_a_place_typed_gives_the_nearest_services_with_distances_from_it(client, sokol_case):
    _response, soup = get(client, where="Кадников")
    assert "Сначала ближайшие к месту: г. Кадников" in soup.select_one(".registry-count").text
    rows = cards(soup)
    assert rows[0][0] == "Я: Сокольская служба (демо)"
    assert re.fullmatch(r"1\d км от г\. Кадников", rows[0][1])
    office = dict(rows)["А: Вологодская служба (демо)"]
    assert re.fullmatch(r"4\d км от г\. Кадников", office)
    form = soup.select_one("form.registry-search")
    assert form.select_one("[name=where]")["value"] == "Кадников"
    assert form.select_one("#registry-district option[selected]")["value"] == "sokolskiy"


def test_a_place_in_the_words_filters_and_the_rest_is_searched(client, sokol_case):
    _response, soup = get(client, q="травля в Кадникове")
    assert soup.select_one("form.registry-search [name=q]")["value"] == "травля"
    assert soup.select_one("form.registry-search [name=where]")["value"] == "Кадников"
    titles = [title for title, _badge in cards(soup)]
    # The Sokol shelter (its district's centre, no distance shown) and the local service.
    assert set(titles[:2]) == {"Я: Сокольская служба (демо)", "Б: Приют (демо)"}
    _response, soup = get(client, q="травля Сокольский район")
    titles = [title for title, _badge in cards(soup)]
    assert "Я: Сокольская служба (демо)" in titles and "А: Вологодская служба (демо)" in titles
    assert titles.index("Я: Сокольская служба (демо)") < titles.index(
        "А: Вологодская служба (демо)"
    )


def test_an_ambiguous_place_asks_which_one(client, places):
    make_service(places["kaduy"], name="Кадуйская служба (демо)", kinds=["sos"])
    _response, soup = get(client, where="Никольское")
    choices = soup.select(".place-choices a")
    assert "несколько" in soup.select_one(".place-choices h2").text
    labels = sorted(a.get_text(strip=True) for a in choices)
    assert labels == ["д. Никольское, Кадуйский округ", "с. Никольское, Шекснинский округ"]
    kaduy = next(a for a in choices if "Кадуйский" in a.text)["href"]
    assert parse_qs(urlsplit(kaduy).query)["place"] == ["nikolskoe-kaduyskiy"]
    response = client.get(URL + kaduy)
    soup = BeautifulSoup(response.content, "html.parser")
    assert cards(soup)[0][0] == "Кадуйская служба (демо)"
    assert cards(soup)[0][1].endswith("от д. Никольское")


def test_an_unknown_place_says_so_and_offers_the_districts(client, places):
    response, soup = get(client, where="Нетакойск")
    assert response.status_code == 200
    notice = soup.select_one(".place-unknown")
    assert "Мы не знаем места «Нетакойск»" in notice.text
    links = {a.get_text(strip=True): a["href"] for a in notice.select("a")}
    assert parse_qs(urlsplit(links["Сокольский округ"]).query)["district"] == ["sokolskiy"]
    response = client.get(URL + "?place=net-takogo")
    assert response.status_code == 404
    assert "Такого населённого пункта нет в справочнике" in response.content.decode()
