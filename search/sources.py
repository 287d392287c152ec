"""The sources of the site-wide search: what each app lets visitors find.

The search host knows no app. An app declares its source in one module of its
own, ``<app>/search_source.py``, as a :class:`SearchSource` given to
:func:`register`; ``SearchConfig.ready`` imports every installed app's
``search_source`` module (:func:`autodiscover`, as Wagtail does with
``wagtail_hooks``). The engines, the ``/search/`` page, the indexer and the
spelling vocabulary go over :func:`sources`, so a new source is one file in its
app and changes nothing here.

What may be shown is the source's :meth:`SearchSource.searchable`: every engine
matches within those rows and every result is loaded back through them, so an
object that is unpublished, private, closed or in another language is never
shown, even if a stale external index still holds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.module_loading import autodiscover_modules

if TYPE_CHECKING:
    from django.utils.safestring import SafeString

    from .elastic.documents import SearchDocument
    from .engine import Match

# A key of ``SearchSource.strengths`` that names a target group, not a kind:
# ``"group:teenagers"``. Groups order results after kinds and never add objects.
GROUP = "group:"

# A signal, the sender it listens to, and which objects of the source a change of
# that sender's instance touches (their primary keys).
Trigger = tuple[Any, Any, Callable[..., Iterable[int]]]


class SearchSource:
    """One kind of thing the site-wide search finds. Subclass it in the app that owns
    the thing, fill in the attributes and :meth:`searchable`, and :func:`register` it.

    ``key`` is the type stored in the index and in URLs (``?type=news``); ``label``
    names one result («Новость»), ``plural`` the type filter's option («Новости»);
    ``order`` places it in that filter. ``title_field`` is the field a title-match
    bonus reads; ``weight`` scales its relevance against the other sources' (news
    mention everything in passing: 0.8). ``template`` renders one result; it gets
    ``hit`` (``hit.object``, ``hit.highlights``, ``hit.label``). ``has_kinds``: its
    objects have kinds the words may name (:meth:`strengths`, :meth:`preference`,
    and a ``kinds`` field in its documents).
    """

    key: str = ""
    label: Any = ""
    plural: Any = ""
    order: int = 100
    model: type[models.Model]
    title_field: str = "title"
    weight: float = 1.0
    template: str = ""
    has_kinds: bool = False

    # --- what may be shown, and how results are loaded ---------------------------------

    def searchable(self, language: str) -> models.QuerySet:
        """Live, public objects a visitor reading `language` may find."""
        raise NotImplementedError

    def load(self, pks: list[int], language: str) -> list:
        """The found objects of `pks` ready for their template (a constant number of queries)."""
        return list(self.searchable(language).filter(pk__in=pks))

    def highlights(self, match: Match, obj: Any, query: str) -> dict[str, SafeString]:
        """The fields the template shows with the matched words marked."""
        raise NotImplementedError

    # --- preferring some results ---------------------------------------------------------

    def strengths(self, query: str) -> dict[str, int]:
        """``{kind code: how many words of the query name it}`` (see :meth:`preference`);
        a target group's code comes prefixed with :data:`GROUP`."""
        return {}

    def preference(self, strengths: Mapping[str, int]) -> models.Expression | None:
        """SQL (higher first) putting the objects of the kinds in `strengths` before the
        rest; None when the source has no kinds. Elasticsearch reads the ``kinds``
        field of the source's documents instead."""
        return None

    def named(self, strengths: Mapping[str, int]) -> models.Q | None:
        """Objects the words name without holding them (a filter of the source's model),
        found as if they held some of the words: «помирить» names the reconciliation
        services though none of them says «помирить». None: only the words find."""
        return None

    # --- the Elasticsearch document ------------------------------------------------------

    def indexed(self, language: str) -> models.QuerySet:
        """What `language`'s index holds of the source: exactly :meth:`searchable`, with
        what :meth:`document` reads."""
        return self.searchable(language)

    def document_context(self, language: str) -> Any:
        """Data :meth:`document` needs once per language and batch (e.g. a taxonomy)."""
        return None

    def document(self, obj: Any, language: str, context: Any = None) -> SearchDocument:
        """`obj` as `language`'s index holds it (``search.elastic.documents.make_document``)."""
        raise NotImplementedError

    def affected(self, pks: list[int]) -> list[int]:
        """The objects whose place in an index changes with `pks` (e.g. translations
        that stand in for each other)."""
        return pks

    def triggers(self) -> list[Trigger]:
        """Signals, besides a page's publishing, moving and deleting, that change what
        the index holds of the source."""
        return []

    # --- spelling --------------------------------------------------------------------------

    def vocabulary(self, language: str) -> list[str]:
        """Texts whose words a mistyped query may be corrected to (one small query each)."""
        return []


_sources: dict[str, SearchSource] = {}


def register(source: SearchSource) -> SearchSource:
    """Make `source` searchable (from its app's ``search_source`` module).

    Registering the same key again replaces the source (a reloaded module).
    """
    if not source.key:
        raise ValueError(f"{type(source).__name__} has no key")
    _sources[source.key] = source
    return source


def unregister(key: str) -> None:
    """Forget a source (tests that register a throwaway one)."""
    _sources.pop(key, None)


def autodiscover() -> None:
    """Import ``search_source`` of every installed app (``SearchConfig.ready``)."""
    autodiscover_modules("search_source")


def sources() -> list[SearchSource]:
    """Every registered source, in the type filter's order."""
    return sorted(_sources.values(), key=lambda source: (source.order, source.key))


def source_keys() -> tuple[str, ...]:
    """The keys of :func:`sources`, in that order."""
    return tuple(source.key for source in sources())


def get_source(key: str) -> SearchSource:
    try:
        return _sources[key]
    except KeyError:
        raise ValueError(f"Unknown search type {key!r}") from None


def source_for_model(model: type[models.Model]) -> SearchSource | None:
    """The source whose objects are `model`'s (a subclass's: a specific page)."""
    for source in sources():
        if issubclass(model, source.model):
            return source
    return None


def source_for(obj: Any) -> SearchSource:
    """The source `obj` belongs to; ``TypeError`` when it is not searchable."""
    source = source_for_model(type(obj))
    if source is None:
        raise TypeError(f"Not searchable: {type(obj).__name__}")
    return source


def searchable(type_: str, language: str) -> models.QuerySet:
    """Live, public objects of `type_` a visitor reading `language` may find."""
    return get_source(type_).searchable(language)


def iter_sources(keys: Iterable[str]) -> Iterator[SearchSource]:
    """The sources of `keys` (known ones), in the type filter's order."""
    wanted = set(keys)
    return (source for source in sources() if source.key in wanted)
