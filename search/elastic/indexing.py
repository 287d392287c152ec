"""Keeping the indices current: what to index, when, and what to do when Elasticsearch is away.

Editors' actions (publishing, unpublishing, deleting a page or a service, moving a
page, restricting a section, renaming a kind or a district) only queue a task,
after the transaction commits: publishing never waits for Elasticsearch and never
fails because of it. The task (:func:`update_search_index`, run by
``manage.py db_worker``) looks at the objects *as they are now* and, for every
language index, writes the document of each one that is live and public there and
removes every other one. So the same task serves publish, unpublish, closing a
service and deletion, and running it twice does no harm. What is indexed, how,
and which other changes touch it come from the registered sources
(``search.sources``: ``indexed``, ``document``, ``affected``, ``triggers``).

When Elasticsearch does not answer, the task queues itself again later
(:data:`RETRY_DELAYS`) and gives up after :data:`MAX_ATTEMPTS`, with a warning: the
next ``manage.py search_index`` catches up.

Updates go through the language's alias with ``require_alias``: before
``search_index`` has created the indices, nothing is written (an index auto-created
by a write would have no Russian analysis) and the engine answers from the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django_tasks import task
from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch.helpers import bulk
from wagtail.models import Page, PageViewRestriction

from safechildhood.core.tasks import retry_delay
from search.sources import SearchSource, get_source, source_for, sources

from . import connection
from .documents import SearchDocument, document_id, index_definition, language_of

logger = logging.getLogger(__name__)

# A page and every indexed page below it (moved, or a view restriction changed).
TYPE_TREE = "tree"

# Wait this long after the 1st, 2nd... failed attempt (the shared back-off); then give up.
RETRY_DELAYS = tuple(retry_delay(attempt) for attempt in range(1, 5))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Statuses of a bulk item worth another try later: overloaded or restarting nodes.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
CHUNK_SIZE = 500


class RetryableIndexingError(Exception):
    """Elasticsearch refused some documents for now (busy, restarting)."""


# --- what is indexed ----------------------------------------------------------------------


def _page_sources() -> list[SearchSource]:
    """The sources whose objects are Wagtail pages (they move, and sections get restricted)."""
    return [source for source in sources() if issubclass(source.model, Page)]


def type_of(obj: Any) -> str:
    """The key of `obj`'s source (``"page"``, ``"news"``, ``"service"``…)."""
    return source_for(obj).key


def indexed(type_: str, language: str) -> QuerySet:
    """What `language`'s index holds of `type_`: exactly what the site-wide search may
    show (the source's ``searchable``: live, public, in that language or standing in
    for a missing translation), with what the documents read."""
    return get_source(type_).indexed(language)


def public_objects(language: str) -> Iterator[Any]:
    """Everything `language`'s index should hold, read in chunks."""
    for source in sources():
        yield from source.indexed(language).order_by("pk").iterator(chunk_size=CHUNK_SIZE)


def count_public_objects(language: str) -> int:
    """How many objects :func:`public_objects` will give (for a command's progress bar)."""
    return sum(source.indexed(language).count() for source in sources())


# --- bulk actions -------------------------------------------------------------------------


def index_action(document: SearchDocument, index: str | None = None) -> dict[str, Any]:
    action = document.to_dict(include_meta=True)
    action["_op_type"] = "index"
    if index:
        action["_index"] = index
    return action


def delete_action(type_: str, pk: int, language: str) -> dict[str, Any]:
    return {
        "_op_type": "delete",
        "_index": connection.index_alias(language),
        "_id": document_id(type_, pk),
    }


def _build(source: SearchSource, obj: Any, language: str, contexts: dict) -> SearchDocument:
    key = (source.key, language)
    if key not in contexts:
        contexts[key] = source.document_context(language)
    return source.document(obj, language, contexts[key])


