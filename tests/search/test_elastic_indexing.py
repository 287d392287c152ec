"""Keeping the indices current: editors' actions queue a task, the task writes or removes
documents, retries later when Elasticsearch is away and gives up after a limit; and
``manage.py search_index``. The client and ``bulk`` are fakes at the boundary (no server
here); ``test_elastic_live.py`` runs the same paths against a real one."""

import contextlib
import datetime as dt
import io
import types as pytypes

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend
from elasticsearch import ConnectionError as ESConnectionError
from wagtail.models import Locale, PageViewRestriction

from safechildhood.registry.models import Service
from search.elastic import connection, indexing
from search.elastic.indexing import MAX_ATTEMPTS, RETRY_DELAYS, update_search_index
from tests.factories import StandardPageFactory
from tests.news.factories import NewsIndexPageFactory, NewsPageFactory
from tests.registry.factories import DistrictFactory, LocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class FakeBulk:
    """Stands in for ``elasticsearch.helpers.bulk``: records actions, answers like it."""

    def __init__(self):
        self.calls, self.errors, self.raises = [], [], None

    def __call__(self, client, actions, **options):
        actions = list(actions)
        self.calls.append((actions, options))
        if self.raises is not None:
            raise self.raises
        return len(actions) - len(self.errors), list(self.errors)

    @property
    def actions(self):
        return [action for actions, _options in self.calls for action in actions]

    def ops(self):
        return sorted((a["_op_type"], a["_index"], a["_id"]) for a in self.actions)


class FakeIndices:
    def __init__(self, client):
        self.client = client

    def __getattr__(self, name):
        def call(**kwargs):
            self.client.calls.append((name, kwargs))
            if name == "exists_alias":
                return bool(self.client.aliases.get(kwargs["name"]))
            if name == "exists":
                return kwargs["index"] in self.client.concrete
            if name == "get_alias":
                return pytypes.SimpleNamespace(
                    body={index: {} for index in self.client.aliases[kwargs["name"]]}
                )
            if name == "create":
                self.client.concrete.add(kwargs["index"])
            if name == "update_aliases":
                for step in kwargs["actions"]:
                    ((op, args),) = step.items()
                    if op == "add":
                        self.client.aliases.setdefault(args["alias"], []).append(args["index"])
                    elif op == "remove":
                        self.client.aliases[args["alias"]].remove(args["index"])
            if name == "delete":
                self.client.concrete.discard(kwargs["index"])
            return pytypes.SimpleNamespace(body={})

        return call


class FakeClient:
    """The few client calls index management makes, over in-memory indices and aliases."""

    def __init__(self):
        self.calls, self.aliases, self.concrete = [], {}, set()
        self.indices = FakeIndices(self)

    def info(self):
        return pytypes.SimpleNamespace(body={"version": {"number": "8.19.3"}})

    def options(self, **kwargs):
        return self

    def names(self, name):
        return [call for call in self.calls if call[0] == name]


@pytest.fixture
def elastic(settings, monkeypatch):
    """ELASTICSEARCH_URL set (nothing listens there), a fake client and bulk, signals on."""
    settings.ELASTICSEARCH_URL = "http://elastic.invalid:9200"
    settings.ELASTICSEARCH_INDEX = "test"
    client, fake_bulk = FakeClient(), FakeBulk()
    monkeypatch.setattr(connection, "get_client", lambda: client)
    monkeypatch.setattr(indexing, "bulk", fake_bulk)
    assert indexing.connect_signals()
    yield pytypes.SimpleNamespace(client=client, bulk=fake_bulk)
    indexing.disconnect_signals()


@pytest.fixture
def queue(settings):
    """A task backend that keeps what is enqueued (and can defer), instead of running it."""
    settings.TASKS = DUMMY_TASKS
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


def queued(backend):
    return [
        (list(result.args), result.task.run_after)
        for result in backend.results
        if result.task.func is update_search_index.func
    ]


def test_signals_are_connected_only_with_a_url(settings):
    settings.ELASTICSEARCH_URL = ""
    assert indexing.connect_signals() is False


# --- editors' actions queue the task ---------------------------------------------------------


def test_publishing_a_page_queues_an_update(
    elastic, queue, home, django_capture_on_commit_callbacks
):
    page = StandardPageFactory(parent=home)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert (["page", [page.pk]], None) in queued(queue)
    assert elastic.bulk.calls == []  # nothing sent during the editor's request


