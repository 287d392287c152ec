"""What a caller asks the search for and what it gets back.

Every search on the site goes through these two types: the registry's list
page (``registry.queries.search_services``) and the site-wide ``/search/`` page
over every registered source (``search.site``). A caller builds a
:class:`SearchRequest` from the visitor's input with the helpers below (they
never raise on bad input: they clean it and say what they did in ``messages``)
and renders the :class:`SearchResults`. How the matching is done (Wagtail's
database backend, or Elasticsearch) stays behind ``search.backends``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

MAX_QUERY_LENGTH = 200
DEFAULT_PER_PAGE = 20
MAX_PAGE_NUMBER = 1_000_000  # beyond it a page number is junk, not a page
# A word is what a search can match: at least one letter or digit (not «_», which
# ``\w`` counts but no search index does).
HAS_WORD = re.compile(r"[^\W_]")

# Orderings a caller may ask for. "" lets the search choose: nearest first when
# there is a point to measure from, else relevance when there is a query, else name.
ORDER_AUTO = ""
ORDER_RELEVANCE = "relevance"
ORDER_DISTANCE = "distance"
ORDER_NAME = "name"
ORDERINGS = (ORDER_AUTO, ORDER_RELEVANCE, ORDER_DISTANCE, ORDER_NAME)


def clean_query(raw: str | None) -> tuple[str, list[str]]:
    """Collapse whitespace, drop control characters, cut to ``MAX_QUERY_LENGTH``
    (at a word boundary); a query without a single letter or digit («-», «?», ««»»)
    is no query at all.

    Returns the query and the messages for the visitor (a cut query is said to be cut,
    a query without words is said to have been ignored).
    """
    text = "".join(ch if ch.isprintable() else " " for ch in (raw or ""))
    text = " ".join(text.split())
    if text and not HAS_WORD.search(text):
        # Punctuation alone searches for nothing: as GOV.UK does, search without it
        # and say so, instead of an empty (or, worse, failing) search.
        shown = text if len(text) <= 40 else text[:39] + "…"
        return "", [
            _("В запросе «%(query)s» нет ни одного слова: напишите, что вы ищете, словами.")
            % {"query": shown}
        ]
    messages: list[str] = []
    if len(text) > MAX_QUERY_LENGTH:
        cut = text[:MAX_QUERY_LENGTH]
        if not text[MAX_QUERY_LENGTH].isspace() and " " in cut:
            cut = cut.rsplit(" ", 1)[0]  # never half a word: «ме» would find nothing
        text = cut.rstrip()
        messages.append(
            _("Запрос слишком длинный, поэтому искали по первым %(n)d символам.")
            % {"n": MAX_QUERY_LENGTH}
        )
    return text, messages


def parse_page(raw: str | None) -> tuple[int, list[str]]:
    """A page number from the URL: junk means page 1, with a message."""
    if raw is None or raw == "":
        return 1, []
    try:
        number = int(str(raw).strip())
    except ValueError:
        number = 0
    if 1 <= number <= MAX_PAGE_NUMBER:
        return number, []
    return 1, [_("Номер страницы указан неверно, показана первая страница.")]


def parse_point(raw: str | None) -> tuple[tuple[float, float] | None, list[str]]:
    """``"59.22,39.88"`` → ``(59.22, 39.88)``; anything else is ignored with a message."""
    if raw is None or not raw.strip():
        return None, []
    parts = raw.replace(";", ",").split(",")
    if len(parts) == 2:
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            lat = lon = math.nan
        if math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180:
            return (round(lat, 5), round(lon, 5)), []
    return None, [_("Не удалось понять координаты, поэтому службы не упорядочены по расстоянию.")]


@dataclass(frozen=True)
class SearchRequest:
    """One search: the words, the filters, where to measure distance from, which page.

    ``filters`` keys are defined by the search function that takes the request
    (see ``registry.queries.SERVICE_FILTERS``); unknown keys are an error there,
    not silently ignored. ``messages`` carries what cleaning the input said, so
    that the results can show it next to their own.
    """

    query: str = ""
    filters: Mapping[str, Any] = field(default_factory=dict)
    near: tuple[float, float] | None = None
    ordering: str = ORDER_AUTO
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    language: str | None = None  # None: the active language
    facets: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.ordering not in ORDERINGS:
            raise ValueError(f"Unknown ordering {self.ordering!r}")
        if self.per_page < 1:
            raise ValueError("per_page must be positive")

    @classmethod
    def from_input(
        cls,
        *,
        query: str | None = None,
        page: str | None = None,
        near: str | None = None,
        **kwargs: Any,
    ) -> SearchRequest:
        """Build a request from raw URL values, collecting the cleaning messages."""
        clean, query_messages = clean_query(query)
        number, page_messages = parse_page(page)
        point, point_messages = parse_point(near)
        messages = tuple(kwargs.pop("messages", ())) + tuple(
            query_messages + point_messages + page_messages
        )
        return cls(query=clean, page=number, near=point, messages=messages, **kwargs)

    @property
    def near_param(self) -> str:
        """The point as it goes back into a URL (``near=``)."""
        return f"{self.near[0]},{self.near[1]}" if self.near else ""


@dataclass(frozen=True)
class SearchHit:
    """One result: what it is (``type``: a source's key, "service", "page", "news"),
    the object, and its fields with the matched words marked (HTML-safe,
    ``<mark>``); in the site-wide search also its source's card ``template`` and
    ``label``."""

    type: str
    object: Any
    highlights: Mapping[str, SafeString] = field(default_factory=dict)
    template: str = ""
    label: Any = ""


@dataclass
class SearchResults:
    """What every search returns. ``page_obj`` is a Django ``Page`` of the hits, so the
    site's ``includes/pagination.html`` works with it as is."""

    request: SearchRequest
    hits: list[SearchHit]
    total: int
    page_obj: Page
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    ordering: str = ORDER_NAME  # the ordering actually used

    @property
    def items(self) -> list[Any]:
        return [hit.object for hit in self.hits]

    @property
    def highlights(self) -> dict[Any, Mapping[str, SafeString]]:
        return {hit.object.pk: hit.highlights for hit in self.hits}

    def __bool__(self) -> bool:
        return self.total > 0


class Window(Sequence):
    """A stand-in for a whole result list that holds only the page shown, so that
    Django's ``Page``/``Paginator`` (and ``includes/pagination.html``) work when the
    page was fetched on its own (merged engines, one query for page and count)."""

    def __init__(self, total: int, offset: int, items: list) -> None:
        self.total, self.offset, self.items = total, offset, items

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.items if index.start == self.offset else []
        return self.items[index - self.offset]


def window_page(items: list, total: int, number: int, per_page: int) -> Page:
    """A Django ``Page`` for `items`, page `number` of `total` results."""
    paginator = Paginator(Window(total, (number - 1) * per_page, items), per_page)
    return paginator.page(number if total else 1)


def last_page_message(number: int) -> str:
    return _("Такой страницы нет, показана последняя: %(n)d.") % {"n": number}


class _Paginator(Paginator):
    """Counts another (cheaper) queryset than the one it slices, when given one."""

    def __init__(self, object_list: Any, per_page: int, count_of: Any = None) -> None:
        super().__init__(object_list, per_page, allow_empty_first_page=True)
        self._count_of = count_of

    @cached_property
    def count(self) -> int:
        if self._count_of is None:
            return super().count
        if isinstance(self._count_of, int):
            return self._count_of
        return self._count_of.count()

    def page(self, number: Any) -> Page:
        if self.count == 0:  # nothing to fetch: no query for an empty page
            return self._get_page([], 1, self)
        return super().page(number)


def paginate(
    object_list: Any, page: int, per_page: int, count: Any = None
) -> tuple[Page, list[str]]:
    """The asked page, or the last one with a message when it is past the end.

    One COUNT (of `count` if given: the same rows without the costly ordering
    expressions; or `count` itself when it is already known) and one slice of
    `object_list` (a queryset or a list).
    """
    paginator = _Paginator(object_list, per_page, count)
    if page > paginator.num_pages:
        if paginator.count == 0:
            return paginator.page(1), []
        return paginator.page(paginator.num_pages), [last_page_message(paginator.num_pages)]
    return paginator.page(page), []
