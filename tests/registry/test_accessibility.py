"""Accessibility codes on a service's place: the filter, the page and cards (icon and text),
the admin, and HSDS export and import (issue 14, point 7)."""

import io
import json
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from safechildhood.registry.accessibility import FEATURES, recognise
from safechildhood.registry.importing import engine
from safechildhood.registry.importing.hsds_format import read_path
from safechildhood.registry.models import Location, Service

from .factories import DistrictFactory, LocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(home):
    """A step-free centre, a hearing-loop office, a plain one and a shelter whose
    (confidential) place is marked step-free."""
    district = DistrictFactory(name="Сокольский округ")
    step_free = ServiceFactory(name="Центр без ступенек (демо)")
    LocationFactory(
        service=step_free,
        district=district,
        accessibility_codes=["wheelchair", "toilet"],
        accessibility="Пандус со двора (демо)",
    )
    loop = ServiceFactory(name="Кабинет с петлёй (демо)")
    LocationFactory(service=loop, district=district, accessibility_codes=["hearing_loop"])
    LocationFactory(service=ServiceFactory(name="Обычная служба (демо)"), district=district)
    shelter = ServiceFactory(name="Приют (демо)")
    LocationFactory(
        service=shelter,
        district=district,
        address="секрет",
        is_confidential=True,
        accessibility_codes=["wheelchair"],
    )
    return {"step_free": step_free, "loop": loop, "shelter": shelter}


def page(client, **params):
    response = client.get("/services/?" + urlencode(params))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def titles(soup):
    return sorted(a.get_text().strip() for a in soup.select(".service-card__title a"))


def test_filter_keeps_only_places_with_the_code(client, places):
    assert titles(page(client, access="wheelchair")) == ["Центр без ступенек (демо)"]
    assert titles(page(client, access="hearing_loop")) == ["Кабинет с петлёй (демо)"]
    assert titles(page(client, access="sign_language")) == []


def test_a_confidential_place_says_nothing_about_itself(client, places):
    soup = page(client, access="wheelchair")
    assert "Приют (демо)" not in titles(soup)
    detail = BeautifulSoup(client.get(places["shelter"].get_absolute_url()).content, "html.parser")
    assert detail.select(".access-list") == []


def test_one_code_never_matches_inside_another(client, home):
    # "toilet" is not found in a place marked only with some other code containing it
    LocationFactory(service=ServiceFactory(name="Туалет нет (демо)"), accessibility_codes=[])
    assert titles(page(client, access="toilet")) == []


def test_unknown_code_is_ignored_with_a_message_not_an_error(client, places):
    soup = page(client, access="teleport")
    assert len(titles(soup)) == 4  # no filter: every service, the shelter too
    assert "Такого условия доступности нет" in soup.get_text()


def test_filter_form_offers_every_code_and_keeps_the_choice(client, places):
    soup = page(client, access="hearing_loop")
    select = soup.find("select", attrs={"name": "access"})
    codes = [option["value"] for option in select.find_all("option") if option["value"]]
    assert codes == [feature.code for feature in FEATURES]
    assert select.find("option", selected=True)["value"] == "hearing_loop"
    active = soup.select_one(".active-filters").get_text(" ", strip=True)
    assert "Индукционная петля" in active
    assert "access=" not in soup.select_one(".active-filters a")["href"]


def test_card_shows_decorative_icons_with_text(client, places):
    card = next(
        li for li in page(client).select(".service-card") if "Центр без ступенек" in li.get_text()
    )
    items = card.select(".access-list__item")
    assert [item.get_text(strip=True) for item in items] == [
        "Вход без ступенек, доступно на коляске",
        "Туалет для людей с инвалидностью",
    ]
    for item in items:
        icon = item.find("img")
        assert icon["alt"] == "" and icon["aria-hidden"] == "true"
        assert icon["src"].endswith(".svg") and "://" not in icon["src"]  # self-hosted


def test_service_page_shows_codes_and_the_note(client, places):
    response = client.get(places["step_free"].get_absolute_url())
    soup = BeautifulSoup(response.content, "html.parser")
    place = soup.select_one(".place")
    assert "Пандус со двора (демо)" in place.get_text()
    assert [i.get_text(strip=True) for i in place.select(".access-list__item")] == [
        "Вход без ступенек, доступно на коляске",
        "Туалет для людей с инвалидностью",
    ]


