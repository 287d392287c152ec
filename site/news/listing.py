"""Queries behind every list of news: the index with its filters, related news,
the home page's latest news and the feeds.

Each list costs the same number of SQL queries whatever the number of news:
cover images come with ``select_related``, their renditions and the tags with
one prefetch each (tested in tests/news/test_queries.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from taggit.models import Tag
from wagtail.images import get_image_model

from safechildhood.core.versioned_cache import VersionedCache
from safechildhood.registry.models import District

from .models import CARD_RENDITIONS, NewsIndexPage, NewsPage, NewsPageTag

RELATED_LIMIT = 3
LATEST_LIMIT = 3
MAX_PAGE = 100_000


class NumberField(forms.IntegerField):
    """A number in the query string; blank («?page=+», a space) is no number, as a blank
    tag or district is no filter (Django's IntegerField refuses spaces)."""

    def to_python(self, value):
        return super().to_python(value.strip() if isinstance(value, str) else value)


class NewsFilterForm(forms.Form):
    """The index's query string. Anything that does not fit is refused before any query."""

    tag = forms.SlugField(required=False, allow_unicode=True, max_length=100)
    district = forms.SlugField(required=False, max_length=200)
    year = NumberField(required=False, min_value=1900, max_value=2999)
    page = NumberField(required=False, min_value=1, max_value=MAX_PAGE)


def live_news(index: NewsIndexPage) -> QuerySet[NewsPage]:
    """Published, public articles of one index (its language), newest first."""
    return NewsPage.objects.child_of(index).live().public().order_by("-date", "-pk")


def with_card_data(queryset: QuerySet[NewsPage], renditions=CARD_RENDITIONS) -> QuerySet:
    """What a news card shows, fetched in a constant number of queries."""
    rendition_model = get_image_model().get_rendition_model()
    return (
        queryset.defer_streamfields()
        .select_related("cover_image")
        .prefetch_related(
            Prefetch("tagged_items", queryset=NewsPageTag.objects.select_related("tag")),
            Prefetch(
                "cover_image__renditions",
                queryset=rendition_model.objects.filter(filter_spec__in=renditions),
                to_attr="prefetched_renditions",
            ),
        )
    )


@dataclass(frozen=True)
class Option:
    """A choice in a filter: a topic or a district (slug in the URL, name on screen)."""

    slug: str
    name: str


@dataclass(frozen=True)
class FilterOptions:
    tags: list[Option]
    districts: list[Option]
    years: list[int]


# Cached until any news, topic or district changes (FILTER_OPTIONS.changed, connected in
# apps.py).
FILTER_OPTIONS = VersionedCache("news:filter-options")


def filter_options(index: NewsIndexPage, news: QuerySet[NewsPage]) -> FilterOptions:
    """Topics, districts and years that have news in this index.

    Three DISTINCT queries over all the index's news: cheap for a few hundred,
    not for thousands, so they are cached (``FILTER_OPTIONS``).
    """

    language = index.locale.language_code  # each index is one language: names in it

    def compute() -> FilterOptions:
        ids = news.values("pk")
        return FilterOptions(
            tags=[
                Option(slug, name)
                for slug, name in Tag.objects.filter(news_newspagetag_items__content_object__in=ids)
                .distinct()
                .order_by("name")
                .values_list("slug", "name")
            ],
            districts=[
                Option(district.slug, district.translated("name", language))
                for district in District.objects.filter(news_pages__in=ids)
                .distinct()
                .order_by("name")
                .only("slug", "name", "name_en")
            ],
            years=[day.year for day in news.dates("date", "year", order="DESC")],
        )

    return FILTER_OPTIONS.get(str(index.pk), compute)


@dataclass
class NewsListing:
    """Everything the index template shows, and the HTTP status to answer with."""

    page_obj: Page | None = None
    tags: list[Option] = field(default_factory=list)
    districts: list[Option] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    tag: Option | None = None
    district: Option | None = None
    year: int | None = None
    problem: str = ""
    status: int = 200

    @property
    def is_filtered(self) -> bool:
        return bool(self.tag or self.district or self.year)

    @property
    def query(self) -> str:
        """The chosen filters as a query string (for feeds), without the page number."""
        pairs = [
            ("tag", self.tag.slug if self.tag else ""),
            ("district", self.district.slug if self.district else ""),
            ("year", self.year or ""),
        ]
        return urlencode([(key, value) for key, value in pairs if value])

    def apply(self, news: QuerySet[NewsPage]) -> QuerySet[NewsPage]:
        """Narrow `news` to the chosen topic, district and year."""
        if self.tag:
            news = news.filter(tagged_items__tag__slug=self.tag.slug)
        if self.district:
            news = news.filter(districts__slug=self.district.slug)
        if self.year:
            news = news.filter(date__year=self.year)
        return news


def _short(value: str) -> str:
    return Truncator(value).chars(40)


def news_listing(index: NewsIndexPage, request: HttpRequest, paginate: bool = True) -> NewsListing:
    """Filter and paginate an index's news; unknown filters or pages give a helpful 404."""
    news = live_news(index)
    options = filter_options(index, news)
    listing = NewsListing(tags=options.tags, districts=options.districts, years=options.years)
    form = NewsFilterForm(request.GET)
    if not form.is_valid():
        return _refuse(listing, _("Такого фильтра нет. Выберите тему, район или год из списка."))
    data = form.cleaned_data

    if data["tag"]:
        listing.tag = next((t for t in listing.tags if t.slug == data["tag"]), None)
        if listing.tag is None:
            return _refuse(
                listing, _("Новостей на тему «%(tag)s» нет.") % {"tag": _short(data["tag"])}
            )
    if data["district"]:
        listing.district = next((d for d in listing.districts if d.slug == data["district"]), None)
        if listing.district is None:
            return _refuse(listing, _("Новостей об этом районе нет."))
    if data["year"]:
        if data["year"] not in listing.years:
            return _refuse(listing, _("Новостей за %(year)s год нет.") % {"year": data["year"]})
        listing.year = data["year"]
    if not paginate:
        return listing

    # Paginate over primary keys, then fetch the page's cards: sorting thousands of
    # narrow rows is several times faster than sorting them with every column.
    paginator = Paginator(listing.apply(news).values_list("pk", flat=True), NewsIndexPage.PER_PAGE)
    try:
        listing.page_obj = paginator.page(data["page"] or 1)
    except (EmptyPage, PageNotAnInteger):
        return _refuse(
            listing,
            _("Такой страницы нет: в списке %(count)s стр.") % {"count": paginator.num_pages},
        )
    ids = list(listing.page_obj.object_list)
    cards = {page.pk: page for page in with_card_data(NewsPage.objects.filter(pk__in=ids))}
    listing.page_obj.object_list = [cards[pk] for pk in ids if pk in cards]
    return listing


def _refuse(listing: NewsListing, problem: str) -> NewsListing:
    listing.problem = problem
    listing.status = 404
    listing.tag = listing.district = listing.year = None
    return listing


def related_news(page: NewsPage, limit: int = RELATED_LIMIT) -> list[NewsPage]:
    """Newest articles in the same language sharing a topic or a district (one query + prefetch)."""
    if page.pk is None:
        return []
    through = NewsPage.districts.through
    same_topic = NewsPageTag.objects.filter(
        tag_id__in=NewsPageTag.objects.filter(content_object_id=page.pk).values("tag_id")
    ).values("content_object_id")
    same_district = through.objects.filter(
        district_id__in=through.objects.filter(newspage_id=page.pk).values("district_id")
    ).values("newspage_id")
    related = (
        NewsPage.objects.live()
        .public()
        .filter(locale_id=page.locale_id)
        .filter(Q(pk__in=same_topic) | Q(pk__in=same_district))
        .exclude(pk=page.pk)
        .order_by("-date", "-pk")
    )
    return list(with_card_data(related)[:limit])


@dataclass
class LatestNews:
    items: list[NewsPage]
    index: NewsIndexPage | None

    def __bool__(self) -> bool:
        return bool(self.items)

    @property
    def feed_urls(self) -> dict[str, str]:
        return self.index.feed_urls() if self.index else {}


def latest_news(home, limit: int = LATEST_LIMIT) -> LatestNews:
    """The newest articles under a home page (its language) and the index to see them all.

    A compact list (title, date, lead) that costs three queries: the home page is
    the emergency page and must stay light (tests/home/test_queries.py).
    """
    index = NewsIndexPage.objects.child_of(home).live().first()
    if index is None:
        return LatestNews(items=[], index=None)
    return LatestNews(items=list(live_news(index).defer_streamfields()[:limit]), index=index)
