"""Search boxes cut nothing silently (issue 12, finding 1): no maxlength, a counter that
appears near the limit, and the search itself says when it used only the first 200
characters."""

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db


def test_search_boxes_have_no_maxlength_and_a_counter(client, demo_site):
    from safechildhood.registry.models import District

    district = District.objects.order_by("name").first()
    pages = [
        "/",
        "/search/?q=помощь",
        "/services/",
        f"/services/district/{district.slug}/",
        "/no-such/",
    ]
    for url in pages:
        page = BeautifulSoup(client.get(url, follow=True).content, "html.parser")
        boxes = page.select("input[type=search]")
        assert boxes, url
        for box in boxes:
            assert not box.has_attr("maxlength"), (url, box)
            assert box["data-char-limit"] == "200", (url, box)
            assert page.select_one(f"#{box['id']}-counter"), (url, box["id"])


def test_a_query_over_the_limit_is_searched_and_the_cut_is_said(client, demo_site):
    response = client.get("/search/", {"q": "травля " * 60})
    assert response.status_code == 200
    assert "первым 200 символам" in response.content.decode()
