"""Pages translate through wagtail-localize and each translation lives at its own URL."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Locale
from wagtail_localize.models import StringTranslation, Translation
from wagtail_localize.operations import TranslationCreator

pytestmark = pytest.mark.django_db


def test_wagtail_localize_translation_is_served_under_en_and_switcher_links_it(
    client, english_home, standard_page, admin_user, django_capture_on_commit_callbacks
):
    en = Locale.objects.get(language_code="en")
    TranslationCreator(admin_user, [en]).create_translations(standard_page)
    translation = Translation.objects.get(
        source__object_id=standard_page.translation_key, target_locale=en
    )
    # A translator fills in every string, as they would in the wagtail-localize editor.
    for segment in translation.source.stringsegment_set.select_related("string"):
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=en,
            context=segment.context,
            defaults={"data": f"EN {segment.string.data}"},
        )
    with django_capture_on_commit_callbacks(execute=True):  # it publishes on commit
        translation.save_target(user=admin_user, publish=True)
    english = translation.get_target_instance()

    assert english.url.startswith("/en/")
    response = client.get(english.url)
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    assert html.html["lang"] == "en"
    assert html.h1.get_text() == "EN Как получить помощь"
    assert "Quick exit" in html.select_one("a[data-quick-exit]").get_text()
    switcher = {a["hreflang"]: a["href"] for a in html.select(".language-switcher a")}
    assert switcher == {"ru": standard_page.url}

    russian = BeautifulSoup(client.get(standard_page.url).content, "html.parser")
    links = {a["hreflang"]: a["href"] for a in russian.select(".language-switcher a")}
    assert links == {"en": english.url}