def test_unpublishing_and_deleting_pages_queue_updates(
    elastic, queue, home, django_capture_on_commit_callbacks
):
    news = NewsPageFactory(parent=NewsIndexPageFactory(parent=home))
    with django_capture_on_commit_callbacks(execute=True):
        news.unpublish()
    assert queued(queue) == [(["news", [news.pk]], None)]
    queue.clear()
    page = StandardPageFactory(parent=home)
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    assert queued(queue) == [(["page", [page.pk]], None)]


def test_a_view_restriction_queues_the_section(
    elastic, queue, home, django_capture_on_commit_callbacks
):
    section = StandardPageFactory(parent=home)
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=section, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
    assert queued(queue) == [(["tree", [section.pk]], None)]


def test_publishing_and_unpublishing_a_service_queue_updates(
    elastic, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        service = ServiceFactory()
    assert queued(queue) == [(["service", [service.pk]], None)]  # created live (an import)
    queue.clear()
    with django_capture_on_commit_callbacks(execute=True):
        service.save_revision().publish()
    # `published` and the save inside publishing both ask: one task for the transaction.
    assert queued(queue) == [(["service", [service.pk]], None)]
    queue.clear()
    with django_capture_on_commit_callbacks(execute=True):
        service.unpublish()
    assert queued(queue) == [(["service", [service.pk]], None)]


def test_one_transaction_queues_one_task_per_type(
    elastic, queue, home, django_capture_on_commit_callbacks
):
    first, second = StandardPageFactory(parent=home), StandardPageFactory(parent=home)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first.save_revision().publish()
        second.save_revision().publish()
        first.unpublish()
    assert queued(queue) == [(["page", sorted([first.pk, second.pk])], None)]


def test_a_rolled_back_change_queues_nothing(
    elastic, queue, home, django_capture_on_commit_callbacks
):
    page = StandardPageFactory(parent=home)
    with (
        django_capture_on_commit_callbacks(execute=True),
        contextlib.suppress(RuntimeError),
        transaction.atomic(),
    ):
        page.save_revision().publish()
        raise RuntimeError("the editor's request failed")
    assert queued(queue) == []


def test_a_draft_service_queues_nothing(elastic, queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ServiceFactory(live=False)
    assert queued(queue) == []


def test_a_broken_queue_never_breaks_publishing(
    elastic, home, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("queue table missing")

    monkeypatch.setattr(indexing, "update_search_index", pytypes.SimpleNamespace(enqueue=broken))
    page = StandardPageFactory(parent=home)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    page.refresh_from_db()
    assert page.live
    assert "Could not queue a search index update" in caplog.text


def test_publishing_runs_the_task_with_the_immediate_backend(
    elastic, home, django_capture_on_commit_callbacks
):
    """The test settings' immediate backend: publish → task → bulk, end to end."""
    page = StandardPageFactory(parent=home, title="Как получить помощь")
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert ("index", "test-ru", f"page-{page.pk}") in elastic.bulk.ops()
    assert ("delete", "test-en", f"page-{page.pk}") in elastic.bulk.ops()
    (index_action,) = [a for a in elastic.bulk.actions if a["_op_type"] == "index"]
    assert index_action["_source"]["title"] == "Как получить помощь"
    assert elastic.bulk.calls[0][1]["require_alias"] is True


# --- the task: index what is public, remove the rest ------------------------------------------


def test_public_service_is_indexed_in_both_languages(elastic):
    service = ServiceFactory(kinds=["mediation"])
    assert update_search_index.call("service", [service.pk]) == "done"
    # No English translation yet: the Russian entry stands in for it.
    assert elastic.bulk.ops() == [
        ("index", "test-en", f"service-{service.pk}"),
        ("index", "test-ru", f"service-{service.pk}"),
    ]
    english = next(a for a in elastic.bulk.actions if a["_index"] == "test-en")
    assert "Family mediation service" in english["_source"]["body"]


def test_closed_and_unpublished_services_are_removed(elastic):
    closed = ServiceFactory(status=Service.Status.CLOSED)
    draft = ServiceFactory(live=False)
    update_search_index.call("service", [closed.pk, draft.pk])
    assert {op for op, _index, _id in elastic.bulk.ops()} == {"delete"}
    assert {_id for _op, _index, _id in elastic.bulk.ops()} == {
        f"service-{closed.pk}",
        f"service-{draft.pk}",
    }
    assert {index for _op, index, _id in elastic.bulk.ops()} == {"test-ru", "test-en"}


def test_a_public_translation_replaces_the_stand_in(elastic):
    russian = ServiceFactory(name="Служба медиации")
    en = Locale.objects.get_or_create(language_code="en")[0]
    english = ServiceFactory(
        name="Mediation service", locale=en, translation_key=russian.translation_key
    )
    update_search_index.call("service", [english.pk])
    assert elastic.bulk.ops() == [
        ("delete", "test-en", f"service-{russian.pk}"),
        ("delete", "test-ru", f"service-{english.pk}"),
        ("index", "test-en", f"service-{english.pk}"),
        ("index", "test-ru", f"service-{russian.pk}"),
    ]


def test_deleted_objects_are_removed_everywhere(elastic):
    service = ServiceFactory()
    pk = service.pk
    service.delete()
    update_search_index.call("service", [pk])
    assert elastic.bulk.ops() == [
        ("delete", "test-en", f"service-{pk}"),
        ("delete", "test-ru", f"service-{pk}"),
    ]


def test_unpublished_and_private_pages_are_removed(elastic, home):
    draft = StandardPageFactory(parent=home, live=False)
    section = StandardPageFactory(parent=home)
    private = StandardPageFactory(parent=section)
    PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    update_search_index.call("page", [draft.pk])
    update_search_index.call("tree", [section.pk])
    ops = elastic.bulk.ops()
    assert {op for op, _index, _id in ops} == {"delete"}
    assert {_id for _op, _index, _id in ops} == {
        f"page-{draft.pk}",
        f"page-{section.pk}",
        f"page-{private.pk}",
    }


def test_news_goes_to_its_own_language_only(elastic, home):
    news = NewsPageFactory(parent=NewsIndexPageFactory(parent=home), date=dt.date(2025, 1, 9))
    update_search_index.call("news", [news.pk])
    assert elastic.bulk.ops() == [
        ("delete", "test-en", f"news-{news.pk}"),
        ("index", "test-ru", f"news-{news.pk}"),
    ]


def test_index_and_remove_object_helpers(elastic, home):
    page = StandardPageFactory(parent=home)
    indexing.index_object(page)
    indexing.remove_object("page", page.pk, "en")
    assert ("index", "test-ru", f"page-{page.pk}") in elastic.bulk.ops()
    assert elastic.bulk.calls[-1][0] == [
        {"_op_type": "delete", "_index": "test-en", "_id": f"page-{page.pk}"}
    ]


# --- the task when Elasticsearch is away ------------------------------------------------------


def test_connection_error_retries_later_then_gives_up(elastic, queue, caplog):
    service = ServiceFactory()
    queue.clear()
    elastic.bulk.raises = ESConnectionError("connection refused")
    before = timezone.now()

    assert update_search_index.call("service", [service.pk]) == "retrying"
    ((args, run_after),) = queued(queue)
    assert args == ["service", [service.pk], 2]
    assert before + RETRY_DELAYS[0] <= run_after <= timezone.now() + RETRY_DELAYS[0]
    assert "trying again" in caplog.text

    queue.clear()
    assert update_search_index.call("service", [service.pk], 2) == "retrying"
    ((args, run_after),) = queued(queue)
    assert args[2] == 3 and run_after >= before + RETRY_DELAYS[1]

    queue.clear()
    assert update_search_index.call("service", [service.pk], MAX_ATTEMPTS) == "gave up"
    assert queued(queue) == []
    assert "search_index` will catch up" in caplog.text


def test_without_a_deferring_backend_the_task_gives_up_at_once(elastic, caplog):
    """The test settings' immediate backend cannot run a task later."""
    service = ServiceFactory()
    elastic.bulk.raises = ESConnectionError("connection refused")
    assert update_search_index.call("service", [service.pk]) == "gave up"


def test_busy_nodes_are_retried_and_missing_documents_are_fine(elastic, queue, home, caplog):
    page = StandardPageFactory(parent=home)
    elastic.bulk.errors = [
        {"delete": {"_index": "test-en", "_id": f"page-{page.pk}", "status": 404}},
        {"index": {"_index": "test-ru", "_id": f"page-{page.pk}", "status": 429}},
    ]
    assert update_search_index.call("page", [page.pk]) == "retrying"
    elastic.bulk.errors = [
        {"delete": {"_index": "test-en", "_id": f"page-{page.pk}", "status": 404}},
    ]
    assert update_search_index.call("page", [page.pk]) == "done"


def test_a_missing_index_is_a_warning_not_a_retry(elastic, queue, home, caplog):
    page = StandardPageFactory(parent=home)
    elastic.bulk.errors = [
        {
            "index": {
                "_index": "test-ru",
                "_id": f"page-{page.pk}",
                "status": 404,
                "error": {"type": "index_not_found_exception"},
            }
        }
    ]
    queue.clear()
    assert update_search_index.call("page", [page.pk]) == "done"
    assert queued(queue) == []
    assert "run `manage.py search_index`" in caplog.text


def test_the_task_does_nothing_without_a_url(settings):
    settings.ELASTICSEARCH_URL = ""
    assert update_search_index.call("page", [1]) == "disabled"


def test_unknown_types_are_refused():
    with pytest.raises(ValueError):
        indexing.sync_actions("user", [1])


# --- manage.py search_index ---------------------------------------------------------------------


def test_command_needs_a_url(settings):
    settings.ELASTICSEARCH_URL = ""
    with pytest.raises(CommandError, match="ELASTICSEARCH_URL is not set"):
        call_command("search_index")
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "search_index"])
    assert exit_.value.code == 1


def test_command_says_when_elasticsearch_does_not_answer(settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # a real client, nothing listening
    with pytest.raises(CommandError, match=r"http://127\.0\.0\.1:9 does not answer"):
        call_command("search_index")


def test_command_credentials_never_printed(settings):
    settings.ELASTICSEARCH_URL = "http://elastic:s3cret@127.0.0.1:9"
    with pytest.raises(CommandError) as error:
        call_command("search_index")
    assert "s3cret" not in str(error.value)


def test_rebuild_fills_a_new_index_then_swaps_the_alias(elastic, home):
    page = StandardPageFactory(parent=home)
    service = ServiceFactory()
    LocationFactory(service=service, district=DistrictFactory())
    NewsPageFactory(parent=NewsIndexPageFactory(parent=home), live=False)
    elastic.client.aliases["test-ru"] = ["test-ru-old"]
    elastic.client.concrete.add("test-ru-old")

    out = io.StringIO()
    call_command("search_index", "--rebuild", "--language", "ru", stdout=out)

    ((_name, created),) = elastic.client.names("create")
    new = created["index"]
    assert new.startswith("test-ru-") and new != "test-ru-old"
    assert created["body"]["settings"]["analysis"]["analyzer"]["site_text"]
    assert created["body"]["mappings"]["dynamic"] == "strict"
    # Everything public went into the new index, before the alias moved.
    (actions, options) = elastic.bulk.calls[0]
    assert {a["_index"] for a in actions} == {new}
    assert {a["_id"] for a in actions} == {f"page-{page.pk}", f"service-{service.pk}"}
    assert options["refresh"] is True and "require_alias" not in options
    ((_name, swap),) = elastic.client.names("update_aliases")
    assert swap["actions"] == [
        {"remove": {"index": "test-ru-old", "alias": "test-ru"}},
        {"add": {"index": new, "alias": "test-ru", "is_write_index": True}},
    ]
    assert elastic.client.aliases["test-ru"] == [new]
    assert elastic.client.concrete == {new}  # the old index is gone
    assert f"test-ru → {new}: 2 documents" in out.getvalue()


def test_rebuild_failure_keeps_the_old_index(elastic, home):
    StandardPageFactory(parent=home)
    elastic.client.aliases["test-ru"] = ["test-ru-old"]
    elastic.client.concrete.add("test-ru-old")
    elastic.bulk.raises = ESConnectionError("connection lost")
    with pytest.raises(CommandError, match="failed while indexing 'ru'"):
        call_command("search_index", "--rebuild", "--language", "ru")
    assert elastic.client.aliases["test-ru"] == ["test-ru-old"]
    assert elastic.client.concrete == {"test-ru-old"}


def test_update_creates_missing_indices_and_writes_through_the_alias(elastic, home):
    StandardPageFactory(parent=home)
    call_command("search_index")
    assert len(elastic.client.names("create")) == 2  # ru and en
    assert set(elastic.client.aliases) == {"test-ru", "test-en"}
    ru_actions = [a for a in elastic.bulk.actions if a["_index"] == "test-ru"]
    assert ru_actions and all(a["_op_type"] == "index" for a in ru_actions)
    assert elastic.bulk.calls[0][1]["require_alias"] is True
