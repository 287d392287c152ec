"""Site-wide search page.

For now it searches live pages of the visitor's language with Wagtail's search
backend (PostgreSQL full text with the Russian configuration, or SQLite FTS). The
registry and news join it in their own issues.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.contrib.search_promotions.models import Query
from wagtail.models import Locale, Page

MAX_QUERY_LENGTH = 200
PER_PAGE = 10


def search(request: HttpRequest) -> HttpResponse:
    raw_query = request.GET.get("q", "")
    query = " ".join(raw_query.split())[:MAX_QUERY_LENGTH]
    messages: list[str] = []
    if len(" ".join(raw_query.split())) > MAX_QUERY_LENGTH:
        messages.append(
            _("Запрос слишком длинный, поэтому искали по первым %(n)d символам.")
            % {"n": MAX_QUERY_LENGTH}
        )

    results_page = None
    if query:
        pages = Page.objects.live().public().filter(locale=Locale.get_active()).specific()
        results = pages.search(query)
        Query.get(query).add_hit()
        paginator = Paginator(results, PER_PAGE)
        try:
            results_page = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            results_page = paginator.page(1)
        except EmptyPage:
            results_page = paginator.page(paginator.num_pages)

    return TemplateResponse(
        request,
        "search/search.html",
        {"search_query": query, "search_results": results_page, "search_messages": messages},
    )
