"""``/search/``: one search over information pages, news and help services.

Everything is in the URL (``?q=…&type=service&page=2``), so a result list can be
shared and Back works; bad values never give an error page: an unknown type or a
junk page number is ignored with a message, an over-long query is cut and says so.
Editors' pinned results (Wagtail's search promotions) come first on the first page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .engine import TYPES
from .models import record_search
from .promotions import promoted
from .query import SearchRequest
from .site import TYPE_LABELS, search_site

PER_PAGE = 10


def search(request: HttpRequest) -> HttpResponse:
    chosen_type = request.GET.get("type", "").strip()
    messages: list[str] = []
    filters: dict[str, str] = {}
    if chosen_type in TYPES:
        filters["type"] = chosen_type
    elif chosen_type:
        messages.append(_("Такого раздела нет, показаны все результаты."))
        chosen_type = ""
    search_request = SearchRequest.from_input(
        query=request.GET.get("q"),
        page=request.GET.get("page"),
        filters=filters,
        per_page=PER_PAGE,
        messages=messages,
    )
    results = search_site(search_request)
    query = search_request.query
    # Paging through, or narrowing by type, is not a new search.
    first_page = search_request.page == 1 and not chosen_type
    if query and first_page:
        record_search(query, found=results.total > 0)
    context = {
        "search_query": query,
        "results": results,
        "page_obj": results.page_obj,
        "promotions": promoted(query) if query and first_page else [],
        "type_filter": _type_filter(query, chosen_type, results.facets["type"]),
        "chosen_type": chosen_type,
        "chosen_type_label": TYPE_LABELS.get(chosen_type, ""),
    }
    return TemplateResponse(request, "search/search.html", context)


def _type_filter(query: str, chosen: str, counts: dict[str, int]) -> list[dict]:
    """Links «Всё · Службы помощи (3) · Страницы (1) · Новости (2)», the current one marked."""
    if not query:
        return []
    options = [{"label": _("Всё"), "type": "", "count": sum(counts.values())}]
    plural = {"service": _("Службы помощи"), "page": _("Страницы"), "news": _("Новости")}
    options += [{"label": plural[t], "type": t, "count": counts.get(t, 0)} for t in TYPES]
    for option in options:
        params = {"q": query, **({"type": option["type"]} if option["type"] else {})}
        option["url"] = "?" + urlencode(params)
        option["current"] = option["type"] == chosen
    return options
