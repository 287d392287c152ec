"""The «возраст ребёнка» filter: ``/services/?age=7`` keeps services whose minimum and
maximum age include it (a missing bound is no limit); bad input is a message, never a 500."""

from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup

from safechildhood.registry.listing import parse_age

from .factories import LocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def services(home):
    for name, low, high in [
        ("Для малышей (демо)", 0, 6),
        ("Для школьников (демо)", 7, 17),
        ("Для подростков (демо)", 12, None),
        ("До десяти (демо)", None, 10),
        ("Для всех (демо)", None, None),
    ]:
        LocationFactory(service=ServiceFactory(name=name, minimum_age=low, maximum_age=high))


def get(client, **params):
    response = client.get("/services/?" + urlencode(params))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    names = sorted(a.get_text().strip() for a in soup.select(".service-card__title a"))
    return soup, names


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (0, ["До десяти (демо)", "Для всех (демо)", "Для малышей (демо)"]),
        (6, ["До десяти (демо)", "Для всех (демо)", "Для малышей (демо)"]),
        (7, ["До десяти (демо)", "Для всех (демо)", "Для школьников (демо)"]),
        (12, ["Для всех (демо)", "Для подростков (демо)", "Для школьников (демо)"]),
        (17, ["Для всех (демо)", "Для подростков (демо)", "Для школьников (демо)"]),
    ],
)
def test_age_keeps_services_whose_range_includes_it(client, services, age, expected):
    _soup, names = get(client, age=age)
    assert names == sorted(expected)


@pytest.mark.parametrize("bad", ["abc", "200", "-3", "7.5", "18", "٧", "9" * 50])
def test_bad_age_is_a_clear_message_and_no_filter(client, services, bad):
    soup, names = get(client, age=bad)
    assert len(names) == 5  # not applied
    field = soup.find("input", attrs={"name": "age"})
    assert field["aria-invalid"] == "true"
    error = soup.find(id=field["aria-describedby"]).get_text()
    assert "Возраст ребёнка" in error
    assert "Фильтр по возрасту не применён" in soup.get_text()


def test_age_input_is_a_number_from_0_to_17(client, services):
    soup, _names = get(client, age="9")
    field = soup.find("input", attrs={"name": "age"})
    assert (field["type"], field["min"], field["max"], field["value"]) == ("number", "0", "17", "9")
    label = soup.find("label", attrs={"for": field["id"]})
    assert "Возраст ребёнка" in label.get_text()


def test_age_is_shown_among_the_active_filters_with_a_way_out(client, services):
    soup, _names = get(client, age="7", free="1")
    active = soup.select_one(".active-filters")
    assert "Возраст ребёнка, лет: 7" in active.get_text()
    link = active.find("a")["href"]
    assert "age=" not in link and "free=1" in link


def test_age_in_english(client, services):
    response = client.get("/en/services/?age=abc")
    assert response.status_code == 200
    assert "The age filter was not applied." in response.content.decode()


def test_parse_age():
    assert parse_age("") == (None, "")
    assert parse_age("0") == (0, "")
    assert parse_age("017") == (17, "")
    assert parse_age("200")[0] is None and parse_age("200")[1]
    assert parse_age("abc")[0] is None and parse_age("abc")[1]
