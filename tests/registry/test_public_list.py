"""/services/: search box, filters in the URL, nearest first, map data, never a dead end."""

import json
import re
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup

from .factories import ServiceFactory
from .public_data import CHEREPOVETS, confidential_shelter, make_service, registry

pytestmark = pytest.mark.django_db

URL = "/services/"


@pytest.fixture
def data(home):
    return registry()


def get(client, **params):
    response = client.get(URL + ("?" + urlencode(params) if params else ""))
    return response, BeautifulSoup(response.content, "html.parser")


def card_titles(soup):
    """Titles of the result cards (not of the fallback lists when nothing matched)."""
    return [
        a.get_text().strip()
        for a in soup.select(".service-card__title a")
        if soup.name == "section" or not a.find_parent(class_="registry-empty")
    ]


def map_markers(soup):
    island = soup.find("script", id="registry-map-data")
    return json.loads(island.string) if island else []


def test_home_page_button_finds_help_nearby(client, data):
    home = BeautifulSoup(client.get("/").content, "html.parser")
    assert home.find("a", string=re.compile("Найти помощь рядом"))["href"] == URL
    block = home.select_one(".choose-district")
    assert block.find("a")["href"] == "/services/district/"


def test_list_page_has_search_box_filters_count_and_cards(client, data):
    response, soup = get(client)
    assert response.status_code == 200
    form = soup.select_one("form.registry-search")
    assert form["method"] == "get" and form["action"] == URL
    for name in ["q", "district", "kind", "group", "open_now", "24x7", "free"]:
        assert form.find(attrs={"name": name}) is not None, name
    assert "Найдено служб: 5" in soup.select_one(".registry-count").get_text()
    assert len(card_titles(soup)) == 5


def test_search_words_with_morphology(client, data):
    response, soup = get(client, q="медиатор")
    assert card_titles(soup) == ["Служба семейной медиации (демо)"]
    assert soup.select_one(".service-card__title mark").get_text() == "медиации"
    for word, expected in [("травля", "реагирования"), ("буллинг", "реагирования")]:
        _response, soup = get(client, q=word)
        assert expected in card_titles(soup)[0]
    _response, soup = get(client, q="насилие")
    assert card_titles(soup)[0] == "Кризисное отделение для женщин (демо)"


def test_each_result_shows_kinds_phones_badges_and_alert(client, data):
    places, services = data
    mediation = services["mediation"]
    mediation.alert = "Закрыто на праздники до 10 января"
    mediation.save()
    _response, soup = get(client, q="медиатор", district="vologda")
    card = soup.select_one(".service-card")
    assert "Служба семейной медиации" in card.select_one(".tag-list").get_text()
    phone = card.select_one(".phones a")
    assert phone["href"] == "tel:88172000001"
    assert "Открыто сейчас" in card.select_one(".badges").get_text()
    assert "Бесплатно" in card.select_one(".badges").get_text()
    assert "0,0 км от центра района" in card.select_one(".badge--distance").get_text()
    assert "Закрыто на праздники до 10 января" in card.select_one(".service-alert").get_text()
    assert card.select_one(".service-card__title a")["href"] == "/services/mediatsiya/"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"district": "sokolskiy"}, {"SOS – служба особого сопровождения, Сокол (демо)"}),
        ({"kind": "mediation"}, {"Служба семейной медиации (демо)"}),
        ({"group": "teenagers"}, {"Служба экстренного реагирования (демо)"}),
        ({"24x7": "1"}, {"Кризисное отделение для женщин (демо)"}),
        (
            {"open_now": "1"},
            {"Служба семейной медиации (демо)", "Кризисное отделение для женщин (демо)"},
        ),
        ({"free": "1", "kind": "legal"}, set()),
        ({"kind": "legal"}, {"Юридическая консультация (демо)"}),
    ],
)
def test_each_filter_lives_in_the_url(client, data, params, expected):
    response, soup = get(client, **params)
    assert response.status_code == 200
    assert set(card_titles(soup)) == expected
    assert (soup.select_one(".registry-empty") is None) == bool(expected)
    # The form shows the choice again (shareable URL, Back restores it).
    for name, value in params.items():
        field = soup.select_one(f"form.registry-search [name='{name}']")
        if field.name == "select":
            assert field.find("option", selected=True)["value"] == value
        else:
            assert field.has_attr("checked")


