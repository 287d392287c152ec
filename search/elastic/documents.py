"""What the index holds: one document per object of every source, per language.

Every document has the same few fields (see :class:`SearchDocument`): the site-wide
search ranks pages, news and services together, so they share ``title`` and
``body``, and the type, kinds and districts are keywords to filter and boost on.
Ids are ``"{type}-{pk}"``: a page and a service with the same primary key never
collide. Each source builds its documents (``SearchSource.document``, with
:func:`make_document` and the text helpers here): the information pages'
in ``home.search_source``, the news' in ``news.search_source``, the services'
(with the privacy rule: nothing of a place but its district) in
``registry.search_source``.

Analysis is per language, under one analyzer name (``site_text``) so the mapping is
the same everywhere: Russian folds ё into е, drops Russian stop words and stems with
Elasticsearch's ``russian`` stemmer («травли» → «травл», like «травля»); English is
Elasticsearch's ``english`` analyzer, rebuilt under that name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

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
from wagtail.models import Page

from search.sources import source_for

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
    groups = Keyword()
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


def make_document(type_: str, obj: Any, language: str, **fields: Any) -> SearchDocument:
    """The document of `obj` (of source `type_`) in `language`'s index: its id, type,
    primary key and URL, and the source's `fields` (``title``, ``body``, ``kinds``…)."""
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


def document_for(obj: Any, language: str | None = None) -> SearchDocument:
    """The document of any searchable object, by its source (``TypeError`` otherwise)."""
    source = source_for(obj)
    return source.document(obj, language or language_of(obj))
