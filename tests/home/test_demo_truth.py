"""Every sentence of the demo pages is true of the site (issue 12, finding 6): no page
promises a feature that does not exist (the report form exists), and every internal link
on a demo page opens."""

import re

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Page

pytestmark = pytest.mark.django_db

# Phrases that promise what does not exist yet, or say that something is missing.
PROMISES = re.compile(
    r"скоро (на этом сайте )?появится|пока (формы )?нет|пока не работает|ещё не работает|"
    r"мы работаем над|в разработке|coming soon|not (yet )?available|will soon",
    re.IGNORECASE,
)


@pytest.fixture
def demo_pages(client, demo_site):
    pages = [page.specific for page in Page.objects.live().public().filter(depth__gt=1)]
    return [(page, client.get(page.url)) for page in pages]


def main_text(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser").select_one("main")


def test_demo_pages_promise_nothing_missing_and_their_links_open(client, demo_pages):
    assert demo_pages
    checked = set()
    for page, response in demo_pages:
        assert response.status_code == 200, page.url
        text = main_text(response).get_text(" ", strip=True)
        found = PROMISES.search(text)
        assert found is None, f"{page.url}: «{found.group(0)}»"
        for link in main_text(response).select("a[href]"):
            href = link["href"].split("#")[0]
            if not href.startswith("/") or href.startswith("//") or href in checked:
                continue
            checked.add(href)
            target = client.get(href, follow=True)
            assert target.status_code == 200, f"{page.url} links to {href}: {target.status_code}"

    # The page about reporting leads to the online form.
    pages = {page.slug: response for page, response in demo_pages}
    links = [a["href"] for a in main_text(pages["soobshchit-o-probleme"]).select("a[href]")]
    assert any(href.rstrip("/").endswith("/report") for href in links), links
