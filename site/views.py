"""Project-level views that belong to no single app."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Page
from wagtail_localize.views.submit_translations import (
    SubmitPageTranslationView as _SubmitPageTranslationView,
)


@require_GET
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
