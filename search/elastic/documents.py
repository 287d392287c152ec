"""What the index holds: one document per page, news article and service, per language.

Every document has the same few fields (see :class:`SearchDocument`): the site-wide
search ranks pages, news and services together, so they share ``title`` and
``body``, and the type, kinds and districts are keywords to filter and boost on.
Ids are ``"{type}-{pk}"``: a page and a service with the same primary key never
collide.

Privacy rule (tested): a service's document is built from public-safe data only.
Its places contribute their district (name, region, slug) and nothing else: no
address, postal code, coordinates, transport or accessibility notes, not even a
place's name, whether the place is confidential or not. The service page shows
public addresses; the index does not need them and cannot leak what it never held.

Analysis is per language, under one analyzer name (``site_text``) so the mapping is
the same everywhere: Russian folds ё into е, drops Russian stop words and stems with
Elasticsearch's ``russian`` stemmer («травли» → «травл», like «травля»); English is
Elasticsearch's ``english`` analyzer, rebuilt under that name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import override
from elasticsearch_dsl import (
    Boolean,
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    MetaField,
    Text,
    analyzer,
    char_filter,
    token_filter,
)
from wagtail import blocks
from wagtail.blocks.field_block import BaseChoiceBlock
from wagtail.images.blocks import ImageBlock
from wagtail.models import Locale, Page

from search.engine import TYPE_NEWS, TYPE_PAGE, TYPE_SERVICE

from .connection import index_alias

ANALYZER = "site_text"

# --- analysis -----------------------------------------------------------------------------

# Visitors rarely type ё; editors sometimes do. Folded before tokenizing, both sides.
YO_FOLDING = char_filter("yo_folding", "mapping", mappings=["ё => е", "Ё => Е"])
RUSSIAN_STOP = token_filter("russian_stop", "stop", stopwords="_russian_")
RUSSIAN_STEMMER = token_filter("russian_stemmer", "stemmer", language="russian")
RUSSIAN_TEXT = analyzer(
    ANALYZER,
    tokenizer="standard",
    char_filter=[YO_FOLDING],
    filter=["lowercase", RUSSIAN_STOP, RUSSIAN_STEMMER],
)

# Elasticsearch's `english` analyzer, rebuilt so that it can carry the shared name.
ENGLISH_TEXT = analyzer(
    ANALYZER,
    tokenizer="standard",
    filter=[
        token_filter("english_possessive_stemmer", "stemmer", language="possessive_english"),
        "lowercase",
        token_filter("english_stop", "stop", stopwords="_english_"),
        token_filter("english_stemmer", "stemmer", language="english"),
    ],
)

ANALYZERS = {"ru": RUSSIAN_TEXT, "en": ENGLISH_TEXT}


def analyzer_for(language: str):
    """The language's analyzer; Russian for a language without one (the source content)."""
    return ANALYZERS.get(language, RUSSIAN_TEXT)


class SearchDocument(Document):
    """A page, a news article or a service, as the site-wide search sees it.

    ``dynamic: strict``: a field not declared here is refused, so nothing slips into
    the index by accident (a location's address, say).
    """

    type = Keyword()
    pk = Integer()
    title = Text(analyzer=ANALYZER)
    body = Text(analyzer=ANALYZER)
    kinds = Keyword()
    districts = Keyword()
    date = Date()
    is_24_7 = Boolean()
    url = Keyword(index=False, doc_values=False)

    class Meta:
        dynamic = MetaField("strict")


def index_definition(language: str, name: str | None = None) -> Index:
    """Settings and mappings of `language`'s index (named `name`, default its alias).

    One shard: the corpus is small, and one shard gives exact counts and the same
    scores on every request.
    """
    index = Index(name or index_alias(language))
    index.settings(number_of_shards=1)
    index.analyzer(analyzer_for(language))
    index.mapping(SearchDocument._doc_type.mapping)
    return index


# --- text of StreamFields -----------------------------------------------------------------


def stream_text(block: blocks.Block, value: Any) -> list[str]:
    """The words of a StreamField value, as Wagtail's ``get_searchable_content``,
    without choice labels: a heading's «Заголовок раздела (h2)» is not content, and
    indexing it made every page with a heading match «заголовок»."""
    if value is None or not getattr(block, "search_index", True):
        return []
    if isinstance(block, BaseChoiceBlock):
        return []
    if isinstance(block, blocks.StreamBlock):
        return [text for child in value for text in stream_text(child.block, child.value)]
    if isinstance(block, blocks.ListBlock):
        return [text for item in value for text in stream_text(block.child_block, item)]
    # ImageBlock is a StructBlock whose value is an image: its own method gives the alt text.
    is_struct = isinstance(block, blocks.StructBlock) and not isinstance(block, ImageBlock)
    if is_struct and isinstance(value, Mapping):
        return [
            text
            for name, child in block.child_blocks.items()
            for text in stream_text(child, value.get(name))
        ]
    return [str(text) for text in block.get_searchable_content(value) if text]


