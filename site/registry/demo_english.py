"""The demo registry in English: translations of the demo's services and organisations.

An English visitor sees a service's translation where there is one (``queries.in_language``)
and the Russian entry otherwise. The demo's entries are Russian (``registry.hsds.json``);
``demo_data/registry.en.json`` holds their English: service names as «kind: place»,
whole texts, the organisations by ``external_id`` and the address pattern. From it this
module makes each demo entry's English translation the way an editor's «Translate»
does (``copy_for_translation``: the same translation key, its own phones, places and
holiday notes), under the demo's create-only rule (``safechildhood.core.demo``):
a missing translation is created, an existing one (an editor may have changed it) is
left, ``load_demo --reset`` makes it again. A text the file does not know stays Russian.
"""

from __future__ import annotations

import json
import re
from functools import cached_property
from pathlib import Path

from django.db import transaction
from wagtail.models import Locale

from safechildhood.core import demo

from .models import Organization, Service

MEMORY = Path(__file__).with_name("demo_data") / "registry.en.json"


class Memory:
    """The English of the demo's Russian texts (``registry.en.json``)."""

    def __init__(self, path: Path = MEMORY) -> None:
        self.data = json.loads(path.read_text(encoding="utf-8"))

    @cached_property
    def address_pattern(self) -> re.Pattern:
        return re.compile(self.data["addresses"]["pattern"])

    def text(self, russian: str) -> str:
        return self.data["texts"].get(russian, russian) if russian else russian

    def service_name(self, russian: str) -> str:
        names = self.data["service_names"]
        if russian in names:
            return names[russian]
        kind, _sep, place = russian.rpartition(": ")
        if kind in names:
            return f"{names[kind]}: {self.data['places'].get(place, place)}"
        return russian

    def address(self, russian: str) -> str:
        found = self.address_pattern.match(russian)
        if found is None:
            return russian
        city = self.data["places"].get(found["city"], found["city"])
        return self.data["addresses"]["english"].format(number=found["number"], city=city)

    def languages(self, russian: str) -> str:
        return ", ".join(self.text(item.strip()) for item in russian.split(",") if item.strip())


def _translate_organization(source: Organization, en: Locale, memory: Memory) -> Organization:
    """The organisation's English translation, the existing one or a new one."""
    existing = Organization.objects.filter(translation_key=source.translation_key, locale=en)
    translation = existing.first()
    if translation is not None:
        return translation
    translation = source.copy_for_translation(en)
    english = memory.data["organizations"].get(source.external_id, {})
    translation.name = english.get("name", source.name)
    translation.alternate_name = english.get("alternate_name", source.alternate_name)
    translation.legal_status = memory.text(source.legal_status)
    translation.description = memory.text(source.description)
    for phone in translation.phones.all():
        phone.description = memory.text(phone.description)
    translation.save()
    return translation


def _translate_service(source: Service, en: Locale, memory: Memory) -> Service:
    """A new English translation of `source`, published like the source."""
    translation = source.copy_for_translation(en)
    translation.name = memory.service_name(source.name)
    for field in ("description", "alert", "application_process", "eligibility_description"):
        setattr(translation, field, memory.text(getattr(source, field)))
    for field in ("fees_description", "interpretation_services", "accessibility"):
        setattr(translation, field, memory.text(getattr(source, field)))
    translation.languages = memory.languages(source.languages)
    if source.organization is not None:
        translation.organization = _translate_organization(source.organization, en, memory)
    for phone in translation.phones.all():
        phone.description = memory.text(phone.description)
    for place in translation.locations.all():
        place.name = memory.text(place.name)
        place.address = memory.address(place.address)
        place.transportation = memory.text(place.transportation)
        place.accessibility = memory.text(place.accessibility)
    for exception in translation.schedule_exceptions.all():
        exception.description = memory.text(exception.description)
    translation.save()
    if source.live:
        translation.save_revision().publish()
    return translation


@transaction.atomic
def translate(memory: Memory | None = None) -> int:
    """English translations of the demo services that have none (all under --reset).

    Returns how many were made.
    """
    memory = memory or Memory()
    en = Locale.objects.get_or_create(language_code="en")[0]
    sources = Service.objects.filter(
        is_demo=True, external_id__startswith="demo:", locale=Locale.get_default()
    ).select_related("organization")
    translated = Service.objects.filter(
        locale=en, translation_key__in=sources.values("translation_key")
    )
    if demo.resetting():
        translated.delete()
        Organization.objects.filter(
            locale=en,
            translation_key__in=Organization.objects.filter(
                is_demo=True, external_id__startswith="demo:", locale=Locale.get_default()
            ).values("translation_key"),
        ).delete()
    done = set(translated.values_list("translation_key", flat=True))
    made = 0
    for source in sources.order_by("pk"):
        if source.translation_key not in done:
            _translate_service(source, en, memory)
            made += 1
    return made
