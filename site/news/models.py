"""News: an index page under the home page and the articles beneath it.

Editors write articles in the page tree, so they get Wagtail's drafts,
revisions with compare, preview, scheduled publishing, the moderation workflow
«Модерация новостей» (see migration 0002) and wagtail-localize translation
without any code of ours. This module adds what a visitor needs: filters,
feeds, related news, and queries whose number does not grow with the news.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from safechildhood.core.pagecache import VisitorCachedPage

from .blocks import NewsBodyBlock

# Rendition filter specs, named once so that listings can prefetch exactly these.
CARD_RENDITIONS = ("fill-400x225", "fill-800x450")
ARTICLE_RENDITIONS = ("width-800", "width-1600")
SHARE_RENDITION = "fill-1200x630"


class NewsPageTag(TaggedItemBase):
    """Topic tags of news articles («медиация», «SOS-служба»…)."""

    content_object = ParentalKey(
        "news.NewsPage", related_name="tagged_items", on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = _("Тема новости")
        verbose_name_plural = _("Темы новостей")


class NewsIndexPage(VisitorCachedPage, RoutablePageMixin, Page):
    """«Новости»: newest first, filtered by topic, district and year; RSS and Atom feeds."""

    introduction = models.TextField(_("Вступление"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsPage"]
    max_count_per_parent = 1

    PER_PAGE = 10
    # The filters of the index and of its feeds (listing.py): the page cache keys on them.
    page_cache_parameters = ("tag", "district", "year", "page")

    class Meta:
        verbose_name = _("Раздел новостей")

    @path("")
    def index_route(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        from .listing import news_listing

        listing = news_listing(self, request)
        response = self.render(
            request,
            context_overrides={"listing": listing, "feed_urls": self.feed_urls(listing.query)},
        )
        response.status_code = listing.status
        return response

    @path("rss/", name="rss")
    def rss_feed(self, request: HttpRequest) -> HttpResponse:
        from .feeds import NewsRssFeed

        return NewsRssFeed()(request, index=self)

    @path("atom/", name="atom")
    def atom_feed(self, request: HttpRequest) -> HttpResponse:
        from .feeds import NewsAtomFeed

        return NewsAtomFeed()(request, index=self)

    def feed_urls(self, query: str = "") -> dict[str, str]:
        """Relative URLs of this index's feeds, keeping the visitor's filters."""
        base = self.url or ""
        suffix = f"?{query}" if query else ""
        return {
            "rss": base + self.reverse_subpage("rss") + suffix,
            "atom": base + self.reverse_subpage("atom") + suffix,
        }


class NewsPage(VisitorCachedPage, Page):
    """A news article: date, lead, cover, body, topics and districts."""

    date = models.DateField(_("Дата новости"), default=timezone.localdate)
    lead = models.TextField(
        _("Анонс"),
        max_length=600,
        help_text=_("Одно-два предложения: о чём новость. Показывается в списке и в соцсетях"),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Обложка"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover_alt = models.CharField(
        _("Описание обложки для незрячих"),
        max_length=250,
        blank=True,
        help_text=_("Что изображено. Обязательно, если у изображения в библиотеке нет описания"),
    )
    body = StreamField(NewsBodyBlock(), blank=True, verbose_name=_("Текст новости"))
    tags = ClusterTaggableManager(
        verbose_name=_("Темы"),
        through=NewsPageTag,
        blank=True,
        help_text=_("Например: медиация, буллинг, SOS-служба"),
    )
    districts = ParentalManyToManyField(
        "registry.District",
        verbose_name=_("Районы"),
        blank=True,
        related_name="news_pages",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("lead"),
        MultiFieldPanel([FieldPanel("cover_image"), FieldPanel("cover_alt")], heading=_("Обложка")),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("tags"), FieldPanel("districts", widget=forms.CheckboxSelectMultiple)],
            heading=_("Темы и районы"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        # The summary editors write for search («мета-описание»), as the
        # Elasticsearch document holds it.
        index.SearchField("search_description"),
        index.SearchField("lead"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("date"),
    ]

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("Новость")
        verbose_name_plural = _("Новости")
        # The index's order (newest first, stable within a day) read straight from an index.
        indexes = [models.Index(fields=["date", "page_ptr"], name="news_date_page_idx")]

    def clean(self) -> None:
        super().clean()
        self.cover_alt = self.cover_alt.strip()
        if self.cover_image_id and not self.cover_alt:
            description = getattr(self.cover_image, "description", "") or ""
            if not description.strip():
                raise ValidationError(
                    {
                        "cover_alt": _(
                            "Опишите, что изображено на обложке: это читают незрячие "
                            "посетители. Или уберите обложку."
                        )
                    }
                )

    @property
    def cover_alt_text(self) -> str:
        """The alt text: this page's own, else the image's description in the library."""
        if self.cover_alt:
            return self.cover_alt
        return getattr(self.cover_image, "description", "") if self.cover_image_id else ""

    @property
    def topic_tags(self) -> list:
        """Tags through the prefetched ``tagged_items`` (no query in listings)."""
        return [item.tag for item in self.tagged_items.all()]

    @property
    def published_datetime(self) -> dt.datetime:
        """The news date as an aware datetime (feeds, Open Graph): its first publication
        time when that was on the same day, else the start of the day in the site's zone."""
        first = self.first_published_at
        if first and timezone.localtime(first).date() == self.date:
            return first
        return timezone.make_aware(dt.datetime.combine(self.date, dt.time.min))

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict[str, Any]:
        from .listing import related_news
        from .sharing import share_meta

        context = super().get_context(request, *args, **kwargs)
        context["related_news"] = related_news(self)
        parent = self.get_parent() if self.path else None  # a new page's preview has no path
        index_page = parent.specific if parent else None
        if isinstance(index_page, NewsIndexPage):
            context["news_index"] = index_page
            context["feed_urls"] = index_page.feed_urls()
        context["share"] = share_meta(self, request)
        return context
