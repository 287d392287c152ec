"""«Карта сайта» in the footer is a page for people; sitemap.xml is for search engines and
names the site's real address (issue 12: the footer showed raw XML with localhost links)."""

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from wagtail.models import Site

pytestmark = pytest.mark.django_db


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def test_footer_links_to_a_page_for_people(client, standard_page):
    footer = soup_of(client.get("/")).select_one("footer")
    link = footer.find("a", string="Карта сайта")
    assert link["href"] == "/site-map/"


def test_site_map_lists_pages_and_the_services(client, standard_page):
    response = client.get("/site-map/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    soup = soup_of(response)
    assert soup.select_one("h1").get_text(strip=True) == "Карта сайта"
    links = {a.get_text(strip=True): a["href"] for a in soup.select("main a")}
    assert links["Безопасное детство"] == "/"
    assert links["Как получить помощь"] == "/kak-poluchit-pomoshch/"
    assert links["Найти помощь рядом"] == "/services/"
    assert links["Выбрать свой район"] == "/services/district/"
    assert links["Сообщить о проблеме"] == "/report/"
    assert links["Попросить помощи для своей семьи"] == "/report/family/"
    assert links["Ответ на сообщение"] == "/report/status/"
    assert links["Поиск по сайту"] == "/search/"


def test_english_site_map_lists_english_pages(client, standard_page, english_home):
    soup = soup_of(client.get("/en/site-map/"))
    links = {a.get_text(strip=True): a["href"] for a in soup.select("main a")}
    assert links["Safe Childhood"] == "/en/"
    assert "Как получить помощь" not in links
    assert links["Find help near you"] == "/en/services/"


def test_draft_and_private_pages_are_not_listed(client, standard_page):
    standard_page.unpublish()
    links = [a.get_text(strip=True) for a in soup_of(client.get("/site-map/")).select("main a")]
    assert "Как получить помощь" not in links


def test_demo_site_takes_its_address_from_the_admin_base_url(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://deti.example.ru"
    call_command("load_demo", verbosity=0)
    site = Site.objects.get(is_default_site=True)
    assert site.root_url == "https://deti.example.ru"