def test_icons_exist_for_every_code():
    from django.contrib.staticfiles import finders

    for feature in FEATURES:
        assert finders.find(feature.icon), feature.icon


def test_in_english_the_labels_are_english(client, places):
    soup = BeautifulSoup(client.get("/en/services/?access=wheelchair").content, "html.parser")
    assert "Step-free entrance" in soup.get_text()


def test_unknown_codes_are_refused_by_validation(home):
    location = LocationFactory(accessibility_codes=["wheelchair"])
    location.accessibility_codes = ["wheelchair", "lift"]
    with pytest.raises(ValidationError):
        location.full_clean()


def test_editor_ticks_codes_in_the_admin(admin_client, places):
    service = places["loop"]
    edit_url = reverse(Service.snippet_viewset.get_url_name("edit"), args=[service.pk])
    response = admin_client.get(edit_url)
    html = response.content.decode()
    assert 'name="locations-0-accessibility_codes"' in html
    data = querydict_from_html(html, form_id="w-editor-form")
    data.setlist("locations-0-accessibility_codes", ["sign_language", "hearing_loop"])
    data["is_free"] = "on"
    data["action-publish"] = "action-publish"
    response = admin_client.post(edit_url, dict(data.lists()))  # every ticked box
    assert response.status_code == 302, response.content.decode()[:2000]
    place = Location.objects.get(service=service)
    assert sorted(place.accessibility_codes) == ["hearing_loop", "sign_language"]


# --- HSDS ----------------------------------------------------------------------------------------


def test_hsds_rows_per_code_and_round_trip(client, tmp_path, places):
    service = places["step_free"]
    exported = client.get(f"/api/hsds/services/{service.hsds_id}").json()
    rows = exported["service_at_locations"][0]["location"]["accessibility"]
    assert [row["description"] for row in rows] == [
        "Вход без ступенек, доступно на коляске",
        "Туалет для людей с инвалидностью",
        "Пандус со двора (демо)",
    ]
    assert len({row["id"] for row in rows}) == 3
    path = tmp_path / "service.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    service.delete()
    result = engine.plan(read_path(path))
    assert result.ok, result.errors
    engine.apply(result)
    place = Location.objects.get(service__external_id=exported["id"])
    assert place.accessibility_codes == ["wheelchair", "toilet"]
    assert place.accessibility == "Пандус со двора (демо)"


def test_other_peoples_free_text_stays_text():
    """Only an exact label is a code: guessing from free text could claim what is not there."""
    assert recognise("Wheelchair access is possible on all levels.") is None
    assert recognise("Нет пандуса") is None
    assert recognise("  вход без ступенек,  доступно на коляске ") == "wheelchair"
    assert recognise("Induction loop for hearing aids") == "hearing_loop"
    assert recognise("sign_language") == "sign_language"


def test_datapackage_export_has_a_row_per_code(tmp_path, places):
    import csv
    import zipfile

    path = tmp_path / "registry.zip"
    call_command("export_hsds", "-o", str(path), stdout=io.StringIO())
    with zipfile.ZipFile(path) as archive:
        text = archive.read("accessibility.csv").decode("utf-8-sig")
    descriptions = [row["description"] for row in csv.DictReader(io.StringIO(text))]
    assert descriptions.count("Вход без ступенек, доступно на коляске") == 1  # not the shelter
    assert "Индукционная петля для слуховых аппаратов" in descriptions


def test_demo_places_get_codes_from_the_seed(demo_site):
    """The seed says «Вход без ступенек»: the demo places are step-free, a few say more."""
    ru = Location.objects.filter(locale__language_code="ru")
    vologda = ru.get(service__external_id="demo:sos-vologda")
    assert vologda.accessibility_codes == ["wheelchair", "toilet", "parking"]
    assert vologda.accessibility == "Вход без ступенек, кнопка вызова (демо)"
    assert ru.get(service__external_id="demo:mediation-cherepovets").accessibility_codes == [
        "wheelchair",
        "sign_language",
    ]
