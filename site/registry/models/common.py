"""What every registry model shares: HSDS identifiers, the source-locale filter, slugs."""

from __future__ import annotations

import uuid

from anyascii import anyascii
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import get_supported_language_variant

# Namespace for HSDS identifiers derived from primary keys (stable per database).
HSDS_NAMESPACE = uuid.UUID("6f1d9c1e-3b57-4a52-9a36-2f8e0c5d7b11")


def default_locale_filter() -> dict[str, str]:
    """Kinds and target groups are chosen from the source (Russian) taxonomy only.

    Translated services keep pointing at the same rows (wagtail-localize
    synchronises many-to-many fields), so a filter by ``code`` works in every
    locale and the names are shown through ``TaxonomyQuerySet.localized_map()``.
    """
    return {"locale__language_code": get_supported_language_variant(settings.LANGUAGE_CODE)}


def make_slug(text: str, max_length: int = 200) -> str:
    """`Служба медиации` → `sluzhba-mediatsii`: readable ASCII slugs from Russian names."""
    return slugify(anyascii(text))[:max_length].strip("-") or "service"


class HSDSIdentifiedMixin:
    """A stable UUID for the HSDS API, derived from the model label and primary key."""

    @property
    def hsds_id(self) -> str:
        return str(uuid.uuid5(HSDS_NAMESPACE, f"{self._meta.label_lower}:{self.pk}"))
