"""`load_demo` never overwrites what editors changed (issue 12, finding 9): running it again
(every `make run` does) adds what is missing and leaves what exists, publishes nothing
again and duplicates nothing; `load_demo --reset` puts the demo back."""

import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision, Site

from safechildhood.home.models import EmergencyContacts, StandardPage
from safechildhood.news.models import NewsPage
from safechildhood.registry.models import (
    District,
    EverydayPhrase,
    Organization,
    Phone,
    Service,
    Settlement,
)
from safechildhood.requests.models import Report

pytestmark = pytest.mark.django_db

EDITED_NUMBER = "+7 (000) 123-45-67"


def counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "services": Service.objects.count(),
        "organisations": Organization.objects.count(),
        "phones": Phone.objects.count(),
        "districts": District.objects.count(),
        "news": NewsPage.objects.count(),
        "reports": Report.objects.count(),
        "settlements": Settlement.objects.count(),
        "phrases": EverydayPhrase.objects.count(),
    }


def edit_everything() -> dict[str, object]:
    """What an editor does in the admin: publish a page and a news item, keep a draft,
    change a service's phone and a district, change the settings."""
    page = StandardPage.objects.get(slug="kak-poluchit-pomoshch", locale__language_code="ru")
    page.title = "Как получить помощь (правка редактора)"
    page.save_revision().publish()
    draft = StandardPage.objects.get(slug="o-programme", locale__language_code="ru")
    draft.introduction = "Черновик редактора"
    draft_revision = draft.save_revision()
    news = NewsPage.objects.live().order_by("pk").first()
    news.lead = "Лид, исправленный редактором"
    news.save_revision().publish()
    phone = Phone.objects.filter(service__external_id="demo:sos-vologda").first()
    phone.number = EDITED_NUMBER
    phone.save()
    District.objects.filter(slug="sokolskiy").update(name_en="Sokol District (edited)")
    Settlement.objects.filter(name="Кадников").update(latitude=59.6)
    EverydayPhrase.objects.get(phrase="травят").kinds.clear()
    contacts = EmergencyContacts.for_site(Site.objects.get(is_default_site=True))
    contacts.is_demo = False
    contacts.quick_exit_url = "https://example.org/weather"
    contacts.save()
    return {
        "page": page.pk,
        "draft": draft.pk,
        "draft_revision": draft_revision.pk,
        "news": news.pk,
        "phone": phone.pk,
    }


def test_loading_again_keeps_edits_and_reset_restores_the_demo(demo_site):
    edited = edit_everything()
    before = counts()

    call_command("load_demo", verbosity=0)

    assert counts() == before  # nothing duplicated, no page republished
    page = StandardPage.objects.get(pk=edited["page"])
    assert page.title == "Как получить помощь (правка редактора)"
    assert page.live_revision.as_object().title == page.title
    draft = StandardPage.objects.get(pk=edited["draft"])
    assert draft.has_unpublished_changes
    assert draft.latest_revision_id == edited["draft_revision"]
    assert NewsPage.objects.get(pk=edited["news"]).lead == "Лид, исправленный редактором"
    assert Phone.objects.get(pk=edited["phone"]).number == EDITED_NUMBER
    assert District.objects.get(slug="sokolskiy").name_en == "Sokol District (edited)"
    assert Settlement.objects.get(name="Кадников").latitude == 59.6
    assert not EverydayPhrase.objects.get(phrase="травят").kinds.exists()
    contacts = EmergencyContacts.for_site(Site.objects.get(is_default_site=True))
    assert not contacts.is_demo and contacts.quick_exit_url == "https://example.org/weather"

    call_command("load_demo", "--reset", verbosity=0)

    assert StandardPage.objects.get(pk=edited["page"]).title == "Как получить помощь"
    assert not StandardPage.objects.get(pk=edited["draft"]).has_unpublished_changes
    assert NewsPage.objects.get(pk=edited["news"]).lead != "Лид, исправленный редактором"
    sos = Service.objects.get(external_id="demo:sos-vologda", locale__language_code="ru")
    assert EDITED_NUMBER not in [phone.number for phone in sos.phones.all()]
    assert District.objects.get(slug="sokolskiy").name_en == "Sokolsky Okrug"
    assert Settlement.objects.get(name="Кадников").latitude != 59.6
    assert EverydayPhrase.objects.get(phrase="травят").kinds.exists()
    contacts = EmergencyContacts.for_site(Site.objects.get(is_default_site=True))
    assert contacts.is_demo
    after_reset = counts()
    assert {key: after_reset[key] for key in after_reset if key != "revisions"} == {
        key: before[key] for key in before if key != "revisions"
    }


def test_a_missing_demo_object_is_added_again_without_touching_the_rest(demo_site):
    english_safety = StandardPage.objects.get(slug="hide-your-visit", locale__language_code="en")
    english_safety.delete()
    District.objects.filter(slug="tula").update(name_en="")
    revisions = set(Revision.objects.values_list("pk", flat=True))

    call_command("load_demo", verbosity=0)

    again = StandardPage.objects.get(slug="hide-your-visit", locale__language_code="en")
    assert again.live and again.title == "How to hide your visit to this site"
    # Only the re-created page has new revisions: nothing else was republished.
    new = Revision.objects.exclude(pk__in=revisions)
    assert new.exists() and set(new.values_list("object_id", flat=True)) == {str(again.pk)}
    assert District.objects.get(slug="tula").name_en == "Tula"  # a blank new column is filled
