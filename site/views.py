"""Project-level views that belong to no single app."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from wagtail.models import Page, Site
from wagtail_localize.views.submit_translations import (
    SubmitPageTranslationView as _SubmitPageTranslationView,
)

from .core.localization import active_locale, in_active_locale


@require_safe
@cache_control(max_age=3600, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Let crawlers index public pages, keep them out of the admin and search results."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /en/search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


class SubmitPageTranslationView(_SubmitPageTranslationView):
    """wagtail-localize's «Translate page», for people who may edit the page only.

    Its own view checks the global ``submit_translation`` permission alone, which
    the registry editors hold to translate services: without this they could
    create (and so publish the missing parents of) English pages. Mounted in
    ``urls.py`` in front of the admin's URLs, at the same address.
    """

    def dispatch(self, request, *args, **kwargs):
        page = get_object_or_404(Page, id=kwargs["page_id"])
        if not page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


@dataclass
class SiteMapNode:
    title: str
    url: str
    children: list[SiteMapNode] = field(default_factory=list)


def page_tree(request: HttpRequest) -> list[SiteMapNode]:
    """The live, public pages of the visitor's language, nested as in the page tree."""
    site = Site.find_for_request(request) or Site.objects.get(is_default_site=True)
    root = in_active_locale(site.root_page, active_locale(request))
    pages = root.get_descendants(inclusive=True).live().public().order_by("path")
    nodes: dict[str, SiteMapNode] = {}
    top: list[SiteMapNode] = []
    for page in pages:
        node = SiteMapNode(page.title, page.get_url(request) or "")
        parent = nodes.get(page.path[: -Page.steplen])
        (parent.children if parent else top).append(node)
        nodes[page.path] = node
    return top


# The services that are views rather than pages: a person looking for them must find them.
SERVICE_LINKS = (
    (_("Найти помощь рядом"), "registry:index"),
    (_("Выбрать свой район"), "registry:district_list"),
    (_("Сообщить о проблеме"), "requests:start"),
    (_("Попросить помощи для своей семьи"), "requests:family"),
    (_("Ответ на сообщение"), "requests:status"),
    (_("Поиск по сайту"), "search"),
)


@require_safe
def site_map(request: HttpRequest) -> HttpResponse:
    """«Карта сайта» for people (the footer's link); sitemap.xml is for search engines."""
    context = {
        "pages": page_tree(request),
        "services": [SiteMapNode(str(title), reverse(name)) for title, name in SERVICE_LINKS],
    }
    return TemplateResponse(request, "site_map.html", context)
