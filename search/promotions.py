"""Results the editors pinned for a query (Wagtail's search promotions).

Editors pin a page, or any link (a registry service's address, say), for a query
in *Settings → Promoted search results*. Only pages that are live are shown, in
the visitor's language when a translation exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Locale, Page
from wagtail.search.utils import normalise_query_string


@dataclass(frozen=True)
class Promotion:
    title: str
    url: str
    description: str


def promoted(query: str) -> list[Promotion]:
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
