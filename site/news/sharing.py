"""Open Graph, Twitter card and schema.org data for a news article.

Built in Python so that templates only print values, and so that every URL is
absolute (social networks and search engines need them so).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import to_locale

from .models import SHARE_RENDITION, NewsPage

# The characters json_script escapes, so that a title cannot close the <script> element.
OG_LOCALES = {"ru": "ru_RU", "en": "en_GB"}
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: dict[str, Any]) -> SafeString:
    """JSON for a ``<script type="application/ld+json">`` element, safe inside HTML."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308


def share_meta(page: NewsPage, request: HttpRequest) -> dict[str, Any]:
    url = page.get_full_url(request) or request.build_absolute_uri()
    description = page.search_description or page.lead
    title = page.seo_title or page.title
    image = None
    if page.cover_image:
        rendition = page.cover_image.get_rendition(SHARE_RENDITION)
        image = {
            "url": urljoin(url, rendition.url),
            "width": rendition.width,
            "height": rendition.height,
            "alt": page.cover_alt_text,
        }
    tags = [tag.name for tag in page.tags.all()]
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title[:110],
        "description": description,
        "datePublished": page.published_datetime.isoformat(),
        "inLanguage": page.locale.language_code,
        "mainEntityOfPage": url,
        "publisher": {"@type": "Organization", "name": settings.WAGTAIL_SITE_NAME},
    }
    if page.last_published_at:
        article["dateModified"] = page.last_published_at.isoformat()
    if image:
        article["image"] = [image["url"]]
    if tags:
        article["keywords"] = tags
    return {
        "url": url,
        "title": title,
        "description": description,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "locale": OG_LOCALES.get(page.locale.language_code) or to_locale(page.locale.language_code),
        "published": page.published_datetime,
        "tags": tags,
        "image": image,
        "json_ld": json_ld(article),
    }
