"""What makes the page cache (safechildhood.core.pagecache) forget the site's pages.

This app owns the home page, the information pages and the site settings, and is
the base of the page tree: it also watches the Wagtail objects every page shows or
depends on and no app of ours owns (the site and its languages, page privacy,
images and documents).
"""

from __future__ import annotations

from safechildhood.core import pagecache


def connect_page_cache() -> None:
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Locale, PageViewRestriction, Site

    from .models import EmergencyContacts, HomePage, StandardPage

    pagecache.watch_pages((HomePage, StandardPage))
    pagecache.watch_models(
        (
            EmergencyContacts,
            Site,
            Locale,
            PageViewRestriction,
            get_image_model(),
            get_document_model(),
        )
    )
