"""News translate with wagtail-localize; the switcher offers only translations that exist."""

import datetime as dt

import feedparser
import polib
import pytest
from wagtail.models import Locale
from wagtail_localize.models import Translation
from wagtail_localize.operations import translate_object

from tests.news.conftest import soup
from tests.news.factories import CoverImageFactory, NewsPageFactory
from tests.registry.factories import DistrictFactory

pytestmark = pytest.mark.django_db

ENGLISH = {
    "Новости": "News",
    "Новости комплекса мер «Безопасное детство».": "News of the Safe Childhood programme.",
    "Служба медиации открылась": "A family mediation service has opened",
    "Семьям помогут договориться.": "Families will get help to reach agreement.",
    "Специалист беседует с семьёй": "A specialist talks with a family",
}


@pytest.fixture
def en(english_home):
    return Locale.objects.get(language_code="en")


@pytest.fixture
def translate(en, django_capture_on_commit_callbacks):
    """What an editor does in the admin: translate the page, fill in the strings, publish.

    wagtail-localize publishes once the transaction commits; the test transaction
    never does, so the callbacks are run here.
    """

    def translate_page(page):
        with django_capture_on_commit_callbacks(execute=True):
            translate_object(page, [en])
        translation = Translation.objects.get(
            source__object_id=page.translation_key, target_locale=en
        )
        po = translation.export_po()
        for entry in po:
            entry.msgstr = ENGLISH.get(entry.msgid, entry.msgid)
        translation.import_po(polib.pofile(str(po)))
        with django_capture_on_commit_callbacks(execute=True):
            translation.save_target(publish=True)
        return page.get_translation(en)

    return translate_page


@pytest.fixture
def article(news_index):
    return NewsPageFactory(
        parent=news_index,
        title="Служба медиации открылась",
        lead="Семьям помогут договориться.",
        date=dt.date(2023, 2, 1),
        cover_image=CoverImageFactory(),
        cover_alt="Специалист беседует с семьёй",
        tags=["медиация"],
        districts=[DistrictFactory(slug="vologda", name="Вологда")],
    )


def test_translated_article_has_english_text_and_keeps_facts(
    client, news_index, article, translate
):
    english_index = translate(news_index).specific
    english = translate(article).specific
    assert english.url.startswith("/en/")
    assert english.get_parent().specific == english_index

    page = soup(client.get(english.url))
    assert page.html["lang"] == "en"
    assert page.h1.get_text() == "A family mediation service has opened"
    assert "Families will get help" in page.select_one(".news-article .lead").get_text()
    assert page.select_one(".news-article__cover img")["alt"] == "A specialist talks with a family"
    # Date, tags and districts are facts: synchronised, not translated.
    assert english.date == article.date
    assert [t.name for t in english.tags.all()] == ["медиация"]
    assert [d.slug for d in english.districts.all()] == ["vologda"]
    assert soup(client.get(english_index.url + "?district=vologda")).select(".news-card")

    feed = feedparser.parse(client.get(english_index.url + "rss/").content)
    assert feed.feed.language == "en"
    assert [e.title for e in feed.entries] == ["A family mediation service has opened"]
    russian = feedparser.parse(client.get(news_index.url + "rss/").content)
    assert [e.title for e in russian.entries] == ["Служба медиации открылась"]


def test_switcher_links_existing_translations_only(client, news_index, article, translate):
    untranslated = NewsPageFactory(parent=news_index, title="Только по-русски")
    translate(news_index)
    english = translate(article)

    switcher = soup(client.get(article.url)).select(".language-switcher a")
    assert {a["hreflang"]: a["href"] for a in switcher} == {"en": english.url}
    back = soup(client.get(english.url)).select(".language-switcher a")
    assert {a["hreflang"]: a["href"] for a in back} == {"ru": article.url}
    assert soup(client.get(untranslated.url)).select_one(".language-switcher") is None

    # A translation taken offline disappears from the switcher.
    english.specific.unpublish()
    assert soup(client.get(article.url)).select_one(".language-switcher") is None


def test_english_lists_only_english_news(client, news_index, article, translate):
    NewsPageFactory(parent=news_index, title="Только по-русски")
    english_index = translate(news_index)
    translate(article)
    titles = [
        a.get_text() for a in soup(client.get(english_index.url)).select(".news-card__title a")
    ]
    assert titles == ["A family mediation service has opened"]