def test_nearest_first_from_near_parameter_with_km(client, data):
    _response, soup = get(client, near="{},{}".format(*CHEREPOVETS))
    titles = card_titles(soup)
    assert titles[0] == "Служба экстренного реагирования (демо)"
    distances = [b.get_text() for b in soup.select(".badge--distance")]
    assert distances[0].startswith("0,0 км от вас")
    assert re.match(r"1\d\d км от вас", distances[-1])
    assert "Сначала ближайшие к вам" in soup.select_one(".registry-count").get_text()
    assert soup.select_one("form.registry-search input[name='near']")["value"] == (
        "{},{}".format(*CHEREPOVETS)
    )


def test_geolocation_button_and_script_are_self_hosted(client, data):
    _response, soup = get(client)
    button = soup.select_one("[data-geolocate]")
    assert button.has_attr("hidden")  # shown by the script only
    scripts = [s["src"] for s in soup.find_all("script", src=True)]
    assert any(src.endswith("registry/js/geolocate.js") for src in scripts)
    assert not soup.find_all("script", src=False, type=lambda t: t != "application/json")


def test_pagination_keeps_filters(client, data):
    for number in range(25):
        make_service(data[0]["vologda"], name=f"Служба медиации № {number:02d} (демо)")
    response, soup = get(client, district="vologda")
    assert "Найдено служб: 28" in soup.select_one(".registry-count").get_text()
    next_link = soup.select_one(".pagination a[rel=next]")["href"]
    assert "district=vologda" in next_link and "page=2" in next_link
    response, soup = get(client, district="vologda", page="3")  # 10 a page
    assert len(card_titles(soup)) == 8
    assert soup.select_one(".registry-results")["start"] == "21"


def test_map_data_island_has_public_points_only(client, data):
    places, services = data
    shelter = confidential_shelter(places["vologda"])
    response, soup = get(client, district="vologda")
    assert shelter.name in card_titles(soup)
    markers = map_markers(soup)
    assert markers, "the results have public points"
    assert all(set(m) == {"lat", "lon", "name", "address", "url"} for m in markers)
    assert shelter.name not in [m["name"] for m in markers]
    assert "/services/mediatsiya/" in [m["url"] for m in markers]
    map_div = soup.select_one("[data-registry-map]")
    assert map_div.has_attr("hidden")  # the list is primary; the script shows the map
    assert map_div["data-tile-url"] == ""  # offline by default


def test_confidential_location_never_appears_on_the_list(client, data):
    places, services = data
    confidential_shelter(places["vologda"])
    for params in [{}, {"district": "vologda"}, {"q": "приют"}, {"24x7": "1"}]:
        response, soup = get(client, **params)
        html = response.content.decode()
        assert "Приют для женщин с детьми (демо)" in card_titles(soup), params
        assert "Секретная" not in html and "160099" not in html
        assert "59.2333" not in html and "39.9111" not in html
        assert "Вологда (адрес сообщают по телефону)" in html


def test_tile_url_setting_reaches_the_map(client, data, settings):
    settings.REGISTRY_MAP_TILE_URL = "/tiles/{z}/{x}/{y}.png"
    _response, soup = get(client)
    assert soup.select_one("[data-registry-map]")["data-tile-url"] == "/tiles/{z}/{x}/{y}.png"


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"district": "net-takogo"},
        {"kind": "net-takogo"},
        {"group": "net-takoy"},
        {"district": "<script>"},
    ],
)
def test_unknown_slugs_are_a_404_with_search_box_and_emergency_numbers(client, data, params):
    response, soup = get(client, **params)
    assert response.status_code == 404
    assert soup.select_one("form.registry-search input[name='q']") is not None
    numbers = soup.select_one("main .emergency").get_text()
    assert "112" in numbers and "8-800-2000-122" in numbers


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"near": "abc"}, "координаты"),
        ({"near": "1000,1000"}, "координаты"),
        ({"near": "nan,nan"}, "координаты"),
        ({"page": "abc"}, "первая страница"),
        ({"page": "-1"}, "первая страница"),
        ({"page": "99999"}, "последняя"),
        ({"page": "1" * 40}, "первая страница"),
        ({"q": "травля " * 800}, "200 символам"),
    ],
)
def test_malformed_input_is_ignored_with_a_message(client, data, params, message):
    response, soup = get(client, **params)
    assert response.status_code == 200
    assert message in " ".join(p.get_text() for p in soup.select(".notice"))


def test_a_5000_character_query_is_cut_not_failed(client, data):
    response, soup = get(client, q="медиатор " + "я" * 5000)
    assert response.status_code == 200
    assert len(soup.select_one("#registry-q")["value"]) <= 200


@pytest.mark.parametrize(
    "query",
    [
        "медиатор OR 1=1",
        "\"' AND",
        "NEAR(медиатор)",
        "*",
        "-",
        "травля*",
        "«насилие»",
        "%",
        "медиатор^2",
    ],
)
def test_search_syntax_characters_never_fail(client, data, query):
    response, _soup = get(client, q=query)
    assert response.status_code == 200


