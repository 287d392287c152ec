"""What a visitor sees on the home page and on every page's chrome."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Site

from safechildhood.home.models import EmergencyContacts

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def test_russian_home_page_shows_both_emergency_numbers_as_tel_links(client, home):
    response = client.get("/")
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == "ru"
    hrefs = {a["href"] for a in page.select("main a[href^='tel:']")}
    assert {"tel:112", "tel:88002000122"} <= hrefs
    assert "Ребёнок в опасности — звоните 112" in page.h1.get_text()


def test_emergency_numbers_come_from_site_settings(client, home):
    contacts = EmergencyContacts.for_site(Site.objects.get(is_default_site=True))
    contacts.helpline_number = "8-800-100-49-94"
    contacts.save()
    page = soup(client.get("/"))
    # On the home page the hero shows the numbers; the header does not repeat them (issue 12).
    assert not page.select_one("header a[href^='tel:']")
    assert page.select_one("footer a[href='tel:88001004994']")
    assert page.select_one("main a[href='tel:88001004994']")
    other = soup(client.get("/report/"))
    assert other.select_one("header a[href='tel:88001004994']")


def test_every_page_has_skip_link_landmarks_and_quick_exit(client, standard_page):
    for url in ["/", standard_page.url, "/search/?q=помощь", "/no-such-page/"]:
        page = soup(client.get(url))
        skip = page.select_one("a.skip-link")
        assert skip and skip["href"] == "#main-content", url
        assert page.select_one("main#main-content"), url
        assert page.select_one("header[role=banner]") and page.select_one("footer"), url
        exit_link = page.select_one("a[data-quick-exit]")
        assert exit_link and exit_link["href"] == "https://yandex.ru/pogoda/", url
        assert "Быстро покинуть сайт" in exit_link.get_text(), url


def test_quick_exit_target_and_safety_page_are_configurable(client, home, standard_page):
    contacts = EmergencyContacts.for_site(Site.objects.get(is_default_site=True))
    contacts.quick_exit_url = "https://www.gismeteo.ru/"
    contacts.safety_page = standard_page
    contacts.save()
    page = soup(client.get("/"))
    assert page.select_one("a[data-quick-exit]")["href"] == "https://www.gismeteo.ru/"
    safety = page.select_one(".quick-exit a.quick-exit__help")
    assert safety["href"] == standard_page.url


def test_english_home_page_lives_under_en_and_switcher_links_both(client, english_home):
    response = client.get("/en/")
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == "en"
    assert "A child in danger? Call 112" in page.h1.get_text()
    assert page.select_one("main a[href='tel:112']")
    switcher = {a["hreflang"]: a["href"] for a in page.select(".language-switcher a")}
    assert switcher == {"ru": "/"}
    ru_page = soup(client.get("/"))
    assert {a["hreflang"]: a["href"] for a in ru_page.select(".language-switcher a")} == {
        "en": "/en/"
    }
    # UI strings are translated too, not just page content.
    assert "Quick exit" in page.select_one("a[data-quick-exit]").get_text()


def test_switcher_is_hidden_when_a_page_has_no_translation(client, english_home, standard_page):
    page = soup(client.get(standard_page.url))
    assert page.select_one(".language-switcher") is None


def test_demo_banner_only_when_marked_demo(client, home):
    assert not soup(client.get("/")).select_one(".demo-banner")
    contacts = EmergencyContacts.for_site(Site.objects.get(is_default_site=True))
    contacts.is_demo = True
    contacts.save()
    assert soup(client.get("/")).select_one(".demo-banner")


def test_unknown_page_is_a_helpful_404_with_emergency_numbers(client, home):
    response = client.get("/net-takoy-stranicy/")
    assert response.status_code == 404
    page = soup(response)
    assert "Страница не найдена" in page.h1.get_text()
    assert page.select_one("main a[href='tel:112']")
    assert page.select_one("main form[role=search]")
