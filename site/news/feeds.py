"""RSS 2.0 and Atom 1.0 feeds of a news index (Django's syndication framework).

Served by the index page's routes ``rss/`` and ``atom/``, so every language has
its own feed; the index's filters (``?tag=…&district=…``) give a feed per topic or
district. Unknown filters are a 404, like on the index.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from .listing import NewsListing, live_news, news_listing
from .models import NewsIndexPage, NewsPage

FEED_LENGTH = 20


@dataclass
class FeedSource:
    index: NewsIndexPage
    listing: NewsListing
    request: HttpRequest


class NewsRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def __call__(self, request: HttpRequest, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "public, max-age=900"
        return response

    def get_object(self, request: HttpRequest, index: NewsIndexPage) -> FeedSource:
        # The feed follows the index's filters but not its pages.
        if "page" in request.GET:
            raise Http404
        listing = news_listing(index, request, paginate=False)
        if listing.status != 200:
            raise Http404(listing.problem)
        self.request = request
        return FeedSource(index=index, listing=listing, request=request)

    def title(self, source: FeedSource) -> str:
        parts = [source.index.title]
        listing = source.listing
        if listing.tag:
            parts.append(listing.tag.name)
        if listing.district:
            parts.append(listing.district.name)
        if listing.year:
            parts.append(str(listing.year))
        parts.append(_("Безопасное детство"))
        return " — ".join(parts)

    def link(self, source: FeedSource) -> str:
        url = source.index.get_full_url(source.request) or "/"
        return f"{url}?{source.listing.query}" if source.listing.query else url

    def description(self, source: FeedSource) -> str:
        return source.index.introduction or _(
            "Новости о помощи детям и семьям: службы, программы, события"
        )

    def feed_url(self, source: FeedSource) -> str:
        return source.request.build_absolute_uri()

    def items(self, source: FeedSource) -> list[NewsPage]:
        news = source.listing.apply(live_news(source.index))
        return list(news.defer_streamfields().prefetch_related("tagged_items__tag")[:FEED_LENGTH])

    def item_title(self, item: NewsPage) -> str:
        return item.title

    def item_description(self, item: NewsPage) -> str:
        return item.lead

    def item_link(self, item: NewsPage) -> str:
        return item.get_full_url(getattr(self, "request", None)) or "/"

    def item_guid(self, item: NewsPage) -> str:
        return self.item_link(item)

    def item_pubdate(self, item: NewsPage):
        return item.published_datetime

    def item_updateddate(self, item: NewsPage):
        return item.last_published_at or item.published_datetime

    def item_categories(self, item: NewsPage) -> list[str]:
        return [tag.name for tag in item.topic_tags]


class NewsAtomFeed(NewsRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, source: FeedSource) -> str:
        return self.description(source)
