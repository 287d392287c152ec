"""The demo registry in English (issue 12, finding 8): every demo service and organisation
has an English translation, with no Russian left in what the public pages show."""

import re

import pytest

from safechildhood.core import demo as demo_rule
from safechildhood.registry import demo
from safechildhood.registry.models import Organization, Service

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
SERVICE_TEXTS = (
    "name",
    "description",
    "alert",
    "application_process",
    "eligibility_description",
    "fees_description",
    "languages",
)


def russian_left(service: Service) -> list[str]:
    texts = [getattr(service, field) for field in SERVICE_TEXTS]
    texts += [phone.description for phone in service.phones.all()]
    for place in service.locations.all():
        if not place.is_confidential:
            texts += [place.name, place.address, place.transportation, place.accessibility]
    texts += [exception.description for exception in service.schedule_exceptions.all()]
    org = service.organization
    texts += [org.name, org.alternate_name, org.legal_status, org.description]
    texts += [phone.description for phone in org.phones.all()]
    return [text for text in texts if CYRILLIC.search(text or "")]


def test_every_demo_service_has_an_english_translation_in_english(demo_site):
    russian = Service.objects.filter(external_id__startswith="demo:", locale__language_code="ru")
    english = (
        Service.objects.filter(external_id__startswith="demo:", locale__language_code="en")
        .select_related("organization")
        .prefetch_related("phones", "locations", "schedule_exceptions", "organization__phones")
    )
    assert {s.translation_key for s in english} == {s.translation_key for s in russian}
    for service in english:
        assert service.live and service.organization.locale.language_code == "en", service.name
        assert not russian_left(service), (service.name, russian_left(service))
    sos = english.get(external_id="demo:sos-vologda")
    assert sos.name == "SOS special support service: Vologda"
    assert [p.description for p in sos.phones.all()] == ["", "mobile of the specialist on duty"]


def test_an_edited_translation_is_kept_and_reset_makes_it_again(demo_site):
    counts = Service.objects.count(), Organization.objects.count()
    english = Service.objects.get(external_id="demo:sos-vologda", locale__language_code="en")
    english.description = "Edited by an editor"
    english.save()
    demo.load()
    assert Service.objects.get(pk=english.pk).description == "Edited by an editor"
    assert (Service.objects.count(), Organization.objects.count()) == counts
    with demo_rule.loading(reset=True):
        demo.load()
    again = Service.objects.get(external_id="demo:sos-vologda", locale__language_code="en")
    assert again.description.startswith("An emergency response service")
    assert (Service.objects.count(), Organization.objects.count()) == counts
