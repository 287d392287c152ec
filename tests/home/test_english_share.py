"""English is English (issue 12, finding 8): on the main /en/ pages of the demo, fewer than
5 % of the visible words are Cyrillic, beyond a short, explicit list of words allowed to be.

The pages are reached as a visitor reaches them: the service and the district come from
the English list's own links. Visible text is what the browser renders as text
(scripts, styles, templates and the `hidden` parts are left out; text for screen
readers stays in, it is read aloud)."""

import re

import pytest
from bs4 import BeautifulSoup

from safechildhood.home.models import StandardPage

pytestmark = pytest.mark.django_db

MAX_CYRILLIC_SHARE = 0.05

# Words allowed to stay Cyrillic on English pages: the language switcher names Russian in
# Russian (as every multilingual site names a language in itself). Proper names of Russian
# organisations and places have English spellings in the demo, so none is needed here.
ALLOWED = {"русский"}

WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def visible_words(html: bytes) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    for node in soup.select("script, style, template, [hidden]"):
        node.decompose()
    return WORD.findall(soup.get_text(" "))


def cyrillic(words: list[str]) -> list[str]:
    return [word for word in words if CYRILLIC.search(word) and word.lower() not in ALLOWED]


def first_link(client, url: str, pattern: str) -> str:
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    for link in soup.select("main a[href]"):
        if re.fullmatch(pattern, link["href"]):
            return link["href"]
    raise AssertionError(f"no link matching {pattern} on {url}")


@pytest.fixture
def english_pages(client, demo_site) -> list[str]:
    service = first_link(client, "/en/services/", r"/en/services/(?!district/)[\w-]+/")
    district = first_link(client, "/en/services/district/", r"/en/services/district/[\w-]+/")
    information = [
        page.url for page in StandardPage.objects.live().filter(locale__language_code="en")
    ]
    assert len(information) >= 2, information  # the safety page and the families page
    return [
        "/en/",
        "/en/services/",
        "/en/services/?district=sokolskiy&kind=bullying",
        service,
        "/en/services/district/",
        district,
        "/en/report/",
        "/en/report/form/",
        "/en/search/?q=help",
        "/en/search/?q=mediation",
        "/en/news/",
        *information,
    ]


def test_main_english_pages_are_english(client, english_pages):
    report = []
    for url in english_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        words = visible_words(response.content)
        russian = cyrillic(words)
        share = len(russian) / len(words)
        if share >= MAX_CYRILLIC_SHARE:
            report.append(f"{url}: {share:.0%} of {len(words)} words, e.g. {russian[:15]}")
    assert not report, "\n".join(report)


def test_the_safety_link_opens_the_english_safety_page(client, demo_site):
    for url in ("/en/", "/en/services/", "/en/report/"):
        soup = BeautifulSoup(client.get(url).content, "html.parser")
        link = soup.select_one(".quick-exit__help")
        assert link is not None and link["href"] == "/en/hide-your-visit/", url
    page = client.get("/en/hide-your-visit/")
    assert page.status_code == 200
    assert "How to hide your visit" in page.content.decode()