NO_WORDS = ["-", "?", "!", "...", "«»", "—", "+", "_", '"', "%00", "*"]


@pytest.mark.parametrize(
    ("prefix", "where"),
    [
        ("", {"district": "vologda"}),
        ("", {"near": "59.2205,39.8915"}),
        ("/en", {"district": "vologda", "near": "59,40"}),
    ],
)
def test_a_query_without_words_is_no_query_and_says_so(client, data, prefix, where):
    """Issue 9, defect 3: punctuation alone with a district or a point was a 500
    (EmptyResultSet). It is treated as no words, the page says so, and the list is the
    one the same filters give without it."""
    _plain, without = get_prefixed(client, prefix, **where)
    assert card_titles(without)
    url = f"{prefix}{URL}?{urlencode(where)}"
    for query in NO_WORDS:
        q = "q=%00" if query == "%00" else urlencode({"q": query})
        response = client.get(f"{url}&{q}")
        assert response.status_code == 200, query
        soup = BeautifulSoup(response.content, "html.parser")
        notices = " ".join(p.get_text() for p in soup.select(".notice"))
        if query == "%00":  # removed before the view (defect 8): simply no query
            assert not notices
        else:
            assert ("no words" if prefix else "нет ни одного слова") in notices, (query, notices)
        assert soup.select_one("#registry-q")["value"] == ""
        assert card_titles(soup) == card_titles(without), query


def get_prefixed(client, prefix, **params):
    response = client.get(prefix + URL + "?" + urlencode(params))
    return response, BeautifulSoup(response.content, "html.parser")


def test_post_and_odd_methods_are_not_a_500(client, data):
    assert client.post(URL).status_code == 405 or client.post(URL).status_code < 500


# --- Empty result: never a dead end ---------------------------------------------------------


def test_empty_result_offers_nearby_services_24_7_and_emergency_numbers(client, data):
    places, services = data
    response, soup = get(client, q="медиатор", district="babaevskiy")
    assert response.status_code == 200
    empty = soup.select_one(".registry-empty")
    text = empty.get_text(" ", strip=True)
    assert "не нашлось" in text
    headings = [h.get_text(" ", strip=True) for h in empty.find_all("h2")]
    assert any("за пределами: Бабаевский округ" in h for h in headings)
    assert any("Круглосуточная помощь: Вологодская область" in h for h in headings)
    titles = card_titles(empty)
    assert titles[0] == "Служба семейной медиации (демо)"  # the nearest matching one
    assert "Кризисное отделение для женщин (демо)" in titles  # region-wide 24/7
    assert "112" in empty.select_one(".emergency").get_text()
    assert "8-800-2000-122" in empty.select_one(".emergency").get_text()
    link = empty.find("a", string=re.compile("во всех районах"))
    assert "district" not in link["href"] and "q=" in link["href"]


def test_empty_result_without_district_still_helps(client, data):
    response, soup = get(client, q="абракадабра")
    empty = soup.select_one(".registry-empty")
    assert "Кризисное отделение для женщин (демо)" in card_titles(empty)
    assert "112" in empty.select_one(".emergency").get_text()


def test_empty_registry_still_shows_emergency_numbers(client, home):
    response, soup = get(client, q="медиатор")
    assert response.status_code == 200
    assert "8-800-2000-122" in soup.select_one(".registry-empty .emergency").get_text()


# --- Query budget ---------------------------------------------------------------------------


def _grow(places, count):
    for number in range(count):
        make_service(
            places["vologda" if number % 2 else "sokol"],
            name=f"Служба медиации для семей № {number} (демо)",
            kinds=["mediation", "psychological"],
            target_groups=["parents"],
            phones=("8 (8172) 11-11-11", "8 (8172) 22-22-22"),
        )


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "медиатор"},
        {"q": "медиатор", "district": "vologda", "kind": "mediation", "near": "59.22,39.89"},
        {"open_now": "1", "24x7": "1", "free": "1", "group": "parents"},
        {"q": "медиатор", "district": "babaevskiy"},  # empty: the fallback lists
        {"page": "99999"},
    ],
)
def test_results_page_needs_at_most_12_queries(
    client, data, django_assert_max_num_queries, count, params
):
    _grow(data[0], count)
    ServiceFactory(name="Без адреса (демо)", kinds=["helpline"], is_24_7=True)
    url = URL + "?" + urlencode(params)
    client.get(url)  # warm per-process caches (site, content types)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
