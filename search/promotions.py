"""Links shown before the results: what the visitor wants to *do*, then what editors pinned.

**Intents** (:class:`Intent`): an app declares something a visitor may want to do
that no search result is, with the phrases that say so («сообщить», «анонимно»:
the report form, declared by the requests app in its ``search_source`` module).
When the query holds every word of one of the phrases (compared as stems, «ё» as
«е», in any order, stop words included), its link comes first.

**Editors' picks** (Wagtail's search promotions): editors pin a page, or any link
(a registry service's address, say), for a query in *Settings → Promoted search
results*. Only pages that are live are shown, in the visitor's language when a
translation exists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Locale, Page
from wagtail.search.utils import normalise_query_string

from .stemming import query_stems


@dataclass(frozen=True)
class Promotion:
    title: str
    url: str
    description: str


@dataclass(frozen=True)
class Intent:
    """Something a visitor may want to do, the link that does it and the phrases that
    say so. ``title`` and ``description`` may be lazy translations; ``url`` is called
    when the link is shown (a ``reverse`` in the visitor's language)."""

    key: str
    title: Any
    url: Callable[[], str]
    phrases: Sequence[str]
    description: Any = ""

    def wanted(self, stems: set[str]) -> bool:
        """Whether the query's `stems` hold every word of one of the phrases (stop
        words too: «куда написать» is not «написали»)."""
        return any(set(query_stems(phrase, stop_words=True)) <= stems for phrase in self.phrases)


_intents: dict[str, Intent] = {}


def register_intent(intent: Intent) -> Intent:
    """Declare `intent` (from the app's ``search_source`` module); the same key replaces it."""
    _intents[intent.key] = intent
    return intent


def unregister_intent(key: str) -> None:
    _intents.pop(key, None)


def intended(query: str) -> list[Promotion]:
    """The links of the intents `query` says (no query to the database)."""
    stems = set(query_stems(query, stop_words=True))
    if not stems:
        return []
    return [
        Promotion(str(intent.title), intent.url(), str(intent.description))
        for intent in _intents.values()
        if intent.wanted(stems)
    ]


def promoted(query: str) -> list[Promotion]:
    """What the visitor wants to do (:func:`intended`), then the editors' picks for
    `query`, each address once."""
    found = intended(query)
    urls = {promotion.url for promotion in found}
    return found + [pick for pick in picked(query) if pick.url not in urls]


def picked(query: str) -> list[Promotion]:
    """The pinned results for `query`, in the editors' order (two queries at most)."""
    picks = list(
        SearchPromotion.objects.filter(query__query_string=normalise_query_string(query))
        .filter(Q(page__isnull=True) | Q(page__live=True))
        .select_related("page")
        .order_by("sort_order", "pk")
    )
    if not picks:
        return []
    pages = _in_active_locale([pick.page for pick in picks if pick.page_id])
    found = []
    for pick in picks:
        if pick.page_id:
            page = pages.get(pick.page.translation_key, pick.page)
            found.append(Promotion(page.title, page.url or "", pick.description))
        elif pick.external_link_url:
            title = pick.external_link_text or pick.external_link_url
            found.append(Promotion(title, pick.external_link_url, pick.description))
    return [promotion for promotion in found if promotion.url]


def _in_active_locale(pages: list[Page]) -> dict:
    """``{translation_key: live page in the visitor's locale}`` in one query."""
    if not pages:
        return {}
    keys = [page.translation_key for page in pages]
    rows = Page.objects.live().filter(translation_key__in=keys, locale=Locale.get_active())
    return {page.translation_key: page for page in rows}
