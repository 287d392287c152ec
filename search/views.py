"""``/search/``: one search over every registered source (pages, news, help services…).

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

from .models import record_search
from .promotions import promoted
from .query import SearchRequest
from .site import search_site
from .sources import get_source, source_keys, sources

PER_PAGE = 10


def search(request: HttpRequest) -> HttpResponse:
    chosen_type = request.GET.get("type", "").strip()
    messages: list[str] = []
    filters: dict[str, str] = {}
    if chosen_type in source_keys():
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
        "chosen_type_label": get_source(chosen_type).label if chosen_type else "",
    }
    return TemplateResponse(request, "search/search.html", context)


def _type_filter(query: str, chosen: str, counts: dict[str, int]) -> list[dict]:
    """Links «Всё · Службы помощи (3) · Страницы (1) · Новости (2)», the current one marked."""
    if not query:
        return []
    options = [{"label": _("Всё"), "type": "", "count": sum(counts.values())}]
    options += [
        {"label": source.plural, "type": source.key, "count": counts.get(source.key, 0)}
        for source in sources()
    ]
    for option in options:
        params = {"q": query, **({"type": option["type"]} if option["type"] else {})}
        option["url"] = "?" + urlencode(params)
        option["current"] = option["type"] == chosen
    return options
