"""The home page and information pages in the page cache: stored for anonymous visitors,
forgotten at once when an editor publishes, unpublishes, moves or deletes a page, changes
the emergency contacts or the page's privacy."""

import pytest
from wagtail.models import PageViewRestriction

from safechildhood.home.models import EmergencyContacts
from tests.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


def cached(client, url: str) -> bytes:
    """Fetch twice; the second answer must come from the cache. Returns the page."""
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["X-Page-Cache"] == "hit", url
    assert not response.cookies
    return response.content


@pytest.fixture
def page(home, page_cache):
    EmergencyContacts.for_site(home.get_site())  # created by the first render otherwise
    return StandardPageFactory(parent=home, title="Как получить помощь", slug="pomoshch")


def test_home_info_pages_and_english_are_cached(client, page, english_home):
    assert "Как получить помощь".encode() in cached(client, "/pomoshch/")
    assert "Безопасное детство".encode() in cached(client, "/")
    assert b"A child in danger? Call 112" in cached(client, "/en/")


def test_publishing_shows_the_change_on_the_next_request(client, page):
    cached(client, "/pomoshch/")
    cached(client, "/")
    page.title = "Как получить помощь сегодня"
    page.save_revision().publish()
    response = client.get("/pomoshch/")
    assert response["X-Page-Cache"] == "miss"
    assert "Как получить помощь сегодня".encode() in response.content


def test_a_draft_changes_nothing_and_keeps_the_cache(client, page):
    cached(client, "/pomoshch/")
    page.title = "Черновик"
    page.save_revision()
    response = client.get("/pomoshch/")
    assert response["X-Page-Cache"] == "hit"
    assert "Черновик".encode() not in response.content


def test_unpublishing_removes_the_page_at_once(client, page):
    cached(client, "/pomoshch/")
    page.unpublish()
    assert client.get("/pomoshch/").status_code == 404


def test_moving_changes_the_address_at_once(client, home, page):
    parent = StandardPageFactory(parent=home, title="О программе", slug="o-programme")
    cached(client, "/pomoshch/")
    page.move(parent, pos="last-child")
    old = client.get("/pomoshch/")
    assert old.status_code == 301  # Wagtail's automatic redirect, not the stored page
    assert old["Location"] == "/o-programme/pomoshch/"
    assert client.get("/o-programme/pomoshch/").status_code == 200


def test_deleting_removes_the_page_at_once(client, page):
    cached(client, "/pomoshch/")
    page.delete()
    assert client.get("/pomoshch/").status_code == 404


def test_new_emergency_numbers_are_on_the_next_page(client, home, page):
    assert b"8-800-2000-122" in cached(client, "/")
    contacts = EmergencyContacts.for_site(home.get_site())
    contacts.helpline_number = "8-800-100-00-00"
    contacts.save()
    assert b"8-800-100-00-00" in client.get("/").content
    assert b"8-800-100-00-00" in client.get("/pomoshch/").content


def test_a_page_made_private_is_no_longer_served_from_the_cache(client, page):
    cached(client, "/pomoshch/")
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret-word"
    )
    response = client.get("/pomoshch/")
    assert "Как получить помощь".encode() not in response.content
    assert response.get("X-Page-Cache") != "hit"
    again = client.get("/pomoshch/")
    assert again.get("X-Page-Cache") != "hit"  # the password form is never stored


def test_editors_see_drafts_and_the_userbar_never_a_cached_page(client, page, admin_user):
    cached(client, "/pomoshch/")
    client.force_login(admin_user)
    response = client.get("/pomoshch/")
    assert "X-Page-Cache" not in response
    assert b"wagtail-userbar" in response.content
    client.logout()
    assert b"wagtail-userbar" not in client.get("/pomoshch/").content


def test_admin_and_preview_are_never_cached(client, page, admin_user):
    client.force_login(admin_user)
    for url in ("/admin/", f"/admin/pages/{page.pk}/edit/preview/"):
        assert "X-Page-Cache" not in client.get(url)