def _object_actions(type_: str, pks: Sequence[int]) -> list[dict[str, Any]]:
    """Per language: index the objects it shows, remove the others."""
    source = get_source(type_)
    pks = source.affected(list(pks))
    actions: list[dict[str, Any]] = []
    contexts: dict = {}
    for language in connection.languages():
        shown = list(source.indexed(language).filter(pk__in=pks).order_by("pk"))
        actions += [index_action(_build(source, obj, language, contexts)) for obj in shown]
        shown_pks = {obj.pk for obj in shown}
        actions += [delete_action(type_, pk, language) for pk in pks if pk not in shown_pks]
    return actions


def _tree_pks(pks: Sequence[int]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for root in Page.objects.filter(pk__in=pks):
        for source in _page_sources():
            below = source.model.objects.descendant_of(root, inclusive=True)
            found.setdefault(source.key, []).extend(below.values_list("pk", flat=True))
    return found


def sync_actions(type_: str, pks: Sequence[int]) -> list[dict[str, Any]]:
    """Bulk actions that make every index agree with the database about these objects."""
    if type_ != TYPE_TREE and type_ not in [source.key for source in sources()]:
        raise ValueError(f"Unknown search index type: {type_!r}")
    pks = sorted({int(pk) for pk in pks})
    if type_ == TYPE_TREE:
        return [
            action
            for tree_type, tree_pks in _tree_pks(pks).items()
            for action in sync_actions(tree_type, tree_pks)
        ]
    return _object_actions(type_, pks)


# --- sending ------------------------------------------------------------------------------


def send(
    actions: Iterable[dict[str, Any]],
    *,
    client: Elasticsearch | None = None,
    refresh: bool = False,
    require_alias: bool = True,
) -> int:
    """Run bulk `actions`; the number that succeeded.

    Removing what is not there is success. A write to a missing alias (indices not
    built yet) is skipped with a warning; busy nodes raise
    :class:`RetryableIndexingError`; connection failures raise ``TransportError``.
    """
    actions = list(actions)
    if not actions:
        return 0
    client = client or connection.get_client()
    options: dict[str, Any] = {"raise_on_error": False, "refresh": refresh}
    if require_alias:
        options["require_alias"] = True
    succeeded, errors = bulk(client, actions, chunk_size=CHUNK_SIZE, **options)
    retry: list[str] = []
    for item in errors if isinstance(errors, list) else []:
        operation, info = next(iter(item.items()))
        status = info.get("status")
        error = info.get("error") or {}
        error_type = error.get("type", "") if isinstance(error, dict) else str(error)
        if operation == "delete" and status == 404:
            succeeded += 1  # already absent (or no index yet): nothing to remove
        elif status == 404 and "index_not_found" in error_type:
            logger.warning(
                "Search index %s does not exist: run `manage.py search_index`", info.get("_index")
            )
        elif status in RETRY_STATUSES:
            retry.append(str(info.get("_id")))
        else:
            logger.error("Elasticsearch refused %s %s: %s", operation, info.get("_id"), error)
    if retry:
        raise RetryableIndexingError(f"{len(retry)} documents refused for now: {retry[:5]}")
    return succeeded


def sync(type_: str, pks: Sequence[int]) -> int:
    """Make the indices agree with the database about these objects, now."""
    return send(sync_actions(type_, pks))


def index_object(obj: Any) -> int:
    """Index `obj` where it is public (or remove it where it is not), now."""
    return sync(type_of(obj), [obj.pk])


def remove_object(type_: str, pk: int, language: str | None = None) -> int:
    """Remove one document from `language`'s index (default: from every language's)."""
    languages = [language] if language else connection.languages()
    return send(delete_action(type_, pk, code) for code in languages)


def bulk_index(
    objects: Iterable[Any],
    *,
    language: str | None = None,
    index: str | None = None,
    refresh: bool = False,
    client: Elasticsearch | None = None,
) -> int:
    """Index `objects` (assumed public: see :func:`public_objects`) as they are.

    Services are written as documents of `language` (default their own); `index` names
    a concrete index to write to instead of the alias (``search_index --rebuild``).
    """
    contexts: dict = {}

    def actions() -> Iterator[dict[str, Any]]:
        for obj in objects:
            code = language or language_of(obj)
            yield index_action(_build(source_for(obj), obj, code, contexts), index)

    return send(actions(), client=client, refresh=refresh, require_alias=index is None)


# --- index management (search_index) ------------------------------------------------------


def create_index(language: str, client: Elasticsearch | None = None) -> str:
    """A new, empty concrete index for `language`, with its analysis and mappings."""
    client = client or connection.get_client()
    name = connection.new_index_name(language)
    index_definition(language, name).create(using=client)
    return name


def alias_targets(language: str, client: Elasticsearch | None = None) -> list[str]:
    """The concrete indices `language`'s alias points at (none before the first build)."""
    client = client or connection.get_client()
    alias = connection.index_alias(language)
    if not client.indices.exists_alias(name=alias):
        return []
    return sorted(client.indices.get_alias(name=alias).body)


def switch_alias(language: str, index: str, client: Elasticsearch | None = None) -> list[str]:
    """Point `language`'s alias at `index` in one atomic step; the indices it left.

    A concrete index squatting the alias's name (auto-created by a write before the
    first build) is deleted in the same step.
    """
    client = client or connection.get_client()
    alias = connection.index_alias(language)
    old = alias_targets(language, client)
    steps: list[dict[str, Any]] = [{"remove": {"index": name, "alias": alias}} for name in old]
    if not old and client.indices.exists(index=alias):
        steps.append({"remove_index": {"index": alias}})
    steps.append({"add": {"index": index, "alias": alias, "is_write_index": True}})
    client.indices.update_aliases(actions=steps)
    return [name for name in old if name != index]


def ensure_index(language: str, client: Elasticsearch | None = None) -> str:
    """The concrete index behind `language`'s alias, created (empty) if there is none."""
    client = client or connection.get_client()
    targets = alias_targets(language, client)
    if targets:
        return targets[0]
    name = create_index(language, client)
    switch_alias(language, name, client)
    return name


def delete_indices(names: Iterable[str], client: Elasticsearch | None = None) -> None:
    client = client or connection.get_client()
    for name in names:
        client.options(ignore_status=404).indices.delete(index=name)


# --- the task -----------------------------------------------------------------------------


def _retry(type_: str, pks: list[int], attempt: int, exc: Exception) -> str:
    backend = update_search_index.get_backend()
    if attempt >= MAX_ATTEMPTS or not backend.supports_defer:
        logger.warning(
            "Search index not updated for %s %s after %s attempt(s) (%s): "
            "`manage.py search_index` will catch up",
            type_,
            pks,
            attempt,
            type(exc).__name__,
        )
        return "gave up"
    run_after = timezone.now() + retry_delay(attempt)
    update_search_index.using(run_after=run_after).enqueue(type_, pks, attempt + 1)
    logger.warning(
        "Elasticsearch did not take %s %s (%s, attempt %s): trying again at %s",
        type_,
        pks,
        type(exc).__name__,
        attempt,
        run_after.isoformat(),
    )
    return "retrying"


@task()
def update_search_index(type_: str, pks: list[int], attempt: int = 1) -> str:
    """Bring the indices up to date about some objects (see the module docstring)."""
    if not connection.is_configured():
        return "disabled"
    try:
        sync(type_, pks)
    except (TransportError, RetryableIndexingError) as exc:
        return _retry(type_, pks, attempt, exc)
    except ApiError as exc:
        if exc.status_code in RETRY_STATUSES:
            return _retry(type_, pks, attempt, exc)
        logger.error("Elasticsearch refused the update of %s %s: %s", type_, pks, exc)
        return "failed"
    return "done"


class _Batch:
    """The updates one transaction asks for, queued together when it commits.

    Publishing saves and then signals, deleting a section unpublishes then deletes
    every page in it: one task per type instead of one per signal.
    """

    def __init__(self) -> None:
        self.pks: dict[str, set[int]] = {}
        self.flushed = False

    def add(self, type_: str, pks: set[int]) -> None:
        self.pks.setdefault(type_, set()).update(pks)

    def pending_in(self, conn: Any) -> bool:
        """Still waiting for `conn`'s commit (not run, not discarded by a rollback)."""
        return not self.flushed and any(
            entry[1] == self.flush for entry in getattr(conn, "run_on_commit", ())
        )

    def flush(self) -> None:
        self.flushed = True
        pending, self.pks = self.pks, {}
        for type_, pks in pending.items():
            try:
                update_search_index.enqueue(type_, sorted(pks))
            except Exception:
                logger.exception("Could not queue a search index update for %s %s", type_, pks)


def schedule(type_: str, pks: Iterable[int]) -> None:
    """Queue :func:`update_search_index` once the transaction commits.

    A broken queue is logged and never breaks the editor's action.
    """
    wanted = {int(pk) for pk in pks if pk is not None}
    if not wanted:
        return
    conn = transaction.get_connection()
    batch = getattr(conn, "_search_index_batch", None)
    if conn.in_atomic_block and batch is not None and batch.pending_in(conn):
        batch.add(type_, wanted)
        return
    batch = _Batch()
    batch.add(type_, wanted)
    conn._search_index_batch = batch
    transaction.on_commit(batch.flush)


# --- signal receivers ---------------------------------------------------------------------


def on_page_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A page published, unpublished or deleted: the task indexes or removes it."""
    try:
        type_ = type_of(instance)  # connected per page model: `instance` is specific
    except TypeError:
        return  # not a searchable page type
    schedule(type_, [instance.pk])


def on_tree_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A page moved (its URL changed) or a view restriction changed: the whole section."""
    page_id = instance.pk if isinstance(instance, Page) else getattr(instance, "page_id", None)
    if page_id is not None:
        schedule(TYPE_TREE, [page_id])


def _scheduler(type_: str, pks_of: Callable[..., Iterable[int]]) -> Callable[..., None]:
    """A receiver that schedules the objects of `type_` that `pks_of(instance, **kwargs)`
    names (a source's trigger)."""

    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        schedule(type_, pks_of(instance, **kwargs))

    receiver.__name__ = f"{type_}_{pks_of.__name__}"
    return receiver


def _receivers() -> list[tuple[Any, Any, Any]]:
    """``(signal, receiver, sender)`` for every connection made by :func:`connect_signals`:
    the page sources' publishing, moving and deleting, and every source's triggers."""
    from wagtail.signals import page_published, page_unpublished, post_page_move

    receivers: list[tuple[Any, Any, Any]] = []
    for source in _page_sources():
        receivers += [
            (page_published, on_page_changed, source.model),
            (page_unpublished, on_page_changed, source.model),
            (post_delete, on_page_changed, source.model),
        ]
    receivers += [
        (post_page_move, on_tree_changed, None),
        (post_save, on_tree_changed, PageViewRestriction),
        (post_delete, on_tree_changed, PageViewRestriction),
    ]
    for source in sources():
        receivers += [
            (signal, _scheduler(source.key, pks_of), sender)
            for signal, sender, pks_of in source.triggers()
        ]
    return receivers


def _uid(signal: Any, receiver: Any, sender: Any) -> str:
    return f"search.elastic:{id(signal)}:{receiver.__name__}:{getattr(sender, '__name__', '*')}"


def connect_signals() -> bool:
    """Keep the indices current from now on; only when ``ELASTICSEARCH_URL`` is set.

    Call from ``AppConfig.ready()``. Safe to call twice. Returns whether it connected.
    """
    if not connection.is_configured():
        return False
    for signal, receiver, sender in _receivers():
        signal.connect(
            receiver, sender=sender, weak=False, dispatch_uid=_uid(signal, receiver, sender)
        )
    return True


def disconnect_signals() -> None:
    """Undo :func:`connect_signals` (tests)."""
    for signal, receiver, sender in _receivers():
        signal.disconnect(receiver, sender=sender, dispatch_uid=_uid(signal, receiver, sender))
