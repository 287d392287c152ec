"""sitemap.xml and robots.txt."""

import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.django_db


def test_sitemap_lists_live_pages(client, standard_page, english_home):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    tree = ET.fromstring(response.content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [el.text for el in tree.findall("s:url/s:loc", ns)]
    assert "http://localhost/" in locs
    assert "http://localhost/en/" in locs
    assert "http://localhost/kak-poluchit-pomoshch/" in locs


def test_robots_txt_points_to_sitemap_and_hides_admin(client, home):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