def field_text(obj: Any, field_name: str) -> list[str]:
    """The searchable text of a StreamField of `obj`."""
    value = getattr(obj, field_name)
    return stream_text(value.stream_block, value)


def join(parts: Iterable[str | None]) -> str:
    """Non-empty parts, once each, one per line (so highlight fragments do not run across)."""
    seen = dict.fromkeys(" ".join(str(part).split()) for part in parts if part)
    return "\n".join(part for part in seen if part)


def document_id(type_: str, pk: int) -> str:
    return f"{type_}-{pk}"


def _url(obj: Any, language: str) -> str:
    try:
        with override(language):
            return (obj.get_url() if isinstance(obj, Page) else obj.get_absolute_url()) or ""
    except Exception:  # no site, no URL pattern: the caller builds URLs itself anyway
        return ""


def _document(type_: str, obj: Any, language: str, **fields: Any) -> SearchDocument:
    return SearchDocument(
        meta={"id": document_id(type_, obj.pk), "index": index_alias(language)},
        type=type_,
        pk=obj.pk,
        url=_url(obj, language),
        **fields,
    )


def language_of(obj: Any) -> str:
    """The language of a page or service (its own locale)."""
    return obj.locale.language_code


# --- pages and news -----------------------------------------------------------------------


def page_document(page: Any) -> SearchDocument:
    """An information page (``StandardPage``): title; introduction and body as text."""
    language = language_of(page)
    body = join([page.search_description, page.introduction, *field_text(page, "body")])
    return _document(TYPE_PAGE, page, language, title=page.title, body=body)


def news_document(page: Any) -> SearchDocument:
    """A news article: lead, body, topics and district names as text; date and districts."""
    language = language_of(page)
    districts = list(page.districts.all())
    tags = [item.tag.name for item in page.tagged_items.all()]
    body = join(
        [
            page.search_description,
            page.lead,
            *field_text(page, "body"),
            *tags,
            *[district.name for district in districts],
        ]
    )
    return _document(
        TYPE_NEWS,
        page,
        language,
        title=page.title,
        body=body,
        date=page.date,
        districts=sorted({district.slug for district in districts}),
    )


# --- services -----------------------------------------------------------------------------


def service_prefetch() -> list[Any]:
    """What :func:`service_document` reads, for ``prefetch_related`` (no query per service)."""
    from safechildhood.registry.models import Location, ServiceArea

    return [
        "kinds",
        "target_groups",
        Prefetch("locations", Location.objects.select_related("district")),
        Prefetch("service_areas", ServiceArea.objects.select_related("district")),
    ]


def taxonomy_maps(language: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``({kind code: term}, {group code: term})`` in `language` (two small queries)."""
    from safechildhood.registry.models import ServiceKind, TargetGroup

    locale = Locale.objects.filter(language_code=language).first() or Locale.get_default()
    return ServiceKind.objects.localized_map(locale), TargetGroup.objects.localized_map(locale)


def _term_text(terms: Iterable[Any], localized: Mapping[str, Any]) -> list[str]:
    texts: list[str] = []
    for term in terms:
        shown = localized.get(term.code, term)
        texts += [shown.name, shown.keywords, term.keywords]
    return texts


def service_document(
    service: Any,
    language: str | None = None,
    *,
    kinds_map: Mapping[str, Any] | None = None,
    groups_map: Mapping[str, Any] | None = None,
) -> SearchDocument:
    """A service in `language`'s index (default its own; an untranslated Russian entry
    also stands in for its English translation, see ``search.services.in_language``).

    Text: alternate name, description, who may apply, how to apply, the alert, the
    organisation, the kinds' and target groups' names and search keywords (editors
    keep the word forms there: «травля травли буллинг»), and the districts' names and
    regions (``Service.district_names``). Of the places, only their districts.
    """
    language = language or language_of(service)
    if kinds_map is None or groups_map is None:
        kinds_map, groups_map = taxonomy_maps(language)
    kinds = list(service.kinds.all())
    organization = service.organization
    body = join(
        [
            service.alternate_name,
            service.description,
            service.eligibility_description,
            service.application_process,
            service.alert,
            organization.name if organization else "",
            organization.alternate_name if organization else "",
            *_term_text(kinds, kinds_map),
            *_term_text(service.target_groups.all(), groups_map),
            service.district_names(),
        ]
    )
    return _document(
        TYPE_SERVICE,
        service,
        language,
        title=service.name,
        body=body,
        kinds=sorted({kind.code for kind in kinds}),
        districts=sorted({district.slug for district in service.districts()}),
        is_24_7=service.is_24_7,
    )


def document_for(obj: Any, language: str | None = None) -> SearchDocument:
    """The document of a ``StandardPage``, ``NewsPage`` or ``Service``."""
    from safechildhood.home.models import StandardPage
    from safechildhood.news.models import NewsPage
    from safechildhood.registry.models import Service

    if isinstance(obj, Service):
        return service_document(obj, language)
    if isinstance(obj, NewsPage):
        return news_document(obj)
    if isinstance(obj, StandardPage):
        return page_document(obj)
    raise TypeError(f"Not searchable: {type(obj).__name__}")
